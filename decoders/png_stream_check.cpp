#include "decoders/png_stream_check.h"

#define ZLIB_CONST  // next_in points into the caller's read-only bytes
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>

#include "decoders/scratch_buffer.h"

// Hand-parsed: libspng exposes no inflate-only validation, only a decode that also unfilters and copies every
// scanline. Every rule below is one libspng 0.7.3 fails on, or stricter.
namespace preflight {
namespace {

constexpr std::uint8_t kSignature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
constexpr std::size_t kLengthBytes = 4;
constexpr std::size_t kTypeBytes = 4;
constexpr std::size_t kCrcBytes = 4;
constexpr std::uint64_t kMaxChunkLength = 0x7FFFFFFF;  // also PNG's largest width and height
constexpr std::size_t kIhdrLength = 13;
constexpr std::uint8_t kMaxFilterType = 4;  // Paeth
constexpr std::size_t kMaxPaletteEntries = 256;
constexpr int kZlibWindowBits = 15;  // libspng's default for the image data
// Many scanlines per inflate call; zlib copies the last 32 KiB of every call's output into its window.
constexpr std::size_t kInflateBufferBytes = 256 * 1024;

// libspng keeps text, sPLT and eXIf chunks and fails past 1000 of them or past its cache limit, and inflates
// iCCP, zTXt and iTXt into a buffer that doubles as it fills; deflate expands at most 1032-fold. Each
// ancillary chunk is charged its worst case against the decoder's chunk limit.
constexpr int kMaxAncillaryChunks = 256;
constexpr std::uint64_t kCompressedCostPerByte = 2 * 1032;
constexpr std::uint64_t kStoredCostPerByte = 2;
constexpr std::uint64_t kCostPerChunk = 64 * 1024;

using ChunkType = std::uint32_t;

constexpr ChunkType chunk_type(const char (&name)[5]) {
  return ChunkType{static_cast<std::uint8_t>(name[0])} << 24 |
         ChunkType{static_cast<std::uint8_t>(name[1])} << 16 |
         ChunkType{static_cast<std::uint8_t>(name[2])} << 8 | ChunkType{static_cast<std::uint8_t>(name[3])};
}

constexpr ChunkType kIhdr = chunk_type("IHDR");
constexpr ChunkType kPlte = chunk_type("PLTE");
constexpr ChunkType kIdat = chunk_type("IDAT");
constexpr ChunkType kIend = chunk_type("IEND");
constexpr ChunkType kTrns = chunk_type("tRNS");
constexpr ChunkType kHist = chunk_type("hIST");
constexpr ChunkType kBkgd = chunk_type("bKGD");
constexpr ChunkType kIccp = chunk_type("iCCP");
constexpr ChunkType kZtxt = chunk_type("zTXt");
constexpr ChunkType kItxt = chunk_type("iTXt");
constexpr ChunkType kActl = chunk_type("acTL");
constexpr ChunkType kFctl = chunk_type("fcTL");
constexpr ChunkType kFdat = chunk_type("fdAT");

constexpr std::uint32_t kLowercaseBit = 0x20;

// Four ASCII letters, the reserved (third) one upper case.
bool is_valid_type(ChunkType type) {
  for (int shift = 0; shift < 32; shift += 8) {
    const auto letter = static_cast<std::uint8_t>((type >> shift) | kLowercaseBit);
    if (letter < 'a' || letter > 'z') return false;
  }
  return (type & (kLowercaseBit << 8)) == 0;
}

bool is_critical(ChunkType type) { return (type & (kLowercaseBit << 24)) == 0; }

struct Chunk {
  ChunkType type = 0;
  ByteView data;
};

// Chunks one after another from the signature on, each whole, its CRC correct and its length within a limit.
class ChunkReader {
 public:
  ChunkReader(ByteView png, std::uint64_t max_length) : png_(png), max_length_(max_length) {}

  bool at_end() const { return position_ == png_.size(); }

