#pragma once

#include <cstdint>

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
};

}  // namespace preflight
