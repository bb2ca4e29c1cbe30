#include "decoders/png_decoder.h"
#include "decoders/frame_failure.h"

#include <spng.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>

#include "decoders/png_stream_check.h"
#include "decoders/scratch_buffer.h"

namespace preflight {
namespace {

// The PNG specification's largest chunk length (2^31 - 1).
constexpr std::uint64_t kMaxChunkLength = 0x7FFFFFFF;

struct ContextDeleter {
  void operator()(spng_ctx* context) const { spng_ctx_free(context); }
};
using Context = std::unique_ptr<spng_ctx, ContextDeleter>;

std::string detail_for(int error) {
  switch (error) {
    case SPNG_IO_EOF:
    case SPNG_EOF:
      return "truncated";
    case SPNG_EIDAT_TOO_SHORT:
      return "image_data_too_short";
    case SPNG_ECHUNK_CRC:
      return "bad_crc";
    case SPNG_ESIGNATURE:
      return "not_png";
    case SPNG_EIDAT_STREAM:
    case SPNG_EZLIB:
      return "zlib_error";
    case SPNG_EFILTER:
      return "bad_filter";
    case SPNG_EWIDTH:
    case SPNG_EHEIGHT:
    case SPNG_EBIT_DEPTH:
    case SPNG_ECOLOR_TYPE:
    case SPNG_ECOMPRESSION_METHOD:
    case SPNG_EFILTER_METHOD:
    case SPNG_EINTERLACE_METHOD:
    case SPNG_EIHDR_SIZE:
    case SPNG_ENOIHDR:
      return "bad_ihdr";
    case SPNG_ENOPLTE:
    case SPNG_EPLTE_IDX:
      return "bad_palette";
    case SPNG_ECHUNK_POS:
    case SPNG_ECHUNK_SIZE:
    case SPNG_ECHUNK_STDLEN:
    case SPNG_ECHUNK_TYPE:
    case SPNG_ECHUNK_UNKNOWN_CRITICAL:
      return "bad_chunk";
    case SPNG_EUSER_WIDTH:
    case SPNG_EUSER_HEIGHT:
      return "dimensions_exceed_limits";
    case SPNG_ECHUNK_LIMITS:
      return "chunk_limit";
    case SPNG_EMEM:
      return "out_of_memory";
    default:
      return "corrupt_data";
  }
}

DecodeFailure failure_of(int error) { return decode_failure(detail_for(error), spng_strerror(error)); }

// spng reads through read_from_memory rather than from a buffer so that running out of input is seen even
// where spng forgives it: spng 0.7.3 accepts an IEND chunk whose CRC is cut off.
struct MemoryInput {
  ByteView bytes;
  std::size_t offset = 0;
  bool hit_end = false;
};

int read_from_memory(spng_ctx*, void* user, void* destination, std::size_t length) {
  auto& input = *static_cast<MemoryInput*>(user);
  if (length > input.bytes.size() - input.offset) {
    input.hit_end = true;
    return SPNG_IO_EOF;
  }
  std::memcpy(destination, input.bytes.data() + input.offset, length);
  input.offset += length;
  return 0;
}

// A decoder context over bytes in memory that fails on every bad CRC: spng's default discards ancillary
// chunks with bad CRCs, while Pillow, libvips (fail_on=warning) and ImageMagick (-regard-warnings) reject
// them.
class PngStream {
 public:
  PngStream(ByteView bytes, const DecodeLimits& limits) : input_{bytes}, context_(spng_ctx_new(0)) {
    if (!context_) return;
    const std::size_t chunk_limit = std::min(kMaxChunkLength, limits.max_memory_bytes);
    setup_error_ = spng_set_png_stream(context_.get(), read_from_memory, &input_);
    if (setup_error_ == 0) setup_error_ = spng_set_crc_action(context_.get(), SPNG_CRC_ERROR, SPNG_CRC_ERROR);
    if (setup_error_ == 0)
      setup_error_ = spng_set_chunk_limits(context_.get(), chunk_limit, limits.max_memory_bytes);
  }
  PngStream(const PngStream&) = delete;
  PngStream& operator=(const PngStream&) = delete;

  std::optional<DecodeFailure> setup_failure() const {
    if (!context_) return decode_failure("out_of_memory", "spng_ctx_new failed");
    if (setup_error_ != 0) return failure_of(setup_error_);
    return std::nullopt;
  }
  spng_ctx* get() const { return context_.get(); }
  bool hit_end() const { return input_.hit_end; }

  // Whatever spng calls it, an error after the input ran out is the file's truncation.
  DecodeFailure failure(int error) const {
    DecodeFailure failure = failure_of(error);
    if (input_.hit_end) failure.detail = "truncated";
    return failure;
  }

