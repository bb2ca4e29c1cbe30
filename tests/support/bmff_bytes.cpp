#include "tests/support/bmff_bytes.h"

#include <algorithm>

namespace preflight::samples::bmff {
std::size_t find(const Bytes& bytes, std::string_view pattern) {
  return static_cast<std::size_t>(std::search(bytes.begin(), bytes.end(), pattern.begin(), pattern.end()) -
                                  bytes.begin());
}

std::uint32_t read_be32(const Bytes& bytes, std::size_t at) {
  return std::uint32_t{bytes[at]} << 24 | std::uint32_t{bytes[at + 1]} << 16 |
         std::uint32_t{bytes[at + 2]} << 8 | bytes[at + 3];
}

void write_be32(Bytes& bytes, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
}

Bytes with_declared_size(Bytes bytes, std::uint32_t width, std::uint32_t height) {
  const std::size_t ispe = find(bytes, "ispe") + kBoxTypeSize + kFullBoxPrefix;
  write_be32(bytes, ispe, width);
  write_be32(bytes, ispe + 4, height);
  return bytes;
}

std::size_t payload_start(const Bytes& bytes) { return find(bytes, "mdat") + kBoxTypeSize; }

}  // namespace preflight::samples::bmff
