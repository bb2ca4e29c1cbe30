#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace preflight::testing {

struct SampleSize {
  std::size_t width;
  std::size_t height;
};

// Encodes one gradient image per size with MagickCore as `magick` ("BMP", "ICO", "JNG"); formats that hold
// several images (ICO) get them all, in the given order. Throws std::runtime_error if encoding fails.
std::string magick_sample(const std::string& magick, const std::vector<SampleSize>& sizes);

}  // namespace preflight::testing
