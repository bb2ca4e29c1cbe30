#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "decoders/format.h"

namespace preflight {

// What a probe learns from headers and container structure, without decoding a pixel.
struct ImageHeader {
  Format format{};
  std::uint32_t width = 0;  // canvas of the frame the service judges (ICO: the largest entry)
  std::uint32_t height = 0;
  std::uint32_t frames_total = 1;  // frames, pages, top-level images or icon entries the file holds
  // The frame checked for non-animated formats (ICO: index of the largest entry; else 0).
  std::uint32_t primary_frame = 0;
  // Set when the probe found the container damaged after the dimensions were known (a GIF cut short while
  // counting frames, a bad chunk CRC). The rules report it as decode_failed:<defect> at R9, after R6–R8.
  std::optional<std::string> defect;
};

}  // namespace preflight
