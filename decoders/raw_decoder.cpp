#include "decoders/raw_decoder.h"

#include <libraw/libraw.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>

namespace preflight {
namespace {

constexpr int kEndOfFileOffset = -1;  // what LibRaw's data callback receives for a read past the end
constexpr unsigned kMegabyteShift = 20;
// LibRaw's own stderr callbacks are replaced by this call's recorder.
constexpr unsigned kNoDefaultCallbacks = LIBRAW_OPIONS_NO_MEMERR_CALLBACK | LIBRAW_OPIONS_NO_DATAERR_CALLBACK;

// Data errors LibRaw reported while reading this input; owned by the call, never shared.
struct RawDiagnostics {
  bool end_of_file = false;
  int data_errors = 0;
  int first_error_offset = 0;
};

void record_data_error(void* data, const char*, const int offset) {
  auto& diagnostics = *static_cast<RawDiagnostics*>(data);
  if (offset == kEndOfFileOffset) diagnostics.end_of_file = true;
  if (diagnostics.data_errors++ == 0) diagnostics.first_error_offset = offset;
}

std::string detail_for(int code, const RawDiagnostics& diagnostics) {
  switch (code) {
    case LIBRAW_FILE_UNSUPPORTED:
      return "unsupported_raw";
    case LIBRAW_NOT_IMPLEMENTED:
      return "unsupported_codec";
    case LIBRAW_TOO_BIG:
      return "limit_exceeded";
    case LIBRAW_UNSUFFICIENT_MEMORY:
      return "out_of_memory";
    case LIBRAW_IO_ERROR:
      return diagnostics.end_of_file ? "truncated" : "corrupt_data";
    default:
      return "corrupt_data";
  }
}

DecodeFailure failure_from(int code, const RawDiagnostics& diagnostics) {
  return decode_failure(detail_for(code, diagnostics), libraw_strerror(code));
}

DecodeFailure data_error_failure(const RawDiagnostics& diagnostics) {
  if (diagnostics.end_of_file) return decode_failure("truncated", "Unexpected end of file");
  return decode_failure("corrupt_data",
                        "data corrupted at offset " + std::to_string(diagnostics.first_error_offset));
}

// One LibRaw processor per thread, lent to one call at a time: constructing one (766 KB, zeroed) costs
// more than unpacking a small DNG. The lease sets this call's memory cap and error recorder, and its end
// recycles the processor, freeing the image buffers. Decoders never re-enter, so a lease is never nested.
class ProcessorLease {
 public:
  ProcessorLease(RawDiagnostics& diagnostics, const DecodeLimits& limits) : processor_(thread_processor()) {
    processor_.imgdata.params.max_raw_memory_mb = static_cast<unsigned>(
        std::clamp<std::uint64_t>(limits.max_memory_bytes >> kMegabyteShift, 1, UINT_MAX));
    processor_.set_dataerror_handler(record_data_error, &diagnostics);
  }
  ~ProcessorLease() {
    processor_.set_dataerror_handler(nullptr, nullptr);
    processor_.recycle();
  }
  ProcessorLease(const ProcessorLease&) = delete;
  ProcessorLease& operator=(const ProcessorLease&) = delete;

  LibRaw& operator*() const { return processor_; }
  LibRaw* operator->() const { return &processor_; }

 private:
  static LibRaw& thread_processor() {
    thread_local const std::unique_ptr<LibRaw> processor = std::make_unique<LibRaw>(kNoDefaultCallbacks);
    return *processor;
  }

