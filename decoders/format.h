#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace preflight {

// The formats the service accepts (SPEC §3). Anything else is reported by name as unsupported.
enum class Format : std::uint8_t { Bmp, Ico, Jpeg, Jng, Png, Tiff, Raw, Svg, Gif, Webp, Heic, Avif };

inline constexpr Format kAllFormats[] = {Format::Bmp, Format::Ico,  Format::Jpeg, Format::Jng,
                                         Format::Png, Format::Tiff, Format::Raw,  Format::Svg,
                                         Format::Gif, Format::Webp, Format::Heic, Format::Avif};

// Lower-case name used in records, profiles and the summary ("jpeg", "heic", ...).
std::string_view format_name(Format format);
std::optional<Format> format_from_name(std::string_view name);

// Formats whose frames the service samples (SPEC §3: GIF, WebP, HEIC). Others are checked on one frame.
bool format_is_sampled_animation(Format format);

}  // namespace preflight
