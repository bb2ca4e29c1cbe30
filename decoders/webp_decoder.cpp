#include "decoders/webp_decoder.h"

#include <webp/decode.h>
#include <webp/demux.h>

#include <cstddef>
#include <memory>
#include <new>
#include <optional>
#include <string>

#include "decoders/frame_failure.h"
#include "decoders/scratch_buffer.h"

namespace preflight {
namespace {

// WebPBitstreamFeatures::format of a VP8L (lossless) bitstream.
constexpr int kLosslessFormat = 2;
constexpr std::size_t kBgraBytesPerPixel = 4;

struct DemuxerDeleter {
  void operator()(WebPDemuxer* demuxer) const { WebPDemuxDelete(demuxer); }
};
using Demuxer = std::unique_ptr<WebPDemuxer, DemuxerDeleter>;

// A frame obtained with WebPDemuxGetFrame, released when it goes out of scope.
struct DemuxedFrame {
  DemuxedFrame() = default;
  DemuxedFrame(const DemuxedFrame&) = delete;
  DemuxedFrame& operator=(const DemuxedFrame&) = delete;
  ~DemuxedFrame() { WebPDemuxReleaseIterator(&iterator); }
  WebPIterator iterator{};
};

const char* status_name(VP8StatusCode status) {
  switch (status) {
    case VP8_STATUS_OK:
      return "VP8_STATUS_OK";
    case VP8_STATUS_OUT_OF_MEMORY:
      return "VP8_STATUS_OUT_OF_MEMORY";
    case VP8_STATUS_INVALID_PARAM:
      return "VP8_STATUS_INVALID_PARAM";
    case VP8_STATUS_BITSTREAM_ERROR:
      return "VP8_STATUS_BITSTREAM_ERROR";
    case VP8_STATUS_UNSUPPORTED_FEATURE:
      return "VP8_STATUS_UNSUPPORTED_FEATURE";
    case VP8_STATUS_SUSPENDED:
      return "VP8_STATUS_SUSPENDED";
    case VP8_STATUS_USER_ABORT:
      return "VP8_STATUS_USER_ABORT";
    case VP8_STATUS_NOT_ENOUGH_DATA:
      return "VP8_STATUS_NOT_ENOUGH_DATA";
  }
  return "unknown VP8StatusCode";
}

std::string detail_for(VP8StatusCode status) {
  switch (status) {
    case VP8_STATUS_NOT_ENOUGH_DATA:
    case VP8_STATUS_SUSPENDED:
      return "truncated";
    case VP8_STATUS_BITSTREAM_ERROR:
      return "corrupt_data";
    case VP8_STATUS_UNSUPPORTED_FEATURE:
      return "unsupported_feature";
    case VP8_STATUS_OUT_OF_MEMORY:
      return "out_of_memory";
    default:
      return "decode_error";
  }
}

DecodeFailure failure_of(VP8StatusCode status, const std::string& prefix = {}) {
  return decode_failure(prefix + detail_for(status), std::string("libwebp: ") + status_name(status));
}

// The container already holds all of this frame's bytes, so a bitstream that runs out is damaged, not cut.
DecodeFailure frame_failure_of(VP8StatusCode status, const std::string& prefix) {
  DecodeFailure failure = failure_of(status, prefix);
  if (status == VP8_STATUS_NOT_ENOUGH_DATA) failure.detail = prefix + "corrupt_data";
  return failure;
}

struct Container {
  Demuxer demuxer;
  WebPDemuxState state;
};

// The RIFF chunk walk. A partial parse keeps what was read when the file ends early; its state says so.
DecodeResult<Container> open_container(ByteView bytes) {
  const WebPData data{bytes.data(), bytes.size()};
  WebPDemuxState state = WEBP_DEMUX_PARSE_ERROR;
  Demuxer demuxer(WebPDemuxPartial(&data, &state));
  if (state == WEBP_DEMUX_PARSE_ERROR)
    return decode_failure("corrupt_container", "WebPDemux: malformed RIFF container");
  if (!demuxer || state == WEBP_DEMUX_PARSING_HEADER) {
    return decode_failure("truncated", "WebPDemux: the file ends inside its headers");
  }
  return Container{std::move(demuxer), state};
}

// Frames whose data is all present; a partial parse may end inside the last one.
std::uint32_t complete_frames(WebPDemuxer* demuxer) {
  const auto frames = static_cast<std::uint32_t>(WebPDemuxGetI(demuxer, WEBP_FF_FRAME_COUNT));
  DemuxedFrame last;
  const bool last_is_partial = WebPDemuxGetFrame(demuxer, 0, &last.iterator) && !last.iterator.complete;
  return last_is_partial ? frames - 1 : frames;
}

// The cheapest output that still decodes every plane: YUV(A) for lossy frames (no colour conversion, and
// the alpha plane is decoded only when asked for), BGRA for lossless ones (libwebp's native ARGB order).
struct OutputPlan {
  WEBP_CSP_MODE mode;
  std::size_t luma_bytes;
  std::size_t chroma_bytes;  // each of U and V
  std::size_t alpha_bytes;
  std::size_t total() const { return luma_bytes + 2 * chroma_bytes + alpha_bytes; }
};

OutputPlan plan_output(const WebPBitstreamFeatures& features) {
  const auto width = static_cast<std::size_t>(features.width);
  const auto height = static_cast<std::size_t>(features.height);
  if (features.format == kLosslessFormat) return {MODE_BGRA, width * height * kBgraBytesPerPixel, 0, 0};
  const std::size_t chroma = ((width + 1) / 2) * ((height + 1) / 2);
  if (features.has_alpha) return {MODE_YUVA, width * height, chroma, width * height};
  return {MODE_YUV, width * height, chroma, 0};
}

void attach_scratch(WebPDecBuffer& output, const OutputPlan& plan, int width,
                    std::span<std::uint8_t> scratch) {
  output.colorspace = plan.mode;
  output.is_external_memory = 1;
  if (plan.mode == MODE_BGRA) {
    output.u.RGBA = {scratch.data(), width * static_cast<int>(kBgraBytesPerPixel), plan.luma_bytes};
    return;
  }
  const int chroma_stride = (width + 1) / 2;
  std::uint8_t* next = scratch.data();
  WebPYUVABuffer& yuva = output.u.YUVA;
  yuva.y = next;
  yuva.y_stride = width;
  yuva.y_size = plan.luma_bytes;
  yuva.u = next += plan.luma_bytes;
  yuva.u_stride = chroma_stride;
  yuva.u_size = plan.chroma_bytes;
  yuva.v = next += plan.chroma_bytes;
  yuva.v_stride = chroma_stride;
  yuva.v_size = plan.chroma_bytes;
  yuva.a = plan.alpha_bytes > 0 ? next + plan.chroma_bytes : nullptr;
  yuva.a_stride = plan.alpha_bytes > 0 ? width : 0;
  yuva.a_size = plan.alpha_bytes;
}

// Decodes one frame's bitstream (ALPH + VP8, or VP8L) alone into scratch memory.
std::optional<DecodeFailure> decode_bitstream(const WebPIterator& frame, const DecodeLimits& limits,
                                              const std::string& prefix) {
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config))
    return decode_failure(prefix + "library_mismatch", "libwebp ABI mismatch");
  const WebPData& bitstream = frame.fragment;
  if (const VP8StatusCode status = WebPGetFeatures(bitstream.bytes, bitstream.size, &config.input);
      status != VP8_STATUS_OK) {
    return frame_failure_of(status, prefix);
  }
  if (config.input.width != frame.width || config.input.height != frame.height) {
    return decode_failure(prefix + "size_mismatch", "bitstream " + std::to_string(config.input.width) + "x" +
                                                        std::to_string(config.input.height) + ", container " +
                                                        std::to_string(frame.width) + "x" +
                                                        std::to_string(frame.height));
  }
  const auto width = static_cast<std::uint32_t>(config.input.width);
  if (auto excess = check_dimension_limits(width, static_cast<std::uint32_t>(config.input.height), limits)) {
    excess->detail = prefix + excess->detail;
    return excess;
  }
  const OutputPlan plan = plan_output(config.input);
  if (plan.total() > limits.max_memory_bytes) {
    return decode_failure(prefix + "memory_limit", "frame buffer of " + std::to_string(plan.total()) +
                                                       " bytes exceeds max_memory_bytes " +
                                                       std::to_string(limits.max_memory_bytes));
  }
  attach_scratch(config.output, plan, config.input.width, thread_scratch(plan.total()));
  config.options.bypass_filtering = 1;  // the loop filter only smooths pixels; it reads no bits
  const VP8StatusCode status = WebPDecode(bitstream.bytes, bitstream.size, &config);
  WebPFreeDecBuffer(&config.output);
  if (status != VP8_STATUS_OK) return frame_failure_of(status, prefix);
  return std::nullopt;
}