 private:
  MemoryInput input_;
  Context context_;
  int setup_error_ = 0;
};

std::optional<DecodeFailure> differs_from_probe(const spng_ihdr& ihdr, const ImageHeader& header) {
  if (ihdr.width == header.width && ihdr.height == header.height) return std::nullopt;
  return decode_failure("size_mismatch", "decoded " + std::to_string(ihdr.width) + "x" +
                                             std::to_string(ihdr.height) + ", probe reported " +
                                             std::to_string(header.width) + "x" +
                                             std::to_string(header.height));
}

// Bytes of the widest scanline in the file's own pixel layout, which spng copies without conversion.
DecodeResult<std::size_t> scanline_bytes(const PngStream& stream, const spng_ihdr& ihdr,
                                         const DecodeLimits& limits) {
  std::size_t image_bytes = 0;
  if (const int error = spng_decoded_image_size(stream.get(), SPNG_FMT_PNG, &image_bytes); error != 0) {
    return stream.failure(error);
  }
  const std::size_t row_bytes = image_bytes / ihdr.height;
  if (row_bytes > limits.max_memory_bytes) {
    return decode_failure("memory_limit", "row of " + std::to_string(row_bytes) +
                                              " bytes exceeds max_memory_bytes " +
                                              std::to_string(limits.max_memory_bytes));
  }
  return row_bytes;
}

// Scanlines rather than rows: validation reads every byte of every Adam7 pass and needs no deinterlacing.
DecodeStatus decode_all_scanlines(const PngStream& stream, std::span<std::uint8_t> row,
                                  const Deadline& deadline) {
  int error = spng_decode_image(stream.get(), nullptr, 0, SPNG_FMT_PNG, SPNG_DECODE_PROGRESSIVE);
  while (error == 0) {
    if (deadline.expired()) return timeout_failure();
    error = spng_decode_scanline(stream.get(), row.data(), row.size());
  }
  if (error != SPNG_EOI) return stream.failure(error);
  return Decoded{};
}

DecodeStatus validate_image(ByteView bytes, const ImageHeader& header, const DecodeLimits& limits) {
  const PngStream stream(bytes, limits);
  if (auto failure = stream.setup_failure()) return *failure;
  spng_ctx* png = stream.get();
  if (const int error = spng_set_image_limits(png, limits.max_width, limits.max_height); error != 0) {
    return failure_of(error);
  }
  spng_ihdr ihdr{};
  if (const int error = spng_get_ihdr(png, &ihdr); error != 0) return stream.failure(error);
  if (auto mismatch = differs_from_probe(ihdr, header)) return *mismatch;
  if (auto excess = check_dimension_limits(ihdr.width, ihdr.height, limits)) return *excess;
  const auto row_bytes = scanline_bytes(stream, ihdr, limits);
  if (!row_bytes.ok()) return row_bytes.failure();
  // The common case proven at a fraction of a decode's cost; anything unproven gets libspng's verdict.
  if (proves_png_data(bytes, limits)) return Decoded{};

  const DecodeStatus scanned =
      decode_all_scanlines(stream, thread_scratch(row_bytes.value()), limits.deadline);
  if (!scanned.ok()) return scanned;
  // The chunks after the image data through IEND: a missing IEND or a bad CRC there is a failure too.
  if (const int error = spng_decode_chunks(png); error != 0) return stream.failure(error);
  if (stream.hit_end()) return decode_failure("truncated", "the file ends inside its IEND chunk");
  return Decoded{};
}

class PngDecoder final : public Decoder {
 public:
  // No image limits here: the probe must report a declared 100000x100000 so that the rules can name it.
  DecodeResult<ImageHeader> probe(ByteView bytes, const DecodeLimits& limits) const override {
    const PngStream stream(bytes, limits);
    if (auto failure = stream.setup_failure()) return *failure;
    spng_ihdr ihdr{};
    if (const int error = spng_get_ihdr(stream.get(), &ihdr); error != 0) return stream.failure(error);
    ImageHeader header;
    header.format = Format::Png;
    header.width = ihdr.width;
    header.height = ihdr.height;
    return header;
  }

  DecodeStatus decode_frames(ByteView bytes, const ImageHeader& header,
                             std::span<const std::uint32_t> indices,
                             const DecodeLimits& limits) const override {
    if (indices.empty()) return Decoded{};
    if (auto failure = beyond_first_frame(indices, "a PNG is checked on its default image only"))
      return *failure;
    return with_allocation_failure([&] { return validate_image(bytes, header, limits); },
                                   "row buffer allocation failed");
  }
};

}  // namespace

const Decoder& png_decoder() {
  static const PngDecoder decoder;
  return decoder;
}

}  // namespace preflight
