#include "decoders/bmff_boxes.h"

#include <cstdint>

namespace preflight {
namespace {

constexpr std::size_t kBoxHeaderSize = 8;        // 32-bit size and 4-character type
constexpr std::size_t kLargeBoxHeaderSize = 16;  // followed by a 64-bit size
constexpr std::uint64_t kBoxSizeToEnd = 0;
constexpr std::uint64_t kBoxSizeIs64Bit = 1;

std::uint64_t read_be(ByteView bytes, std::size_t offset, std::size_t size) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i) value = value << 8 | bytes[offset + i];
  return value;
}

}  // namespace

// Neither libheif nor libavif says "truncated" as such; the top-level box sizes do.
bool bmff_box_cut_short(ByteView bytes) {
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    if (bytes.size() - offset < kBoxHeaderSize) return true;
    std::uint64_t box_size = read_be(bytes, offset, 4);
    if (box_size == kBoxSizeToEnd) return false;
    if (box_size == kBoxSizeIs64Bit) {
      if (bytes.size() - offset < kLargeBoxHeaderSize) return true;
      box_size = read_be(bytes, offset + kBoxHeaderSize, 8);
    }
    if (box_size < kBoxHeaderSize) return false;  // malformed rather than cut short
    if (box_size > bytes.size() - offset) return true;
    offset += static_cast<std::size_t>(box_size);
  }
  return false;
}

}  // namespace preflight