std::optional<DecodeFailure> decode_frame(WebPDemuxer* demuxer, const ImageHeader& header,
                                          std::uint32_t index, const DecodeLimits& limits) {
  const std::string prefix = frame_prefix(header, index);
  DemuxedFrame frame;
  if (!WebPDemuxGetFrame(demuxer, static_cast<int>(index) + 1, &frame.iterator)) {
    return decode_failure(prefix + "missing", "WebPDemux: no frame " + std::to_string(index));
  }
  if (!frame.iterator.complete)
    return decode_failure(prefix + "truncated", "WebPDemux: the frame's data is cut short");
  return decode_bitstream(frame.iterator, limits, prefix);
}

std::optional<DecodeFailure> differs_from_probe(WebPDemuxer* demuxer, const ImageHeader& header) {
  const auto width = WebPDemuxGetI(demuxer, WEBP_FF_CANVAS_WIDTH);
  const auto height = WebPDemuxGetI(demuxer, WEBP_FF_CANVAS_HEIGHT);
  if (width == header.width && height == header.height) return std::nullopt;
  return decode_failure("size_mismatch", "canvas " + std::to_string(width) + "x" + std::to_string(height) +
                                             ", probe reported " + std::to_string(header.width) + "x" +
                                             std::to_string(header.height));
}

