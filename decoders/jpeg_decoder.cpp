#include "decoders/jpeg_decoder.h"
#include "decoders/frame_failure.h"

#include <algorithm>
#include <climits>
#include <csetjmp>
#include <cstddef>
#include <cstdio>  // jpeglib.h needs FILE and size_t declared before it
#include <new>
#include <optional>
#include <string>

#include <jerror.h>
#include <jpeglib.h>

#include "decoders/jpeg_entropy_check.h"
#include "decoders/scratch_buffer.h"

namespace preflight {
namespace {

// The emit_message level libjpeg uses for "corrupt data" warnings; levels >= 0 are trace output.
constexpr int kWarningLevel = -1;
// Decoding at 1/8 scale still reads every entropy-coded bit but skips most IDCT and colour work.
constexpr unsigned int kValidationScaleDenominator = 8;

// Which libjpeg warnings abort: a header read only needs to know the file did not end early, validation
// fails on every corrupt-data warning.
enum class FatalWarnings { end_of_file, all };

// Where libjpeg's error_exit (and each fatal warning) jumps back to. `manager` must stay the first member:
// libjpeg hands the callbacks a pointer to it.
struct ErrorTrap {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  FatalWarnings fatal_warnings;
  int message_code;
  char message[JMSG_LENGTH_MAX];
  bool timed_out;
};

ErrorTrap& trap_of(j_common_ptr cinfo) { return *reinterpret_cast<ErrorTrap*>(cinfo->err); }

[[noreturn]] void jump_back(j_common_ptr cinfo) {
  ErrorTrap& trap = trap_of(cinfo);
  trap.message_code = cinfo->err->msg_code;
  cinfo->err->format_message(cinfo, trap.message);
  std::longjmp(trap.jump, 1);
}

// libjpeg reports damaged data ("Premature end of JPEG file", "bad Huffman code", extraneous bytes) as
// warnings and carries on; ImageMagick and libvips let such images through, we fail them.
void on_message(j_common_ptr cinfo, int level) {
  if (level != kWarningLevel) return;
  if (trap_of(cinfo).fatal_warnings == FatalWarnings::all || cinfo->err->msg_code == JWRN_JPEG_EOF) {
    jump_back(cinfo);
  }
}

// A data source that hands libjpeg the input a slice at a time. libjpeg-turbo decodes Huffman codes on a
// fast path only while a large buffer is available, and that path silently reads an invalid code as 0;
// with short slices every code goes through jpeg_huff_decode, which reports "bad Huffman code".
constexpr std::size_t kSourceSliceBytes = 256;
constexpr JOCTET kFakeEndOfImage[] = {0xFF, JPEG_EOI};

struct SlicedSource {
  jpeg_source_mgr manager;  // first member: libjpeg hands the callbacks a pointer to it
  ByteView input;
  std::size_t offset;
  Deadline deadline;  // polled at every slice and every output row
};

SlicedSource& source_of(j_decompress_ptr cinfo) { return *reinterpret_cast<SlicedSource*>(cinfo->src); }

[[noreturn]] void abandon_at_deadline(j_decompress_ptr cinfo) {
  ErrorTrap& trap = trap_of(reinterpret_cast<j_common_ptr>(cinfo));
  trap.timed_out = true;
  std::longjmp(trap.jump, 1);
}

void start_source(j_decompress_ptr) {}

boolean fill_from_input(j_decompress_ptr cinfo) {
  SlicedSource& source = source_of(cinfo);
  if (source.deadline.expired()) abandon_at_deadline(cinfo);
  if (source.offset >= source.input.size()) {
    WARNMS(cinfo, JWRN_JPEG_EOF);  // fatal in on_message; the fake EOI is what a libjpeg source supplies
    source.manager.next_input_byte = kFakeEndOfImage;
    source.manager.bytes_in_buffer = sizeof kFakeEndOfImage;
    return TRUE;
  }
  const std::size_t slice = std::min(kSourceSliceBytes, source.input.size() - source.offset);
  source.manager.next_input_byte = source.input.data() + source.offset;
  source.manager.bytes_in_buffer = slice;
  source.offset += slice;
  return TRUE;
}

void skip_input(j_decompress_ptr cinfo, long count) {
  if (count <= 0) return;
  SlicedSource& source = source_of(cinfo);
  auto remaining = static_cast<std::size_t>(count);
  if (remaining <= source.manager.bytes_in_buffer) {
    source.manager.next_input_byte += remaining;
    source.manager.bytes_in_buffer -= remaining;
    return;
  }
  remaining -= source.manager.bytes_in_buffer;
  source.manager.bytes_in_buffer = 0;
  source.offset += std::min(remaining, source.input.size() - source.offset);
}

void end_source(j_decompress_ptr) {}

// One libjpeg decompressor over `input`. It lives in the caller's frame, so the longjmp never skips its
// destructor.
struct Decompression {
  Decompression(ByteView bytes, const DecodeLimits& limits, FatalWarnings fatal_warnings)
      : memory_limit(static_cast<long>(std::min<std::uint64_t>(limits.max_memory_bytes, LONG_MAX))) {
    cinfo.err = jpeg_std_error(&trap.manager);
    trap.manager.error_exit = jump_back;
    trap.manager.emit_message = on_message;
    trap.fatal_warnings = fatal_warnings;
    source.manager = {nullptr,   0, start_source, fill_from_input, skip_input, jpeg_resync_to_restart,
                      end_source};
    source.input = bytes;
    source.deadline = limits.deadline;
  }
  ~Decompression() { jpeg_destroy_decompress(&cinfo); }
  Decompression(const Decompression&) = delete;
  Decompression& operator=(const Decompression&) = delete;

