#include "decoders/format.h"

#include <array>

namespace preflight {
namespace {

constexpr std::array<std::string_view, std::size(kAllFormats)> kNames = {
    "bmp", "ico", "jpeg", "jng", "png", "tiff", "raw", "svg", "gif", "webp", "heic", "avif"};

}  // namespace

std::string_view format_name(Format format) { return kNames[static_cast<std::size_t>(format)]; }

std::optional<Format> format_from_name(std::string_view name) {
  for (Format format : kAllFormats) {
    if (format_name(format) == name) return format;
  }
  return std::nullopt;
}

bool format_is_sampled_animation(Format format) {
  return format == Format::Gif || format == Format::Webp || format == Format::Heic;
}

}  // namespace preflight
