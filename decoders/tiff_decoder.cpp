#include "decoders/tiff_decoder.h"

#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "decoders/frame_failure.h"
#include "decoders/scratch_buffer.h"

namespace preflight {
namespace {

constexpr std::size_t kClassicHeaderSize = 8;
constexpr std::size_t kBigTiffHeaderSize = 16;
constexpr std::size_t kClassicEntrySize = 12;
constexpr std::size_t kBigTiffEntrySize = 20;
constexpr std::size_t kMessageCapacity = 512;
constexpr std::uint64_t kLargeStripBytes = 4u << 20;  // above this, a strip is read row by row
// libtiff announces every old-style JPEG page with a deprecation notice from this module; it says
// nothing about the data, so it is not counted as a warning.
constexpr std::string_view kDeprecationNoticeModule = "OJPEGSetupDecode";

// What libtiff reported during one call. The handlers are registered per TIFF handle, so a message
// never lands in another thread's record.
struct TiffDiagnostics {
  int errors = 0;
  int warnings = 0;
  bool ifd_loop = false;
  std::string first_error;
  std::string last_error;
  std::string last_warning;
};

// libtiff reports an IFD chain that loops back (as a warning while counting directories, as an error while
// reading one) only in words.
bool mentions_ifd_loop(const std::string& message) { return message.find("IFD loop") != std::string::npos; }

std::string format_message(const char* module, const char* format, va_list args) {
  char text[kMessageCapacity];
  std::vsnprintf(text, sizeof text, format, args);
  return module ? std::string(module) + ": " + text : std::string(text);
}

int record_error(TIFF*, void* user_data, const char* module, const char* format, va_list args) {
  auto& diagnostics = *static_cast<TiffDiagnostics*>(user_data);
  diagnostics.last_error = format_message(module, format, args);
  diagnostics.ifd_loop |= mentions_ifd_loop(diagnostics.last_error);
  if (diagnostics.errors++ == 0) diagnostics.first_error = diagnostics.last_error;
  return 1;  // handled: libtiff's process-wide handler (stderr) is not called
}

int record_warning(TIFF*, void* user_data, const char* module, const char* format, va_list args) {
  if (module && module == kDeprecationNoticeModule) return 1;
  auto& diagnostics = *static_cast<TiffDiagnostics*>(user_data);
  diagnostics.last_warning = format_message(module, format, args);
  diagnostics.ifd_loop |= mentions_ifd_loop(diagnostics.last_warning);
  ++diagnostics.warnings;
  return 1;
}

// libtiff's client I/O over the input bytes. Reads are served from a "mapping" of the bytes, so strips
// are decoded in place without a copy.
struct MemoryStream {
  ByteView bytes;
  toff_t offset = 0;
};

tmsize_t read_stream(thandle_t handle, void* buffer, tmsize_t size) {
  auto& stream = *static_cast<MemoryStream*>(handle);
  if (size <= 0 || stream.offset >= stream.bytes.size()) return 0;
  const std::size_t count =
      std::min<std::size_t>(static_cast<std::size_t>(size), stream.bytes.size() - stream.offset);
  std::memcpy(buffer, stream.bytes.data() + stream.offset, count);
  stream.offset += count;
  return static_cast<tmsize_t>(count);
}

tmsize_t refuse_write(thandle_t, void*, tmsize_t) { return -1; }

toff_t seek_stream(thandle_t handle, toff_t offset, int whence) {
  auto& stream = *static_cast<MemoryStream*>(handle);
  const toff_t base = whence == SEEK_CUR ? stream.offset : whence == SEEK_END ? stream.bytes.size() : 0;
  if (offset > std::numeric_limits<toff_t>::max() - base) return static_cast<toff_t>(-1);
  stream.offset = base + offset;
  return stream.offset;
}

int close_stream(thandle_t) { return 0; }

toff_t stream_size(thandle_t handle) { return static_cast<MemoryStream*>(handle)->bytes.size(); }

// libtiff only reads through the mapping of a file opened read-only.
int map_stream(thandle_t handle, void** base, toff_t* size) {
  auto& stream = *static_cast<MemoryStream*>(handle);
  *base = const_cast<std::uint8_t*>(stream.bytes.data());
  *size = stream.bytes.size();
  return 1;
}

void unmap_stream(thandle_t, void*, toff_t) {}

struct OptionsDeleter {
  void operator()(TIFFOpenOptions* options) const { TIFFOpenOptionsFree(options); }
};
struct TiffDeleter {
  void operator()(TIFF* tiff) const { TIFFClose(tiff); }
};
using OptionsPtr = std::unique_ptr<TIFFOpenOptions, OptionsDeleter>;
using TiffPtr = std::unique_ptr<TIFF, TiffDeleter>;

class LittleOrBigEndian {
 public:
  explicit LittleOrBigEndian(ByteView bytes) : bytes_(bytes), little_(bytes[0] == 'I') {}
  std::uint64_t read(std::size_t offset, std::size_t size) const {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < size; ++i) {
      const std::uint64_t byte = bytes_[offset + i];
      value |= little_ ? byte << (8 * i) : byte << (8 * (size - 1 - i));
    }
    return value;
  }