  LibRaw& processor_;
};

// LibRaw's buffer stream only reads, but its API takes a mutable pointer.
int open_bytes(LibRaw& processor, ByteView bytes) {
  return processor.open_buffer(const_cast<std::uint8_t*>(bytes.data()), bytes.size());
}

struct OutputSize {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// The size raw-identify reports as "Output size": the visible area after pixel-aspect correction, with
// width and height swapped for portrait orientation.
DecodeResult<OutputSize> output_size(LibRaw& processor, const RawDiagnostics& diagnostics) {
  const int code = processor.adjust_sizes_info_only();
  if (code != LIBRAW_SUCCESS) return failure_from(code, diagnostics);
  return OutputSize{processor.imgdata.sizes.iwidth, processor.imgdata.sizes.iheight};
}

std::optional<DecodeFailure> check_limits(const ImageHeader& header, const DecodeLimits& limits) {
  if (header.width <= limits.max_width && header.height <= limits.max_height &&
      std::uint64_t{header.width} * header.height <= limits.max_pixels) {
    return std::nullopt;
  }
  return decode_failure("limit_exceeded", "image " + std::to_string(header.width) + "x" +
                                              std::to_string(header.height) + " exceeds the decode limits");
}

DecodeResult<ImageHeader> probe_raw(ByteView bytes, const DecodeLimits& limits) {
  RawDiagnostics diagnostics;
  const ProcessorLease processor(diagnostics, limits);
  const int code = open_bytes(*processor, bytes);
  if (code != LIBRAW_SUCCESS) return failure_from(code, diagnostics);
  const auto size = output_size(*processor, diagnostics);
  if (!size.ok()) return size.failure();
  if (size.value().width == 0 || size.value().height == 0) {
    return decode_failure("corrupt_header", "the raw image has no size");
  }
  ImageHeader header;
  header.format = Format::Raw;
  header.width = size.value().width;
  header.height = size.value().height;
  return header;
}

// unpack() decodes the sensor data without demosaicing: every compressed bit is read, no RGB image is built.
DecodeStatus unpack_raw(ByteView bytes, const ImageHeader& header, const DecodeLimits& limits) {
  if (auto failure = check_limits(header, limits)) return *failure;
  RawDiagnostics diagnostics;
  const ProcessorLease processor(diagnostics, limits);
  int code = open_bytes(*processor, bytes);
  if (limits.deadline.expired()) return timeout_failure();  // LibRaw unpacks in one call
  if (code == LIBRAW_SUCCESS) code = processor->unpack();
  if (code != LIBRAW_SUCCESS) return failure_from(code, diagnostics);
  if (diagnostics.data_errors > 0) return data_error_failure(diagnostics);
  const auto size = output_size(*processor, diagnostics);
  if (!size.ok()) return size.failure();
  if (size.value().width != header.width || size.value().height != header.height) {
    return decode_failure("frame_size_mismatch", "unpacked " + std::to_string(size.value().width) + "x" +
                                                     std::to_string(size.value().height) + ", header says " +
                                                     std::to_string(header.width) + "x" +
                                                     std::to_string(header.height));
  }
  return Decoded{};
}

// LibRaw converts its own exceptions to return codes; allocation of the processor itself may still throw.
template <typename Step>
auto without_exceptions(Step step) -> decltype(step()) {
  try {
    return step();
  } catch (const std::bad_alloc&) {
    return decode_failure("out_of_memory", "LibRaw could not allocate its processor");
  } catch (...) {
    return decode_failure("corrupt_data", "LibRaw raised an unexpected exception");
  }
}

class RawDecoder final : public Decoder {
 public:
  // Camera RAW files hold one image (SPEC §3): frames_total stays 1.
  DecodeResult<ImageHeader> probe(ByteView bytes, const DecodeLimits& limits) const override {
    return without_exceptions([&] { return probe_raw(bytes, limits); });
  }

  DecodeStatus decode_frames(ByteView bytes, const ImageHeader& header,
                             std::span<const std::uint32_t> indices,
                             const DecodeLimits& limits) const override {
    if (indices.empty()) return Decoded{};
    return without_exceptions([&] { return unpack_raw(bytes, header, limits); });
  }
};

}  // namespace

const Decoder& raw_decoder() {
  static const RawDecoder decoder;
  return decoder;
}

}  // namespace preflight
