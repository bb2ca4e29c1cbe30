#include "decoders/gif_decoder.h"

#include <gif_lib.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>

#include "decoders/frame_failure.h"
#include "decoders/gif_block_walk.h"
#include "decoders/scratch_buffer.h"

namespace preflight {
namespace {

// giflib pulls its input through read_from_memory. `hit_end` tells a cut-short file from a malformed one:
// giflib reports both as D_GIF_ERR_READ_FAILED (or, in the screen descriptor, D_GIF_ERR_NO_SCRN_DSCR).
struct MemoryInput {
  ByteView bytes;
  std::size_t offset = 0;
  bool hit_end = false;
};

int read_from_memory(GifFileType* gif, GifByteType* destination, int length) {
  auto& input = *static_cast<MemoryInput*>(gif->UserData);
  const auto wanted = static_cast<std::size_t>(std::max(length, 0));
  const std::size_t count = std::min(wanted, input.bytes.size() - input.offset);
  if (count < wanted) input.hit_end = true;
  if (count == 0) return 0;  // an empty view may have no data pointer to copy from
  std::memcpy(destination, input.bytes.data() + input.offset, count);
  input.offset += count;
  return static_cast<int>(count);
}

struct GifCloser {
  void operator()(GifFileType* gif) const { DGifCloseFile(gif, nullptr); }
};
using GifHandle = std::unique_ptr<GifFileType, GifCloser>;

// An open giflib decoder over bytes in memory, positioned after the screen descriptor.
class GifStream {
 public:
  explicit GifStream(ByteView bytes) : input_{bytes} {
    gif_.reset(DGifOpen(&input_, read_from_memory, &open_error_));
  }
  GifStream(const GifStream&) = delete;
  GifStream& operator=(const GifStream&) = delete;

  bool is_open() const { return gif_ != nullptr; }
  GifFileType* get() const { return gif_.get(); }
  int error() const { return gif_ ? gif_->Error : open_error_; }

  // Whatever giflib calls it (a short read, a missing screen descriptor), an error after the input ran out
  // is the file's truncation.
  std::string detail() const {
    if (input_.hit_end) return "truncated";
    switch (error()) {
      case D_GIF_ERR_NOT_GIF_FILE:
        return "not_gif";
      case D_GIF_ERR_NO_SCRN_DSCR:
        return "no_screen_descriptor";
      case D_GIF_ERR_WRONG_RECORD:
        return "bad_record";
      case D_GIF_ERR_IMAGE_DEFECT:
        return "lzw_error";
      case D_GIF_ERR_EOF_TOO_SOON:
        return "lzw_early_end";
      case D_GIF_ERR_DATA_TOO_BIG:
        return "data_too_big";
      case D_GIF_ERR_NOT_ENOUGH_MEM:
        return "out_of_memory";
      default:
        return "corrupt_data";
    }
  }

  DecodeFailure failure(const std::string& prefix = {}) const {
    const char* message = GifErrorString(error());
    return decode_failure(prefix + detail(), message != nullptr ? message : "unknown giflib error");
  }