  std::optional<Chunk> next() {
    if (png_.size() - position_ < kLengthBytes + kTypeBytes + kCrcBytes) return std::nullopt;
    const std::uint64_t length = read_be32(png_, position_);
    if (length > max_length_ || png_.size() - position_ - kLengthBytes - kTypeBytes - kCrcBytes < length)
      return std::nullopt;
    const ByteView typed_data = png_.subspan(position_ + kLengthBytes, kTypeBytes + length);
    const std::uint32_t crc = read_be32(png_, position_ + kLengthBytes + typed_data.size());
    if (crc32_z(0, typed_data.data(), typed_data.size()) != crc) return std::nullopt;
    position_ += kLengthBytes + typed_data.size() + kCrcBytes;
    return Chunk{read_be32(typed_data, 0), typed_data.subspan(kTypeBytes)};
  }

 private:
  ByteView png_;
  std::uint64_t max_length_;
  std::size_t position_ = sizeof kSignature;
};

struct Header {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint8_t bit_depth = 0;
  std::uint8_t colour_type = 0;
  bool interlaced = false;
};

constexpr std::uint8_t kGrey = 0;
constexpr std::uint8_t kRgb = 2;
constexpr std::uint8_t kPalette = 3;
constexpr std::uint8_t kGreyAlpha = 4;
constexpr std::uint8_t kRgba = 6;

// Samples per pixel, or 0 where the colour type and bit depth do not go together.
int channels(std::uint8_t colour_type, std::uint8_t bit_depth) {
  const bool sub_byte = bit_depth == 1 || bit_depth == 2 || bit_depth == 4;
  const bool whole_bytes = bit_depth == 8 || bit_depth == 16;
  switch (colour_type) {
    case kGrey:
      return sub_byte || whole_bytes ? 1 : 0;
    case kPalette:
      return sub_byte || bit_depth == 8 ? 1 : 0;
    case kGreyAlpha:
      return whole_bytes ? 2 : 0;
    case kRgb:
      return whole_bytes ? 3 : 0;
    case kRgba:
      return whole_bytes ? 4 : 0;
    default:
      return 0;
  }
}

std::optional<Header> read_header(const Chunk& chunk) {
  const ByteView data = chunk.data;
  if (chunk.type != kIhdr || data.size() != kIhdrLength) return std::nullopt;
  // width, height, bit depth, colour type, compression method, filter method, interlace method
  Header header{read_be32(data, 0), read_be32(data, 4), data[8], data[9], data[12] == 1};
  const bool valid_size = header.width != 0 && header.width <= kMaxChunkLength && header.height != 0 &&
                          header.height <= kMaxChunkLength;
  const bool valid_methods = data[10] == 0 && data[11] == 0 && data[12] <= 1;
  if (!valid_size || !valid_methods || channels(header.colour_type, header.bit_depth) == 0)
    return std::nullopt;
  return header;
}

// The inflated image data: one run of scanlines per non-empty Adam7 pass (one pass if not interlaced), each
// scanline its filter-type byte and then the row's bytes.
struct Pass {
  std::uint64_t rows = 0;
  std::uint64_t scanline_bytes = 0;
};

struct Layout {
  std::array<Pass, 7> passes{};
  int count = 0;
  std::uint64_t total_bytes = 0;
};

struct PassGrid {
  std::uint32_t x_start, y_start, x_step, y_step;
};
constexpr PassGrid kAdam7[] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                               {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
constexpr PassGrid kWholeImage = {0, 0, 1, 1};

std::uint64_t samples_on_grid(std::uint32_t size, std::uint32_t start, std::uint32_t step) {
  return size > start ? (std::uint64_t{size} - start + step - 1) / step : 0;
}

Layout layout_of(const Header& header) {
  const std::uint64_t bits_per_pixel =
      std::uint64_t{header.bit_depth} * channels(header.colour_type, header.bit_depth);
  const std::span<const PassGrid> grids =
      header.interlaced ? std::span<const PassGrid>(kAdam7) : std::span<const PassGrid>(&kWholeImage, 1);
  Layout layout;
  for (const PassGrid& grid : grids) {
    const std::uint64_t columns = samples_on_grid(header.width, grid.x_start, grid.x_step);
    const std::uint64_t rows = samples_on_grid(header.height, grid.y_start, grid.y_step);
    if (columns == 0 || rows == 0) continue;
    const Pass pass{rows, 1 + (columns * bits_per_pixel + 7) / 8};
    layout.passes[layout.count++] = pass;
    layout.total_bytes += pass.rows * pass.scanline_bytes;
  }
  return layout;
}

// Where each scanline's filter-type byte falls in the inflated stream, pass after pass, row after row.
class FilterBytes {
 public:
  explicit FilterBytes(const Layout& layout) : layout_(layout), rows_left_(layout.passes[0].rows) {}

  // `block` holds the inflated bytes from offset `start` on.
  bool check(std::span<const std::uint8_t> block, std::uint64_t start) {
    const std::uint64_t end = start + block.size();
    for (; next_ < end; advance()) {
      if (block[next_ - start] > kMaxFilterType) return false;
    }
    return true;
  }

 private:
  void advance() {
    next_ += layout_.passes[pass_].scanline_bytes;
    if (--rows_left_ == 0 && ++pass_ < layout_.count) rows_left_ = layout_.passes[pass_].rows;
  }

  Layout layout_;
  int pass_ = 0;
  std::uint64_t rows_left_;
  std::uint64_t next_ = 0;  // once past the last scanline: the total, which no block reaches beyond
};

struct InflateEnd {
  void operator()(z_stream* stream) const { inflateEnd(stream); }
};

// The IDAT chunks' concatenated zlib stream, inflated piece by piece into a reused buffer and never kept.
class ImageData {
 public:
  explicit ImageData(const Layout& layout)
      : expected_(layout.total_bytes), filters_(layout), buffer_(thread_scratch(kInflateBufferBytes)) {
    if (inflateInit2(&stream_, kZlibWindowBits) == Z_OK) stream_guard_.reset(&stream_);
  }
  ImageData(const ImageData&) = delete;
  ImageData& operator=(const ImageData&) = delete;

  // Inflates one chunk's data through. false: a zlib error, more bytes than the image has, an invalid filter
  // type, or data after the end of the stream.
  bool feed(ByteView compressed) {
    if (!stream_guard_) return false;
    stream_.next_in = compressed.data();
    stream_.avail_in = static_cast<uInt>(compressed.size());
    do {
      if (ended_) return stream_.avail_in == 0;
      if (!inflate_into_buffer()) return false;
    } while (stream_.avail_in != 0 || stream_.avail_out == 0);
    return true;
  }

  // The stream ended, Adler-32 matched, and it held exactly the declared scanlines.
  bool complete() const { return ended_ && produced_ == expected_; }

 private:
  bool inflate_into_buffer() {
    stream_.next_out = buffer_.data();
    stream_.avail_out = static_cast<uInt>(buffer_.size());
    const int status = inflate(&stream_, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) return false;
    ended_ = status == Z_STREAM_END;
    const std::size_t inflated = buffer_.size() - stream_.avail_out;
    if (inflated > expected_ - produced_) return false;
    if (!filters_.check(buffer_.first(inflated), produced_)) return false;
    produced_ += inflated;
    return true;
  }

  std::uint64_t expected_;
  std::uint64_t produced_ = 0;
  bool ended_ = false;
  FilterBytes filters_;
  std::span<std::uint8_t> buffer_;
  z_stream stream_{};
  std::unique_ptr<z_stream, InflateEnd> stream_guard_;
};

enum class ImageDataState { before, inside, after };

// The chunk sequence after IHDR: PLTE where the colour type needs it and before what refers to it, one run
// of IDAT chunks, ancillary chunks within bounds, IEND last.
class ChunkSequence {
 public:
  ChunkSequence(const Header& header, const Layout& layout, std::uint64_t ancillary_budget)
      : header_(header), image_data_(layout), ancillary_budget_(ancillary_budget) {}

  // false ends the proof; `ended` is set at IEND.
  bool take(const Chunk& chunk) {
    if (state_ == ImageDataState::inside && chunk.type != kIdat) state_ = ImageDataState::after;
    if (chunk.type == kIdat) return take_image_data(chunk);
    if (chunk.type == kPlte) return take_palette(chunk);
    if (chunk.type == kIend) return take_end(chunk);
    return !is_critical(chunk.type) && take_ancillary(chunk);
  }
  bool ended() const { return ended_; }

 private:
  bool take_image_data(const Chunk& chunk) {
    if (state_ == ImageDataState::after) return false;
    if (header_.colour_type == kPalette && !has_palette_) return false;
    state_ = ImageDataState::inside;
    return image_data_.feed(chunk.data);
  }

  bool take_palette(const Chunk& chunk) {
    if (has_palette_ || state_ != ImageDataState::before || palette_referenced_) return false;
    if (header_.colour_type == kGrey || header_.colour_type == kGreyAlpha) return false;
    const std::size_t entries = chunk.data.size() / 3;
    const std::size_t allowed = header_.colour_type == kPalette
                                    ? std::min(kMaxPaletteEntries, std::size_t{1} << header_.bit_depth)
                                    : kMaxPaletteEntries;
    has_palette_ = true;
    return chunk.data.size() % 3 == 0 && entries != 0 && entries <= allowed;
  }

  bool take_end(const Chunk& chunk) {
    ended_ = true;
    return state_ != ImageDataState::before && chunk.data.empty() && image_data_.complete();
  }

  bool take_ancillary(const Chunk& chunk) {
    if (!is_valid_type(chunk.type) || chunk.type == kActl || chunk.type == kFctl || chunk.type == kFdat)
      return false;
    const bool compressed = chunk.type == kIccp || chunk.type == kZtxt || chunk.type == kItxt;
    const std::uint64_t cost =
        chunk.data.size() * (compressed ? kCompressedCostPerByte : kStoredCostPerByte) + kCostPerChunk;
    if (++ancillary_chunks_ > kMaxAncillaryChunks || cost > ancillary_budget_) return false;
    ancillary_budget_ -= cost;
    palette_referenced_ |= chunk.type == kTrns || chunk.type == kHist || chunk.type == kBkgd;
    return true;
  }

  Header header_;
  ImageData image_data_;
  ImageDataState state_ = ImageDataState::before;
  bool has_palette_ = false;
  bool palette_referenced_ = false;  // libspng fails on a PLTE after tRNS, hIST or bKGD
  bool ended_ = false;
  int ancillary_chunks_ = 0;
  std::uint64_t ancillary_budget_;
};

}  // namespace

bool proves_png_data(ByteView png, const DecodeLimits& limits) {
  if (png.size() < sizeof kSignature || std::memcmp(png.data(), kSignature, sizeof kSignature) != 0)
    return false;
  // The decoder's libspng chunk limit; no chunk, and no ancillary chunk's worst case, comes near it.
  const std::uint64_t chunk_limit = std::min(kMaxChunkLength, limits.max_memory_bytes);
  ChunkReader reader(png, chunk_limit);
  const std::optional<Chunk> first = reader.next();
  if (!first) return false;
  const std::optional<Header> header = read_header(*first);
  if (!header || check_dimension_limits(header->width, header->height, limits)) return false;
  const Layout layout = layout_of(*header);
  ChunkSequence sequence(*header, layout, chunk_limit);
  while (!sequence.ended()) {
    if (limits.deadline.expired()) return false;  // libspng's path then reports the timeout
    const std::optional<Chunk> chunk = reader.next();
    if (!chunk || !sequence.take(*chunk)) return false;
  }
  return reader.at_end();
}

}  // namespace preflight