  jpeg_decompress_struct cinfo{};
  ErrorTrap trap{};
  SlicedSource source{};
  long memory_limit;
  JSAMPROW row = nullptr;
  JDIMENSION rows_decoded = 0;
};

using Step = void (*)(Decompression&);

// The only function that calls setjmp. Neither it nor any step holds an object with a destructor, so a
// longjmp out of libjpeg skips no cleanup.
bool run_guarded(Decompression& session, Step step) {
  if (setjmp(session.trap.jump) != 0) return false;
  step(session);
  return true;
}

void read_header(Decompression& session) {
  jpeg_create_decompress(&session.cinfo);
  session.cinfo.mem->max_memory_to_use = session.memory_limit;
  session.cinfo.src = &session.source.manager;
  jpeg_read_header(&session.cinfo, TRUE);
}

void choose_validation_output(Decompression& session) {
  jpeg_decompress_struct& cinfo = session.cinfo;
  cinfo.scale_num = 1;
  cinfo.scale_denom = kValidationScaleDenominator;
  cinfo.dct_method = JDCT_IFAST;
  cinfo.do_fancy_upsampling = FALSE;
  cinfo.do_block_smoothing = FALSE;
  jpeg_calc_output_dimensions(&cinfo);
}

void decode_scanlines(Decompression& session) {
  jpeg_decompress_struct& cinfo = session.cinfo;
  jpeg_start_decompress(&cinfo);
  while (cinfo.output_scanline < cinfo.output_height) {
    if (session.source.deadline.expired()) abandon_at_deadline(&cinfo);
    const JDIMENSION read = jpeg_read_scanlines(&cinfo, &session.row, 1);
    if (read == 0) return;  // only a suspending source returns no rows; the row count check would report it
    session.rows_decoded += read;
  }
  jpeg_finish_decompress(&cinfo);
}

std::string detail_for(int message_code) {
  switch (message_code) {
    case JWRN_JPEG_EOF:
    case JERR_INPUT_EMPTY:
    case JERR_INPUT_EOF:
      return "truncated";
    case JWRN_HUFF_BAD_CODE:
      return "bad_huffman_code";
    case JWRN_EXTRANEOUS_DATA:
      return "extraneous_bytes";
    case JWRN_HIT_MARKER:
      return "premature_marker";
    case JERR_NO_SOI:
      return "not_jpeg";
    case JERR_SOF_UNSUPPORTED:
    case JERR_BAD_PRECISION:
      return "unsupported_process";
    case JERR_OUT_OF_MEMORY:
    case JERR_NO_BACKING_STORE:
      return "memory_limit";
    case JERR_IMAGE_TOO_BIG:
      return "image_too_big";
    default:
      return "corrupt_data";
  }
}

DecodeFailure failure_of(const Decompression& session) {
  if (session.trap.timed_out) return timeout_failure();
  return decode_failure(detail_for(session.trap.message_code), session.trap.message);
}

std::optional<DecodeFailure> differs_from_probe(const jpeg_decompress_struct& cinfo,
                                                const ImageHeader& header) {
  if (cinfo.image_width == header.width && cinfo.image_height == header.height) return std::nullopt;
  return decode_failure("size_mismatch", "decoded " + std::to_string(cinfo.image_width) + "x" +
                                             std::to_string(cinfo.image_height) + ", probe reported " +
                                             std::to_string(header.width) + "x" +
                                             std::to_string(header.height));
}

DecodeStatus validate_scan_data(ByteView bytes, const ImageHeader& header, const DecodeLimits& limits) {
  Decompression session(bytes, limits, FatalWarnings::all);
  if (!run_guarded(session, read_header)) return failure_of(session);
  if (auto mismatch = differs_from_probe(session.cinfo, header)) return *mismatch;
  if (auto excess = check_dimension_limits(session.cinfo.image_width, session.cinfo.image_height, limits))
    return *excess;
  // The common case proven at a fraction of a decode's cost; anything unproven gets libjpeg's verdict.
  if (!session.cinfo.progressive_mode && !session.cinfo.arith_code && proves_sequential_entropy_data(bytes))
    return Decoded{};
  if (!run_guarded(session, choose_validation_output)) return failure_of(session);

  const std::size_t row_bytes = std::size_t{session.cinfo.output_width} * session.cinfo.out_color_components;
  if (row_bytes > limits.max_memory_bytes) {
    return decode_failure("memory_limit", "row of " + std::to_string(row_bytes) +
                                              " bytes exceeds max_memory_bytes " +
                                              std::to_string(limits.max_memory_bytes));
  }
  session.row = thread_scratch(row_bytes).data();
  if (!run_guarded(session, decode_scanlines)) return failure_of(session);
  if (session.rows_decoded != session.cinfo.output_height) {
    return decode_failure("truncated", "decoded " + std::to_string(session.rows_decoded) + " of " +
                                           std::to_string(session.cinfo.output_height) + " scaled rows");
  }
  return Decoded{};
}

class JpegDecoder final : public Decoder {
 public:
  DecodeResult<ImageHeader> probe(ByteView bytes, const DecodeLimits& limits) const override {
    Decompression session(bytes, limits, FatalWarnings::end_of_file);
    if (!run_guarded(session, read_header)) return failure_of(session);
    ImageHeader header;
    header.format = Format::Jpeg;
    header.width = session.cinfo.image_width;
    header.height = session.cinfo.image_height;
    return header;
  }

  DecodeStatus decode_frames(ByteView bytes, const ImageHeader& header,
                             std::span<const std::uint32_t> indices,
                             const DecodeLimits& limits) const override {
    if (indices.empty()) return Decoded{};
    if (auto failure = beyond_first_frame(indices, "a JPEG holds one frame")) return *failure;
    return with_allocation_failure([&] { return validate_scan_data(bytes, header, limits); },
                                   "row buffer allocation failed");
  }
};

}  // namespace

const Decoder& jpeg_decoder() {
  static const JpegDecoder decoder;
  return decoder;
}

}  // namespace preflight
