#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace preflight {

// A read-only view of an input's bytes. Decoders never copy or retain it past the call.
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace preflight