DecodeStatus decode_requested(ByteView bytes, const ImageHeader& header,
                              std::span<const std::uint32_t> indices, const DecodeLimits& limits) {
  auto container = open_container(bytes);
  if (!container.ok()) return container.failure();
  WebPDemuxer* demuxer = container.value().demuxer.get();
  if (auto mismatch = differs_from_probe(demuxer, header)) return *mismatch;
  for (const std::uint32_t index : indices) {
    if (limits.deadline.expired()) return timeout_failure();  // libwebp decodes a frame in one call
    if (auto failure = decode_frame(demuxer, header, index, limits)) return *failure;
  }
  return Decoded{};
}

class WebpDecoder final : public Decoder {
 public:
  DecodeResult<ImageHeader> probe(ByteView bytes, const DecodeLimits& limits) const override {
    WebPBitstreamFeatures features;
    if (const VP8StatusCode status = WebPGetFeatures(bytes.data(), bytes.size(), &features);
        status != VP8_STATUS_OK) {
      return failure_of(status);
    }
    auto container = open_container(bytes);
    if (!container.ok()) return container.failure();
    WebPDemuxer* demuxer = container.value().demuxer.get();
    ImageHeader header;
    header.format = Format::Webp;
    header.width = static_cast<std::uint32_t>(features.width);
    header.height = static_cast<std::uint32_t>(features.height);
    if (auto mismatch = differs_from_probe(demuxer, header)) return *mismatch;
    header.frames_total = features.has_animation ? complete_frames(demuxer) : 1;
    if (container.value().state != WEBP_DEMUX_DONE) header.defect = "truncated";
    if (header.frames_total > limits.max_frames) {
      header.frames_total = limits.max_frames;
      header.defect = "too_many_frames";
    }
    return header;
  }

  DecodeStatus decode_frames(ByteView bytes, const ImageHeader& header,
                             std::span<const std::uint32_t> indices,
                             const DecodeLimits& limits) const override {
    return with_allocation_failure([&] { return decode_requested(bytes, header, indices, limits); },
                                   "frame buffer allocation failed");
  }
};

}  // namespace

const Decoder& webp_decoder() {
  static const WebpDecoder decoder;
  return decoder;
}

}  // namespace preflight
