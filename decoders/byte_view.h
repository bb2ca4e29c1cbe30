#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace preflight {

// A read-only view of an input's bytes. Decoders never copy or retain it past the call.
using ByteView = std::span<const std::uint8_t>;

// Big-endian integers at `at`; the caller has checked that the bytes are there.
inline std::uint32_t read_be32(ByteView bytes, std::size_t at) {
  std::uint32_t word;
  std::memcpy(&word, bytes.data() + at, sizeof word);
  return __builtin_bswap32(word);
}
inline std::uint64_t read_be64(ByteView bytes, std::size_t at) {
  std::uint64_t word;
  std::memcpy(&word, bytes.data() + at, sizeof word);
  return __builtin_bswap64(word);
}

inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace preflight