 private:
  MemoryInput input_;
  int open_error_ = D_GIF_SUCCEEDED;
  GifHandle gif_;
};

bool skip_extension(GifFileType* gif) {
  int code = 0;
  GifByteType* block = nullptr;
  if (DGifGetExtension(gif, &code, &block) == GIF_ERROR) return false;
  while (block != nullptr) {
    if (DGifGetExtensionNext(gif, &block) == GIF_ERROR) return false;
  }
  return true;
}

// Reads a frame's LZW sub-blocks without decoding them.
bool skip_image_data(GifFileType* gif) {
  int code_size = 0;
  GifByteType* block = nullptr;
  if (DGifGetCode(gif, &code_size, &block) == GIF_ERROR) return false;
  while (block != nullptr) {
    if (DGifGetCodeNext(gif, &block) == GIF_ERROR) return false;
  }
  return true;
}

enum class Record { image, trailer, error };

// Reads records up to the next image descriptor or the trailer. DGifGetImageHeader, unlike DGifGetImageDesc,
// does not append the frame to SavedImages, so a 100k-frame file costs no more memory than a 1-frame one.
Record advance_to_image(GifFileType* gif) {
  for (;;) {
    GifRecordType type = UNDEFINED_RECORD_TYPE;
    if (DGifGetRecordType(gif, &type) == GIF_ERROR) return Record::error;
    if (type == TERMINATE_RECORD_TYPE) return Record::trailer;
    if (type == IMAGE_DESC_RECORD_TYPE) {
      return DGifGetImageHeader(gif) == GIF_ERROR ? Record::error : Record::image;
    }
    if (!skip_extension(gif)) return Record::error;
  }
}

struct FrameCount {
  std::uint32_t frames = 0;
  std::optional<std::string> defect;
};

FrameCount count_frames(const GifStream& stream, std::uint32_t max_frames) {
  FrameCount count;
  for (;;) {
    switch (advance_to_image(stream.get())) {
      case Record::trailer:
        if (count.frames == 0) count.defect = "no_frames";
        return count;
      case Record::error:
        count.defect = stream.detail();
        return count;
      case Record::image:
        if (count.frames == max_frames) {
          count.defect = "too_many_frames";
          return count;
        }
        ++count.frames;  // the frame exists once its descriptor is read, even if its data is cut short
        if (!skip_image_data(stream.get())) {
          count.defect = stream.detail();
          return count;
        }
    }
  }
}

// LZW-decodes the current frame row by row into a scratch row; giflib reads its trailing sub-blocks itself.
std::optional<DecodeFailure> decode_image(const GifStream& stream, const std::string& prefix,
                                          const DecodeLimits& limits) {
  GifFileType* gif = stream.get();
  const auto width = static_cast<std::uint32_t>(gif->Image.Width);
  const auto height = static_cast<std::uint32_t>(gif->Image.Height);
  if (auto excess = check_dimension_limits(width, height, limits)) {
    excess->detail = prefix + excess->detail;
    return excess;
  }
  if (width == 0 || height == 0) {  // ImageMagick and Pillow reject a frame without pixels too
    return decode_failure(prefix + "empty_frame",
                          "frame of " + std::to_string(width) + "x" + std::to_string(height) + " pixels");
  }
  const std::span<std::uint8_t> row = thread_scratch(width);
  for (std::uint32_t y = 0; y < height; ++y) {
    if (limits.deadline.expired()) return timeout_failure();
    if (DGifGetLine(gif, row.data(), static_cast<int>(width)) == GIF_ERROR) return stream.failure(prefix);
  }
  return std::nullopt;
}

std::optional<DecodeFailure> differs_from_probe(const GifFileType& gif, const ImageHeader& header) {
  const auto width = static_cast<std::uint32_t>(gif.SWidth);
  const auto height = static_cast<std::uint32_t>(gif.SHeight);
  if (width == header.width && height == header.height) return std::nullopt;
  return decode_failure("size_mismatch", "screen " + std::to_string(width) + "x" + std::to_string(height) +
                                             ", probe reported " + std::to_string(header.width) + "x" +
                                             std::to_string(header.height));
}

// Walks to each requested frame, skipping the others' data, and stops after the last requested one.
DecodeStatus decode_requested(ByteView bytes, const ImageHeader& header,
                              std::span<const std::uint32_t> indices, const DecodeLimits& limits) {
  const GifStream stream(bytes);
  if (!stream.is_open()) return stream.failure();
  if (auto mismatch = differs_from_probe(*stream.get(), header)) return *mismatch;
  std::uint32_t frame = 0;
  for (auto wanted = indices.begin(); wanted != indices.end(); ++frame) {
    if (limits.deadline.expired()) return timeout_failure();
    const Record record = advance_to_image(stream.get());
    const std::string prefix = frame_prefix(header, frame);
    if (record == Record::error) return stream.failure(prefix);
    if (record == Record::trailer) {
      return decode_failure(frame_prefix(header, *wanted) + "missing",
                            "the trailer comes after " + std::to_string(frame) + " frames");
    }
    if (frame == *wanted) {
      if (auto failure = decode_image(stream, prefix, limits)) return *failure;
      ++wanted;
    } else if (!skip_image_data(stream.get())) {
      return stream.failure(prefix);
    }
  }
  return Decoded{};
}

class GifDecoder final : public Decoder {
 public:
  // Width and height are the logical screen's; a walk that breaks after it still yields a header, with the
  // frames counted so far and a defect that the rules report after the size checks.
  DecodeResult<ImageHeader> probe(ByteView bytes, const DecodeLimits& limits) const override {
    const GifStream stream(bytes);
    if (!stream.is_open()) return stream.failure();
    ImageHeader header;
    header.format = Format::Gif;
    header.width = static_cast<std::uint32_t>(stream.get()->SWidth);
    header.height = static_cast<std::uint32_t>(stream.get()->SHeight);
    if (const auto frames = count_gif_frames(bytes, limits.max_frames)) {
      header.frames_total = *frames;
      return header;
    }
    FrameCount count = count_frames(stream, limits.max_frames);
    header.frames_total = count.frames;
    header.defect = std::move(count.defect);
    return header;
  }

  DecodeStatus decode_frames(ByteView bytes, const ImageHeader& header,
                             std::span<const std::uint32_t> indices,
                             const DecodeLimits& limits) const override {
    return with_allocation_failure([&] { return decode_requested(bytes, header, indices, limits); },
                                   "row buffer allocation failed");
  }
};

}  // namespace

const Decoder& gif_decoder() {
  static const GifDecoder decoder;
  return decoder;
}

}  // namespace preflight
