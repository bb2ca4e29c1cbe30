#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace preflight {

// A per-thread buffer that decoders reuse for rows, strips or one frame. Re-touching warm pages is far
// cheaper than faulting in a fresh multi-MB allocation per image (../shared/PERF-NOTES.md, lesson 1).
// The caller bounds `bytes` by its DecodeLimits before asking.
std::span<std::uint8_t> thread_scratch(std::size_t bytes);

}  // namespace preflight
