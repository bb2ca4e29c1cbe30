#pragma once

#include <cstdint>
#include <optional>

#include "decoders/deadline.h"
#include "decoders/decode_result.h"

namespace preflight {

// Bounds every decoder applies before it allocates. The rules reject oversize headers first; these are the
// decoders' own second line of defence (and what codec contexts are configured with).
struct DecodeLimits {
  std::uint32_t max_width = 16384;
  std::uint32_t max_height = 16384;
  std::uint64_t max_pixels = 16384ull * 16384ull;
  std::uint32_t max_frames = 100000;  // frames a container may declare before it is judged hostile
  // Working memory one decode may hold (row buffers, codec state, one decoded frame where unavoidable).
  std::uint64_t max_memory_bytes = 2ull << 30;  // a 9999x9999 palette BMP in ImageMagick needs 1.4 GB
  Deadline deadline;  // when this input's check must be over (never, unless the checker sets one)
};

// dimensions_exceed_limits naming the value, the limit and its field, or nothing if the size is within
// limits.
std::optional<DecodeFailure> check_dimension_limits(std::uint32_t width, std::uint32_t height,
                                                    const DecodeLimits& limits);

}  // namespace preflight
