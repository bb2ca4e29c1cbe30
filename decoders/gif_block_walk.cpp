#include "decoders/gif_block_walk.h"

#include <cstddef>

// Hand-parsed: giflib walks blocks only through a read callback that copies every 255-byte sub-block, which
// costs most of a probe; counting frames needs just the length bytes.
namespace preflight {
namespace {

constexpr std::size_t kHeaderBytes = 6;            // "GIF87a" / "GIF89a"
constexpr std::size_t kScreenDescriptorBytes = 7;  // width, height, flags, background, aspect
constexpr std::size_t kImageDescriptorBytes = 9;   // left, top, width, height, flags
constexpr std::uint8_t kColorTableFlag = 0x80;
constexpr std::uint8_t kExtensionIntroducer = 0x21;
constexpr std::uint8_t kImageSeparator = 0x2C;
constexpr std::uint8_t kTrailer = 0x3B;
constexpr std::uint8_t kMaxLzwCodeSize = 8;  // giflib's limit (DGifSetupDecompress)

std::size_t color_table_bytes(std::uint8_t flags) {
  return (flags & kColorTableFlag) != 0 ? 3u << ((flags & 7) + 1) : 0;
}

class BlockWalk {
 public:
  explicit BlockWalk(ByteView bytes) : bytes_(bytes) {}

  bool skip(std::size_t count) {
    if (bytes_.size() - offset_ < count) return false;
    offset_ += count;
    return true;
  }
  // The byte at the read position, consumed; -1 at the end.
  int next() { return offset_ < bytes_.size() ? bytes_[offset_++] : -1; }
  int peek(std::size_t ahead) const { return bytes_.size() - offset_ > ahead ? bytes_[offset_ + ahead] : -1; }

  // Data sub-blocks up to and including the zero-length terminator.
  bool skip_sub_blocks() {
    for (;;) {
      const int length = next();
      if (length <= 0) return length == 0;
      if (!skip(static_cast<std::size_t>(length))) return false;
    }
  }

 private:
  ByteView bytes_;
  std::size_t offset_ = 0;
};

bool skip_image(BlockWalk& walk) {
  const int flags = walk.peek(kImageDescriptorBytes - 1);
  if (flags < 0 || !walk.skip(kImageDescriptorBytes)) return false;
  if (!walk.skip(color_table_bytes(static_cast<std::uint8_t>(flags)))) return false;
  const int code_size = walk.next();
  return code_size >= 0 && code_size <= kMaxLzwCodeSize && walk.skip_sub_blocks();
}

}  // namespace

std::optional<std::uint32_t> count_gif_frames(ByteView gif, std::uint32_t max_frames) {
  BlockWalk walk(gif);
  if (gif.size() < kHeaderBytes || gif[0] != 'G' || gif[1] != 'I' || gif[2] != 'F') return std::nullopt;
  walk.skip(kHeaderBytes);
  const int screen_flags = walk.peek(4);
  if (screen_flags < 0 || !walk.skip(kScreenDescriptorBytes)) return std::nullopt;
  if (!walk.skip(color_table_bytes(static_cast<std::uint8_t>(screen_flags)))) return std::nullopt;
  std::uint32_t frames = 0;
  for (;;) {
    switch (walk.next()) {
      case kTrailer:
        return frames > 0 ? std::optional(frames) : std::nullopt;
      case kExtensionIntroducer:
        if (walk.next() < 0 || !walk.skip_sub_blocks()) return std::nullopt;
        break;
      case kImageSeparator:
        if (frames == max_frames || !skip_image(walk)) return std::nullopt;
        ++frames;
        break;
      default:
        return std::nullopt;
    }
  }
}

}  // namespace preflight