 private:
  ByteView bytes_;
  bool little_;
};

// True when the header or the first directory it points to runs past the end of the input: the
// file was cut short rather than damaged.
bool first_directory_cut_short(ByteView bytes) {
  const bool big_tiff = bytes.size() >= 4 && (bytes[2] == '+' || bytes[3] == '+');
  const std::size_t header_size = big_tiff ? kBigTiffHeaderSize : kClassicHeaderSize;
  if (bytes.size() < header_size) return true;
  const LittleOrBigEndian reader(bytes);
  const std::size_t offset_size = big_tiff ? 8 : 4;
  const std::size_t count_size = big_tiff ? 8 : 2;
  const std::size_t entry_size = big_tiff ? kBigTiffEntrySize : kClassicEntrySize;
  const std::uint64_t directory = reader.read(big_tiff ? 8 : 4, offset_size);
  if (directory > bytes.size() || count_size > bytes.size() - directory) return true;
  const std::uint64_t entries = reader.read(directory, count_size);
  const std::uint64_t available = (bytes.size() - directory - count_size) / entry_size;
  return entries > available;
}

DecodeFailure open_failure(ByteView bytes, const TiffDiagnostics& diagnostics) {
  return decode_failure(first_directory_cut_short(bytes) ? "truncated" : "corrupt_header",
                        diagnostics.first_error);
}

// Opens the first directory with this call's handlers and libtiff's own allocation limit.
TiffPtr open_tiff(MemoryStream& stream, TiffDiagnostics& diagnostics, const DecodeLimits& limits) {
  const OptionsPtr options(TIFFOpenOptionsAlloc());
  if (!options) return nullptr;
  TIFFOpenOptionsSetErrorHandlerExtR(options.get(), record_error, &diagnostics);
  TIFFOpenOptionsSetWarningHandlerExtR(options.get(), record_warning, &diagnostics);
  TIFFOpenOptionsSetMaxSingleMemAlloc(
      options.get(), static_cast<tmsize_t>(std::min<std::uint64_t>(limits.max_memory_bytes,
                                                                   std::numeric_limits<tmsize_t>::max())));
  return TiffPtr(TIFFClientOpenExt("memory", "r", &stream, read_stream, refuse_write, seek_stream,
                                   close_stream, stream_size, map_stream, unmap_stream, options.get()));
}

struct PageSize {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

std::optional<PageSize> page_size(TIFF* tiff) {
  PageSize size;
  if (!TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &size.width) ||
      !TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &size.height) || size.width == 0 || size.height == 0) {
    return std::nullopt;
  }
  return size;
}

// A broken chain after the first directory leaves page 0 readable: it is recorded as a defect, which
// the rules report after the dimension checks.
std::optional<std::string> chain_defect(const TiffDiagnostics& diagnostics, int errors_before) {
  if (diagnostics.ifd_loop) return "ifd_loop";
  if (diagnostics.errors > errors_before) return "corrupt_ifd_chain";
  return std::nullopt;
}

std::optional<DecodeFailure> check_page_limits(PageSize size, const DecodeLimits& limits) {
  if (size.width <= limits.max_width && size.height <= limits.max_height &&
      std::uint64_t{size.width} * size.height <= limits.max_pixels) {
    return std::nullopt;
  }
  return decode_failure("limit_exceeded", "page " + std::to_string(size.width) + "x" +
                                              std::to_string(size.height) + " exceeds the decode limits");
}

std::optional<DecodeFailure> check_codec(TIFF* tiff) {
  std::uint16_t compression = COMPRESSION_NONE;
  TIFFGetFieldDefaulted(tiff, TIFFTAG_COMPRESSION, &compression);
  if (TIFFIsCODECConfigured(compression)) return std::nullopt;
  return decode_failure("unsupported_codec", "compression scheme " + std::to_string(compression) +
                                                 " is not configured in libtiff");
}

