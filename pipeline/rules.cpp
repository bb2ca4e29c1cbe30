#include "pipeline/rules.h"

#include <fmt/format.h>

#include <algorithm>

namespace preflight {
namespace {

std::string field_ref(const Profile& profile, std::string_view field) {
  return fmt::format("profile {}, field {}", profile.name, field);
}

}  // namespace

std::uint64_t base64_length(std::uint64_t bytes) { return (bytes + 2) / 3 * 4; }

bool passes_inline_size(std::uint64_t bytes, const Profile& profile) {
  return base64_length(bytes) <= profile.max_inline_base64_bytes;
}

std::optional<Rejection> check_byte_rules(std::uint64_t bytes, InputMode mode, const Profile& profile) {
  if (bytes == 0) return Rejection{Reason::EmptyContent, {}, "the input is empty (0 bytes)"};
  if (bytes < profile.min_bytes) {
    return Rejection{Reason::DataTooSmall,
                     {},
                     fmt::format("{} bytes is below min_bytes {} ({})", bytes, profile.min_bytes,
                                 field_ref(profile, "min_bytes"))};
  }
  if (mode == InputMode::Url && bytes > profile.max_url_bytes) {
    return Rejection{Reason::TooLarge,
                     {},
                     fmt::format("{} bytes exceeds max_url_bytes {} ({})", bytes, profile.max_url_bytes,
                                 field_ref(profile, "max_url_bytes"))};
  }
  if (mode == InputMode::Inline && !passes_inline_size(bytes, profile)) {
    return Rejection{
        Reason::RequestTooLarge,
        {},
        fmt::format("base64 of {} bytes is {} bytes, above max_inline_base64_bytes {} ({}); send it by URL",
                    bytes, base64_length(bytes), profile.max_inline_base64_bytes,
                    field_ref(profile, "max_inline_base64_bytes"))};
  }
  return std::nullopt;
}

std::optional<Rejection> check_format(const SniffResult& sniffed, const Profile& profile) {
  if (!sniffed.format) {
    return Rejection{Reason::UnsupportedFormat, sniffed.unsupported_name,
                     fmt::format("content is {}, not a supported image format", sniffed.unsupported_name)};
  }
  if (!profile.formats.contains(*sniffed.format)) {
    const std::string name(format_name(*sniffed.format));
    return Rejection{Reason::UnsupportedFormat, name,
                     fmt::format("format {} is not accepted ({})", name, field_ref(profile, "formats"))};
  }
  return std::nullopt;
}

std::optional<Rejection> check_dimensions(const ImageHeader& header, const Profile& profile) {
  if (header.width < profile.min_width || header.height < profile.min_height) {
    return Rejection{
        Reason::DimensionsTooSmall,
        {},
        fmt::format("{}x{} is below the minimum {}x{} ({} and min_height)", header.width, header.height,
                    profile.min_width, profile.min_height, field_ref(profile, "min_width"))};
  }
  if (header.width > profile.max_width || header.height > profile.max_height) {
    return Rejection{
        Reason::DimensionsTooLarge,
        {},
        fmt::format("{}x{} exceeds the maximum {}x{} ({} and max_height)", header.width, header.height,
                    profile.max_width, profile.max_height, field_ref(profile, "max_width"))};
  }
  const std::uint64_t long_side = std::max(header.width, header.height);
  const std::uint64_t short_side = std::min(header.width, header.height);
  if (long_side >= std::uint64_t{profile.aspect_ratio_limit} * short_side) {
    return Rejection{Reason::AspectRatioTooLarge,
                     {},
                     fmt::format("aspect ratio {}:{} is not below {}:1 ({})", long_side, short_side,
                                 profile.aspect_ratio_limit, field_ref(profile, "aspect_ratio_limit"))};
  }
  return std::nullopt;
}

std::optional<std::string> format_warning(const ImageHeader& header) {
  if (header.format == Format::Avif && header.frames_total > 1) return "animation_ignored";
  return std::nullopt;
}

std::optional<std::string> resolution_warning(const ImageHeader& header, const Profile& profile) {
  if (header.width < profile.recommended_min_width || header.height < profile.recommended_min_height) {
    return "low_resolution";
  }
  return std::nullopt;
}

}  // namespace preflight
