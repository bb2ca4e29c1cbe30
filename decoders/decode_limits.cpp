#include "decoders/decode_limits.h"

#include <string>

namespace preflight {
namespace {

DecodeFailure over_limit(const char* what, std::uint64_t value, const char* field, std::uint64_t limit) {
  return decode_failure("dimensions_exceed_limits", std::string(what) + " " + std::to_string(value) +
                                                        " exceeds " + field + " " + std::to_string(limit));
}

}  // namespace

std::optional<DecodeFailure> check_dimension_limits(std::uint32_t width, std::uint32_t height,
                                                    const DecodeLimits& limits) {
  if (width > limits.max_width) return over_limit("width", width, "max_width", limits.max_width);
  if (height > limits.max_height) return over_limit("height", height, "max_height", limits.max_height);
  const std::uint64_t pixels = std::uint64_t{width} * height;
  if (pixels > limits.max_pixels) return over_limit("pixel count", pixels, "max_pixels", limits.max_pixels);
  return std::nullopt;
}

}  // namespace preflight