// A strip or tile whose bytes lie past the end of the input: the file was cut short.
std::optional<DecodeFailure> check_striles_present(TIFF* tiff, std::uint64_t file_size) {
  const bool tiled = TIFFIsTiled(tiff);
  const std::uint32_t striles = tiled ? TIFFNumberOfTiles(tiff) : TIFFNumberOfStrips(tiff);
  for (std::uint32_t strile = 0; strile < striles; ++strile) {
    const std::uint64_t offset = TIFFGetStrileOffset(tiff, strile);
    const std::uint64_t byte_count = TIFFGetStrileByteCount(tiff, strile);
    if (offset > file_size || byte_count > file_size - offset) {
      return decode_failure("truncated", (tiled ? "tile " : "strip ") + std::to_string(strile) +
                                             " extends past the end of the file");
    }
  }
  return std::nullopt;
}

std::optional<DecodeFailure> check_buffer_size(std::uint64_t bytes, const TiffDiagnostics& diagnostics,
                                               const DecodeLimits& limits) {
  if (bytes == 0) return decode_failure("corrupt_header", diagnostics.last_error);
  if (bytes <= limits.max_memory_bytes) return std::nullopt;
  return decode_failure("limit_exceeded", "a strip, tile or row needs " + std::to_string(bytes) +
                                              " bytes, more than max_memory_bytes " +
                                              std::to_string(limits.max_memory_bytes));
}

DecodeStatus decode_tiles(TIFF* tiff, const TiffDiagnostics& diagnostics, const DecodeLimits& limits) {
  const std::uint64_t tile_bytes = TIFFTileSize64(tiff);
  if (auto failure = check_buffer_size(tile_bytes, diagnostics, limits)) return *failure;
  const std::span<std::uint8_t> buffer = thread_scratch(static_cast<std::size_t>(tile_bytes));
  for (std::uint32_t tile = 0; tile < TIFFNumberOfTiles(tiff); ++tile) {
    if (limits.deadline.expired()) return timeout_failure();
    if (TIFFReadEncodedTile(tiff, tile, buffer.data(), static_cast<tmsize_t>(tile_bytes)) < 0) {
      return decode_failure("corrupt_data", diagnostics.last_error);
    }
  }
  return Decoded{};
}

DecodeStatus decode_strips(TIFF* tiff, std::uint64_t strip_bytes, const TiffDiagnostics& diagnostics,
                           const Deadline& deadline) {
  const std::span<std::uint8_t> buffer = thread_scratch(static_cast<std::size_t>(strip_bytes));
  for (std::uint32_t strip = 0; strip < TIFFNumberOfStrips(tiff); ++strip) {
    if (deadline.expired()) return timeout_failure();
    if (TIFFReadEncodedStrip(tiff, strip, buffer.data(), static_cast<tmsize_t>(strip_bytes)) < 0) {
      return decode_failure("corrupt_data", diagnostics.last_error);
    }
  }
  return Decoded{};
}

// Large strips (a whole compressed image in one strip is common) are decoded row by row, so the
// reused buffer never grows to the size of the image.
DecodeStatus decode_rows(TIFF* tiff, std::uint32_t height, const TiffDiagnostics& diagnostics,
                         const DecodeLimits& limits) {
  const std::uint64_t row_bytes = TIFFScanlineSize64(tiff);
  if (auto failure = check_buffer_size(row_bytes, diagnostics, limits)) return *failure;
  const std::span<std::uint8_t> buffer = thread_scratch(static_cast<std::size_t>(row_bytes));
  std::uint16_t planar = PLANARCONFIG_CONTIG;
  std::uint16_t samples = 1;
  TIFFGetFieldDefaulted(tiff, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &samples);
  const std::uint16_t planes = planar == PLANARCONFIG_SEPARATE ? samples : 1;
  for (std::uint16_t plane = 0; plane < planes; ++plane) {
    for (std::uint32_t row = 0; row < height; ++row) {
      if (limits.deadline.expired()) return timeout_failure();
      if (TIFFReadScanline(tiff, buffer.data(), row, plane) < 0) {
        return decode_failure("corrupt_data", diagnostics.last_error);
      }
    }
  }
  return Decoded{};
}

// libtiff's JPEG codecs cannot hand out single rows of subsampled YCbCr data: their strips are read whole.
bool decodes_by_row(TIFF* tiff, std::uint64_t strip_bytes) {
  std::uint16_t compression = COMPRESSION_NONE;
  TIFFGetFieldDefaulted(tiff, TIFFTAG_COMPRESSION, &compression);
  return strip_bytes > kLargeStripBytes && compression != COMPRESSION_JPEG &&
         compression != COMPRESSION_OJPEG;
}

