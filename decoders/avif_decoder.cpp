#include "decoders/avif_decoder.h"

#include <avif/avif.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "decoders/bmff_boxes.h"
#include "decoders/frame_failure.h"

namespace preflight {
namespace {

// One AV1 decoder thread per image: the pipeline already runs one image per core.
constexpr int kDecoderThreads = 1;
constexpr int kMaxBytesPerSample = 2;  // 10- and 12-bit samples are stored in 16 bits

struct DecoderDeleter {
  void operator()(avifDecoder* decoder) const { avifDecoderDestroy(decoder); }
};
using DecoderPtr = std::unique_ptr<avifDecoder, DecoderDeleter>;

// dav1d decodes AV1 fastest (../shared/PERF-NOTES.md); any other built-in decoder will do without it.
avifCodecChoice preferred_codec() {
  static const avifCodecChoice choice = avifCodecName(AVIF_CODEC_CHOICE_DAV1D, AVIF_CODEC_FLAG_CAN_DECODE)
                                            ? AVIF_CODEC_CHOICE_DAV1D
                                            : AVIF_CODEC_CHOICE_AUTO;
  return choice;
}

std::string detail_for(avifResult result) {
  switch (result) {
    case AVIF_RESULT_TRUNCATED_DATA:
      return "truncated";
    case AVIF_RESULT_DECODE_COLOR_FAILED:
    case AVIF_RESULT_DECODE_ALPHA_FAILED:
      return "corrupt_data";
    case AVIF_RESULT_NO_CODEC_AVAILABLE:
      return "unsupported_codec";
    case AVIF_RESULT_NOT_IMPLEMENTED:
      return "unsupported_feature";
    case AVIF_RESULT_OUT_OF_MEMORY:
      return "out_of_memory";
    case AVIF_RESULT_NO_IMAGES_REMAINING:
      return "missing_frame";
    default:
      return "corrupt_container";
  }
}

// libavif 0.11 reports its own limits being hit as BMFF parse failures; only the diagnostic text tells
// them apart from a malformed box.
struct LimitDiagnostic {
  std::string_view text;
  std::string_view detail;
};
constexpr LimitDiagnostic kLimitDiagnostics[] = {
    {"dimensions are too large", "limit_exceeded"},  // imageDimensionLimit, imageSizeLimit
    {"imageCountLimit", "too_many_frames"},
};

// The diagnostics buffer belongs to this call's decoder, so another thread's error never lands here.
DecodeFailure failure_from(avifResult result, const avifDecoder& decoder) {
  std::string message = avifResultToString(result);
  if (decoder.diag.error[0] != '\0') message += std::string(": ") + decoder.diag.error;
  return decode_failure(detail_for(result), std::move(message));
}

DecodeFailure parse_failure(avifResult result, const avifDecoder& decoder, ByteView bytes) {
  DecodeFailure failure = failure_from(result, decoder);
  if (result != AVIF_RESULT_BMFF_PARSE_FAILED) return failure;
  // libavif 0.11 reports a cut file only as "Exceeded avifIO's sizeHint".
  if (bmff_box_cut_short(bytes)) {
    failure.detail = "truncated";
    return failure;
  }
  for (const LimitDiagnostic& limit : kLimitDiagnostics) {
    if (std::string_view(decoder.diag.error).find(limit.text) != std::string_view::npos) {
      failure.detail = limit.detail;
    }
  }
  return failure;
}

// Strict flags keep their default (strict), as avifdec does.
void configure(avifDecoder& decoder, const DecodeLimits& limits) {
  decoder.codecChoice = preferred_codec();
  decoder.maxThreads = kDecoderThreads;
  decoder.imageDimensionLimit = std::max(limits.max_width, limits.max_height);
  // libavif 0.11 answers "not implemented" to a size limit above its default, and reserves 0.
  decoder.imageSizeLimit = std::clamp<std::uint64_t>(limits.max_pixels, 1, AVIF_DEFAULT_IMAGE_SIZE_LIMIT);
  decoder.imageCountLimit = limits.max_frames;
}

// Parses the container; `bytes` must outlive the decoder, which reads them in place.
DecodeResult<DecoderPtr> parse(ByteView bytes, const DecodeLimits& limits) {
  DecoderPtr decoder(avifDecoderCreate());
  if (!decoder) return decode_failure("out_of_memory", "avifDecoderCreate failed");
  configure(*decoder, limits);
  avifResult result = avifDecoderSetIOMemory(decoder.get(), bytes.data(), bytes.size());
  if (result == AVIF_RESULT_OK) result = avifDecoderParse(decoder.get());
  if (result != AVIF_RESULT_OK) return parse_failure(result, *decoder, bytes);
  return decoder;
}

std::optional<DecodeFailure> check_frame_limits(const ImageHeader& header, const avifDecoder& decoder,
                                                const DecodeLimits& limits) {
  if (header.width > limits.max_width || header.height > limits.max_height ||
      std::uint64_t{header.width} * header.height > limits.max_pixels) {
    return decode_failure("limit_exceeded", "frame " + std::to_string(header.width) + "x" +
                                                std::to_string(header.height) + " exceeds the decode limits");
  }
  const int channels = 3 + (decoder.alphaPresent ? 1 : 0);
  const int bytes_per_sample = decoder.image->depth > 8 ? kMaxBytesPerSample : 1;
  const std::uint64_t frame_bytes = std::uint64_t{header.width} * header.height * channels * bytes_per_sample;
  if (frame_bytes <= limits.max_memory_bytes) return std::nullopt;
  return decode_failure("limit_exceeded", "decoded frame needs " + std::to_string(frame_bytes) +
                                              " bytes, more than max_memory_bytes " +
                                              std::to_string(limits.max_memory_bytes));
}

DecodeStatus decode_frame(avifDecoder& decoder, std::uint32_t index, const ImageHeader& header,
                          const DecodeLimits& limits) {
  if (auto failure = check_frame_limits(header, decoder, limits)) return *failure;
  const avifResult result = avifDecoderNthImage(&decoder, index);
  if (result != AVIF_RESULT_OK) return failure_from(result, decoder);
  if (decoder.image->width != header.width || decoder.image->height != header.height) {
    return decode_failure("frame_size_mismatch", "decoded " + std::to_string(decoder.image->width) + "x" +
                                                     std::to_string(decoder.image->height) +
                                                     ", header says " + std::to_string(header.width) + "x" +
                                                     std::to_string(header.height));
  }
  return Decoded{};
}

class AvifDecoder final : public Decoder {
 public:
  // Sequences (`avis`) report every frame; the rules then check frame 0 only (SPEC §3).
  DecodeResult<ImageHeader> probe(ByteView bytes, const DecodeLimits& limits) const override {
    auto decoder = parse(bytes, limits);
    if (!decoder.ok()) return decoder.failure();
    const avifDecoder& parsed = *decoder.value();
    if (parsed.imageCount < 1) return decode_failure("no_images", "the file holds no image");
    ImageHeader header;
    header.format = Format::Avif;
    header.width = parsed.image->width;
    header.height = parsed.image->height;
    header.frames_total = static_cast<std::uint32_t>(parsed.imageCount);
    return header;
  }

  DecodeStatus decode_frames(ByteView bytes, const ImageHeader& header,
                             std::span<const std::uint32_t> indices,
                             const DecodeLimits& limits) const override {
    auto decoder = parse(bytes, limits);
    if (!decoder.ok()) return decoder.failure();
    for (const std::uint32_t index : indices) {
      if (limits.deadline.expired()) return timeout_failure();  // libavif decodes a frame in one call
      const DecodeStatus status = decode_frame(*decoder.value(), index, header, limits);
      if (!status.ok()) return for_frame(index, header, status.failure());
    }
    return Decoded{};
  }
};

}  // namespace

const Decoder& avif_decoder() {
  static const AvifDecoder decoder;
  return decoder;
}

}  // namespace preflight