DecodeStatus decode_pixels(TIFF* tiff, PageSize size, const TiffDiagnostics& diagnostics,
                           const DecodeLimits& limits) {
  if (TIFFIsTiled(tiff)) return decode_tiles(tiff, diagnostics, limits);
  const std::uint64_t strip_bytes = TIFFStripSize64(tiff);
  if (decodes_by_row(tiff, strip_bytes)) return decode_rows(tiff, size.height, diagnostics, limits);
  if (auto failure = check_buffer_size(strip_bytes, diagnostics, limits)) return *failure;
  return decode_strips(tiff, strip_bytes, diagnostics, limits.deadline);
}

std::optional<DecodeFailure> check_probed_size(TIFF* tiff, const ImageHeader& header) {
  const auto size = page_size(tiff);
  if (size && size->width == header.width && size->height == header.height) return std::nullopt;
  return decode_failure("frame_size_mismatch", "the page is not the probed " + std::to_string(header.width) +
                                                   "x" + std::to_string(header.height));
}

// Directory warnings (unknown tags, recomputed byte counts) do not fail a file, as the real-world
// oracles agree; a codec warning while decoding pixels (premature end of fax or JPEG data) does.
DecodeStatus decode_page(TIFF* tiff, std::uint64_t file_size, TiffDiagnostics& diagnostics,
                         const DecodeLimits& limits) {
  const auto size = page_size(tiff);
  if (!size) return decode_failure("corrupt_header", "the directory has no image width or length");
  if (auto failure = check_page_limits(*size, limits)) return *failure;
  if (auto failure = check_codec(tiff)) return *failure;
  if (auto failure = check_striles_present(tiff, file_size)) return *failure;
  const int warnings_before = diagnostics.warnings;
  const DecodeStatus status = decode_pixels(tiff, *size, diagnostics, limits);
  if (!status.ok()) return status;
  if (diagnostics.warnings > warnings_before) return decode_failure("corrupt_data", diagnostics.last_warning);
  return Decoded{};
}

class TiffDecoder final : public Decoder {
 public:
  // Page 0 decides the dimensions (SPEC §3); every directory counts as a frame.
  DecodeResult<ImageHeader> probe(ByteView bytes, const DecodeLimits& limits) const override {
    TiffDiagnostics diagnostics;
    MemoryStream stream{bytes};
    const TiffPtr tiff = open_tiff(stream, diagnostics, limits);
    if (!tiff) return open_failure(bytes, diagnostics);
    const auto size = page_size(tiff.get());
    if (!size) return decode_failure("corrupt_header", "the first directory has no image width or length");

    ImageHeader header;
    header.format = Format::Tiff;
    header.width = size->width;
    header.height = size->height;
    if (diagnostics.errors > 0) header.defect = "corrupt_ifd";
    const int errors_before = diagnostics.errors;
    header.frames_total = std::max<std::uint32_t>(TIFFNumberOfDirectories(tiff.get()), 1);
    if (!header.defect) header.defect = chain_defect(diagnostics, errors_before);
    if (header.frames_total > limits.max_frames) {
      return decode_failure("too_many_frames", std::to_string(header.frames_total) +
                                                   " directories exceed max_frames " +
                                                   std::to_string(limits.max_frames));
    }
    return header;
  }

  DecodeStatus decode_frames(ByteView bytes, const ImageHeader& header,
                             std::span<const std::uint32_t> indices,
                             const DecodeLimits& limits) const override {
    TiffDiagnostics diagnostics;
    MemoryStream stream{bytes};
    const TiffPtr tiff = open_tiff(stream, diagnostics, limits);
    if (!tiff) return open_failure(bytes, diagnostics);
    if (diagnostics.errors > 0) return decode_failure("corrupt_ifd", diagnostics.first_error);
    for (const std::uint32_t index : indices) {
      if (index > 0 && !TIFFSetDirectory(tiff.get(), static_cast<tdir_t>(index))) {
        return for_frame(index, header, decode_failure("corrupt_ifd", diagnostics.last_error));
      }
      if (index == header.primary_frame) {
        if (auto failure = check_probed_size(tiff.get(), header)) return for_frame(index, header, *failure);
      }
      const DecodeStatus status = decode_page(tiff.get(), bytes.size(), diagnostics, limits);
      if (!status.ok()) return for_frame(index, header, status.failure());
    }
    return Decoded{};
  }
};

}  // namespace

const Decoder& tiff_decoder() {
  static const TiffDecoder decoder;
  return decoder;
}

}  // namespace preflight
