#include "decoders/png_stream_check.h"

#include <gtest/gtest.h>
#include <spng.h>
#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "decoders/png_decoder.h"
#include "tests/support/raster_samples.h"

namespace preflight {
namespace {

using test::Bytes;
using namespace std::string_view_literals;

constexpr std::uint32_t kPrimaryFrame[] = {0};
constexpr std::size_t kSignatureBytes = 8;
constexpr std::size_t kLengthBytes = 4;
constexpr std::size_t kTypeBytes = 4;
constexpr std::size_t kChunkOverhead = 12;  // length, type, CRC
constexpr std::uint64_t kMaxChunkLength = 0x7FFFFFFF;

struct SpngFree {
  void operator()(spng_ctx* context) const { spng_ctx_free(context); }
};
using SpngContext = std::unique_ptr<spng_ctx, SpngFree>;

void check_spng(int error) {
  if (error != 0) throw std::runtime_error(spng_strerror(error));
}

Bytes as_vector(std::string_view text) { return Bytes(text.begin(), text.end()); }

int samples_per_pixel(std::uint8_t colour_type) {
  switch (colour_type) {
    case SPNG_COLOR_TYPE_TRUECOLOR:
      return 3;
    case SPNG_COLOR_TYPE_GRAYSCALE_ALPHA:
      return 2;
    case SPNG_COLOR_TYPE_TRUECOLOR_ALPHA:
      return 4;
    default:
      return 1;
  }
}

constexpr std::uint32_t kDefaultWidth = 61;
constexpr std::uint32_t kDefaultHeight = 37;

struct Layout {
  std::string name;
  std::uint8_t colour_type = SPNG_COLOR_TYPE_TRUECOLOR;
  std::uint8_t bit_depth = 8;
  bool interlaced = false;
  std::uint32_t width = kDefaultWidth;
  std::uint32_t height = kDefaultHeight;
};

void set_full_palette(spng_ctx* context, std::uint8_t bit_depth) {
  spng_plte palette{};
  palette.n_entries = std::min(256u, 1u << bit_depth);
  for (std::uint32_t i = 0; i < palette.n_entries; ++i) {
    palette.entries[i] = {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(255 - i),
                          static_cast<std::uint8_t>(i * 7), 255};
  }
  check_spng(spng_set_plte(context, &palette));
}

// Gradients with noise in the file's own sample layout, encoded by libspng (adaptive filters, its own Adam7).
Bytes encode(const Layout& layout) {
  SpngContext context(spng_ctx_new(SPNG_CTX_ENCODER));
  check_spng(spng_set_option(context.get(), SPNG_ENCODE_TO_BUFFER, 1));
  spng_ihdr ihdr{layout.width,
                 layout.height,
                 layout.bit_depth,
                 layout.colour_type,
                 0,
                 0,
                 static_cast<std::uint8_t>(layout.interlaced ? SPNG_INTERLACE_ADAM7 : SPNG_INTERLACE_NONE)};
  check_spng(spng_set_ihdr(context.get(), &ihdr));
  if (layout.colour_type == SPNG_COLOR_TYPE_INDEXED) set_full_palette(context.get(), layout.bit_depth);
  const std::size_t row_bytes =
      (std::size_t{layout.width} * samples_per_pixel(layout.colour_type) * layout.bit_depth + 7) / 8;
  Bytes image(row_bytes * layout.height);
  std::mt19937 random(layout.width * 31 + layout.height);
  for (std::size_t i = 0; i < image.size(); ++i) image[i] = static_cast<std::uint8_t>(i / 3 + random() % 24);
  check_spng(
      spng_encode_image(context.get(), image.data(), image.size(), SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE));
  std::size_t length = 0;
  int error = 0;
  auto* png = static_cast<std::uint8_t*>(spng_get_png_buffer(context.get(), &length, &error));
  check_spng(error);
  Bytes bytes(png, png + length);
  std::free(png);
  return bytes;
}

int decode_every_scanline(spng_ctx* context) {
  std::size_t image_bytes = 0;
  spng_ihdr ihdr{};
  int error = spng_get_ihdr(context, &ihdr);
  if (error == 0) error = spng_decoded_image_size(context, SPNG_FMT_PNG, &image_bytes);
  if (error == 0) error = spng_decode_image(context, nullptr, 0, SPNG_FMT_PNG, SPNG_DECODE_PROGRESSIVE);
  Bytes row(error == 0 ? image_bytes / ihdr.height : 0);
  while (error == 0) error = spng_decode_scanline(context, row.data(), row.size());
  return error == SPNG_EOI ? spng_decode_chunks(context) : error;
}

// The reference: libspng decodes every scanline and reads every chunk through IEND, with every CRC error
// fatal and the decoder's default image and chunk limits. Scanline by scanline, the same decode as a whole
// image, because a mutated IHDR may declare 16384 x 16384.
bool libspng_decodes(const Bytes& png) {
  const DecodeLimits limits;
  SpngContext context(spng_ctx_new(0));
  spng_ctx* png_context = context.get();
  int error = spng_set_png_buffer(png_context, png.data(), png.size());
  if (error == 0) error = spng_set_crc_action(png_context, SPNG_CRC_ERROR, SPNG_CRC_ERROR);
  if (error == 0) {
    error = spng_set_chunk_limits(png_context, std::min(kMaxChunkLength, limits.max_memory_bytes),
                                  limits.max_memory_bytes);
  }
  if (error == 0) error = spng_set_image_limits(png_context, limits.max_width, limits.max_height);
  return error == 0 && decode_every_scanline(png_context) == 0;
}

bool proves(const Bytes& png) { return proves_png_data(png, {}); }

DecodeStatus probe_and_decode(const Bytes& bytes) {
  const auto header = png_decoder().probe(bytes, {});
  if (!header.ok()) return header.failure();
  return png_decoder().decode_frames(bytes, header.value(), kPrimaryFrame, {});
}

std::size_t chunk_length(const Bytes& png, std::size_t chunk) {
  return std::size_t{png[chunk]} << 24 | std::size_t{png[chunk + 1]} << 16 |
         std::size_t{png[chunk + 2]} << 8 | png[chunk + 3];
}

std::string_view chunk_type(const Bytes& png, std::size_t chunk) {
  return {reinterpret_cast<const char*>(png.data() + chunk + kLengthBytes), kTypeBytes};
}

Bytes chunk_data(const Bytes& png, std::size_t chunk) {
  const auto start = png.begin() + static_cast<std::ptrdiff_t>(chunk + kLengthBytes + kTypeBytes);
  return Bytes(start, start + static_cast<std::ptrdiff_t>(chunk_length(png, chunk)));
}

// Offsets of every whole chunk.
std::vector<std::size_t> chunk_offsets(const Bytes& png) {
  std::vector<std::size_t> offsets;
  for (std::size_t offset = kSignatureBytes;
       offset + kChunkOverhead <= png.size() &&
       offset + kChunkOverhead + chunk_length(png, offset) <= png.size();
       offset += kChunkOverhead + chunk_length(png, offset)) {
    offsets.push_back(offset);
  }
  return offsets;
}

void replace_chunk(Bytes& png, std::size_t chunk, const Bytes& replacement) {
  const auto start = png.begin() + static_cast<std::ptrdiff_t>(chunk);
  png.erase(start, start + static_cast<std::ptrdiff_t>(kChunkOverhead + chunk_length(png, chunk)));
  png.insert(png.begin() + static_cast<std::ptrdiff_t>(chunk), replacement.begin(), replacement.end());
}

void insert_before(Bytes& png, std::string_view type, const Bytes& chunk) {
  png.insert(png.begin() + static_cast<std::ptrdiff_t>(test::find_png_chunk(png, type)), chunk.begin(),
             chunk.end());
}

// The image data re-cut into IDAT chunks of `piece` bytes, with empty IDAT chunks first, in between and last.
Bytes with_image_data_in_pieces(const Bytes& png, std::size_t piece) {
  Bytes data;
  std::size_t first = 0;
  std::size_t end = 0;
  for (const std::size_t chunk : chunk_offsets(png)) {
    if (chunk_type(png, chunk) != "IDAT") continue;
    if (first == 0) first = chunk;
    const Bytes piece_data = chunk_data(png, chunk);
    data.insert(data.end(), piece_data.begin(), piece_data.end());
    end = chunk + kChunkOverhead + piece_data.size();
  }
  Bytes recut(png.begin(), png.begin() + static_cast<std::ptrdiff_t>(first));
  const auto append = [&recut](const Bytes& chunk) { recut.insert(recut.end(), chunk.begin(), chunk.end()); };
  append(test::png_chunk("IDAT", {}));
  for (std::size_t at = 0; at < data.size(); at += piece) {
    const auto start = data.begin() + static_cast<std::ptrdiff_t>(at);
    append(test::png_chunk(
        "IDAT", Bytes(start, start + static_cast<std::ptrdiff_t>(std::min(piece, data.size() - at)))));
    append(test::png_chunk("IDAT", {}));
  }
  recut.insert(recut.end(), png.begin() + static_cast<std::ptrdiff_t>(end), png.end());
  return recut;
}

class ProvenLayouts : public ::testing::TestWithParam<Layout> {};

TEST_P(ProvenLayouts, AreProvenAndDecode) {
  const Bytes png = encode(GetParam());
  ASSERT_TRUE(libspng_decodes(png));
  EXPECT_TRUE(proves(png));
  const DecodeStatus decoded = probe_and_decode(png);
  EXPECT_TRUE(decoded.ok()) << decoded.failure().message;
}

constexpr std::uint8_t kGrey = SPNG_COLOR_TYPE_GRAYSCALE;
constexpr std::uint8_t kRgb = SPNG_COLOR_TYPE_TRUECOLOR;
constexpr std::uint8_t kPalette = SPNG_COLOR_TYPE_INDEXED;
constexpr std::uint8_t kGreyAlpha = SPNG_COLOR_TYPE_GRAYSCALE_ALPHA;
constexpr std::uint8_t kRgba = SPNG_COLOR_TYPE_TRUECOLOR_ALPHA;

INSTANTIATE_TEST_SUITE_P(
    PngStreamCheck, ProvenLayouts,
    ::testing::Values(
        Layout{"grey1", kGrey, 1}, Layout{"grey2", kGrey, 2}, Layout{"grey4", kGrey, 4},
        Layout{"grey8", kGrey, 8}, Layout{"grey16", kGrey, 16}, Layout{"grey_alpha8", kGreyAlpha, 8},
        Layout{"grey_alpha16", kGreyAlpha, 16}, Layout{"rgb8", kRgb, 8}, Layout{"rgb16", kRgb, 16},
        Layout{"rgba8", kRgba, 8}, Layout{"rgba16", kRgba, 16}, Layout{"palette1", kPalette, 1},
        Layout{"palette2", kPalette, 2}, Layout{"palette4", kPalette, 4}, Layout{"palette8", kPalette, 8},
        Layout{"interlaced_grey1", kGrey, 1, true}, Layout{"interlaced_palette4", kPalette, 4, true},
        Layout{"interlaced_rgb8", kRgb, 8, true}, Layout{"interlaced_rgba16", kRgba, 16, true},
        Layout{"interlaced_1x1", kRgb, 8, true, 1, 1}, Layout{"interlaced_3x3", kGrey, 2, true, 3, 3},
        Layout{"interlaced_7x1", kGreyAlpha, 8, true, 7, 1},
        Layout{"interlaced_1x6", kPalette, 1, true, 1, 6}, Layout{"one_pixel", kPalette, 1, false, 1, 1}),
    [](const auto& info) { return info.param.name; });

TEST(PngStreamCheck, ManyImageDataChunksAndEmptyOnesAreProven) {
  for (const bool interlaced : {false, true}) {
    const Bytes png = with_image_data_in_pieces(encode({"rgb", kRgb, 8, interlaced}), 97);
    ASSERT_GT(chunk_offsets(png).size(), 50u);
    ASSERT_TRUE(libspng_decodes(png));
    EXPECT_TRUE(proves(png)) << "interlaced " << interlaced;
    EXPECT_TRUE(probe_and_decode(png).ok());
  }
}

TEST(PngStreamCheck, AncillaryChunksBeforeAndAfterTheImageAreProven) {
  Bytes png = encode({"palette", kPalette, 4});
  insert_before(png, "IDAT", test::png_chunk("tRNS", {0, 128, 255}));
  insert_before(png, "IDAT", test::png_chunk("tEXt", as_vector("Comment\0preflight"sv)));
  insert_before(png, "IEND", test::png_chunk("tIME", {0x07, 0xE9, 1, 2, 3, 4, 5}));
  ASSERT_TRUE(libspng_decodes(png));
  EXPECT_TRUE(proves(png));
}

// An APNG's default image decodes, but its frames are libspng's to judge.
TEST(PngStreamCheck, ApngIsLeftToLibspng) {
  Bytes png = encode({"rgb", kRgb, 8});
  insert_before(png, "IDAT", test::png_chunk("acTL", {0, 0, 0, 1, 0, 0, 0, 0}));
  ASSERT_TRUE(libspng_decodes(png));
  EXPECT_FALSE(proves(png));
  EXPECT_TRUE(probe_and_decode(png).ok());
}

Bytes zlib_compress(const Bytes& data) {
  Bytes compressed(compressBound(data.size()));
  uLongf compressed_size = compressed.size();
  if (compress(compressed.data(), &compressed_size, data.data(), data.size()) != Z_OK)
    throw std::runtime_error("zlib compress failed");
  compressed.resize(compressed_size);
  return compressed;
}

// An 8-bit greyscale PNG around zlib-compressed `scanlines` (filter byte, then `width` samples, per row).
Bytes grey_png(std::uint32_t width, std::uint32_t height, const Bytes& scanlines) {
  const Bytes ihdr{
      0, 0, 0, static_cast<std::uint8_t>(width), 0, 0, 0, static_cast<std::uint8_t>(height), 8, kGrey,
      0, 0, 0};
  Bytes png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  for (const Bytes& chunk : {test::png_chunk("IHDR", ihdr), test::png_chunk("IDAT", zlib_compress(scanlines)),
                             test::png_chunk("IEND", {})}) {
    png.insert(png.end(), chunk.begin(), chunk.end());
  }
  return png;
}

constexpr std::uint32_t kGreyWidth = 9;
constexpr std::uint32_t kGreyHeight = 5;

Bytes grey_scanlines(std::uint32_t rows) {
  Bytes scanlines;
  for (std::uint32_t row = 0; row < rows; ++row) {
    scanlines.push_back(static_cast<std::uint8_t>(row % 5));
    for (std::uint32_t x = 0; x < kGreyWidth; ++x)
      scanlines.push_back(static_cast<std::uint8_t>(x * 20 + row));
  }
  return scanlines;
}

TEST(PngStreamCheck, ExactImageDataIsProven) {
  const Bytes png = grey_png(kGreyWidth, kGreyHeight, grey_scanlines(kGreyHeight));
  ASSERT_TRUE(libspng_decodes(png));
  EXPECT_TRUE(proves(png));
}

TEST(PngStreamCheck, InvalidFilterTypeIsNotProvenAndFails) {
  Bytes scanlines = grey_scanlines(kGreyHeight);
  scanlines[3 * (1 + kGreyWidth)] = 5;  // the fourth row's filter type
  const Bytes png = grey_png(kGreyWidth, kGreyHeight, scanlines);
  EXPECT_FALSE(proves(png));
  const DecodeStatus decoded = probe_and_decode(png);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "bad_filter");
}

TEST(PngStreamCheck, ImageDataOneByteShortIsNotProvenAndFails) {
  Bytes scanlines = grey_scanlines(kGreyHeight);
  scanlines.pop_back();
  const Bytes png = grey_png(kGreyWidth, kGreyHeight, scanlines);
  EXPECT_FALSE(proves(png));
  EXPECT_FALSE(probe_and_decode(png).ok());
}

// libspng reads the scanlines it needs and ignores the rest; the proof does not.
TEST(PngStreamCheck, ImageDataWithAnExtraScanlineIsLeftToLibspng) {
  const Bytes png = grey_png(kGreyWidth, kGreyHeight, grey_scanlines(kGreyHeight + 1));
  EXPECT_FALSE(proves(png));
  EXPECT_EQ(probe_and_decode(png).ok(), libspng_decodes(png));
}

TEST(PngStreamCheck, UnknownCriticalChunkIsNotProvenAndFails) {
  Bytes png = encode({"rgb", kRgb, 8});
  insert_before(png, "IDAT", test::png_chunk("CRIt", {1, 2, 3}));
  EXPECT_FALSE(proves(png));
  EXPECT_FALSE(probe_and_decode(png).ok());
}

TEST(PngStreamCheck, BytesAfterIendAreLeftToLibspng) {
  Bytes png = encode({"rgb", kRgb, 8});
  png.push_back(0);
  EXPECT_FALSE(proves(png));
  EXPECT_EQ(probe_and_decode(png).ok(), libspng_decodes(png));
}

TEST(PngStreamCheck, LimitsBelowTheImageAreNotProven) {
  const Bytes png = encode({"rgb", kRgb, 8});
  EXPECT_FALSE(proves_png_data(png, {.max_width = kDefaultWidth - 1}));
  EXPECT_FALSE(proves_png_data(png, {.max_pixels = kDefaultWidth * kDefaultHeight - 1}));
}

// libspng inflates zTXt, iTXt and iCCP within its chunk limit; the proof allows for deflate's worst case,
// 1032-fold: 1.2 KB of compressed text may need 2.5 MB.
TEST(PngStreamCheck, CompressedTextNearTheChunkLimitIsNotProven) {
  Bytes text(2000);
  std::mt19937 random(7);
  for (auto& letter : text) letter = static_cast<std::uint8_t>('a' + random() % 26);
  Bytes ztxt = as_vector("Comment\0\0"sv);
  const Bytes compressed = zlib_compress(text);
  ztxt.insert(ztxt.end(), compressed.begin(), compressed.end());
  Bytes png = encode({"rgb", kRgb, 8});
  insert_before(png, "IEND", test::png_chunk("zTXt", ztxt));
  ASSERT_TRUE(libspng_decodes(png));
  EXPECT_TRUE(proves(png));
  EXPECT_FALSE(proves_png_data(png, {.max_memory_bytes = 1 << 20}));
}

// libspng fails past 1000 text chunks; the proof stops well before.
TEST(PngStreamCheck, HundredsOfTextChunksAreLeftToLibspng) {
  Bytes png = encode({"rgb", kRgb, 8});
  for (int i = 0; i < 300; ++i)
    insert_before(png, "IEND", test::png_chunk("tEXt", as_vector("Comment\0x"sv)));
  ASSERT_TRUE(libspng_decodes(png));
  EXPECT_FALSE(proves(png));
  EXPECT_TRUE(probe_and_decode(png).ok());
}

// Mutants for the differential test: PNGs with ancillary chunks before and after the image data, so that
// damage with a recomputed CRC reaches the chunk rules as well as inflate and the filter bytes.
std::vector<Bytes> mutation_originals() {
  Bytes rgb = with_image_data_in_pieces(encode({"rgb", kRgb, 8, true, 24, 16}), 400);
  insert_before(rgb, "IDAT", test::png_chunk("gAMA", {0, 0, 0xB1, 0x8F}));
  insert_before(rgb, "IDAT", test::png_chunk("pHYs", {0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1}));
  insert_before(rgb, "IEND", test::png_chunk("tEXt", as_vector("Comment\0preflight"sv)));
  Bytes palette = encode({"palette", kPalette, 4, false, 19, 11});
  insert_before(palette, "IDAT", test::png_chunk("tRNS", {0, 128, 255}));
  insert_before(palette, "IDAT", test::png_chunk("bKGD", {1}));
  insert_before(palette, "IEND", test::png_chunk("tIME", {0x07, 0xE9, 1, 2, 3, 4, 5}));
  return {rgb, palette, encode({"grey_alpha", kGreyAlpha, 16, false, 9, 7})};
}

void damage_bytes(Bytes& bytes, std::mt19937& random) {
  if (bytes.empty()) return;
  const std::size_t at = random() % bytes.size();
  switch (random() % 4) {
    case 0:
      bytes[at] ^= static_cast<std::uint8_t>(1u << (random() % 8));
      break;
    case 1:
      bytes[at] = static_cast<std::uint8_t>(random());
      break;
    case 2:
      bytes.resize(at);
      break;
    default:
      bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), 1 + random() % 4,
                   static_cast<std::uint8_t>(random()));
  }
}

// Damages one chunk's type or data and writes it back with a correct CRC.
void damage_chunk(Bytes& png, std::mt19937& random) {
  const std::vector<std::size_t> chunks = chunk_offsets(png);
  const std::size_t chunk = chunks[random() % chunks.size()];
  std::string type(chunk_type(png, chunk));
  Bytes data = chunk_data(png, chunk);
  if (random() % 4 == 0) {
    type[random() % type.size()] ^= static_cast<char>(1u << (random() % 8));
  } else {
    damage_bytes(data, random);
  }
  replace_chunk(png, chunk, test::png_chunk(type, data));
}

// The property the fast path rests on: whatever it proves, libspng decodes in full. Half the mutants keep
// every CRC correct so that the chunk rules, inflate and the filter bytes are what judges them; some mutants
// must be proven and some rejected, or the test proves nothing.
TEST(PngStreamCheck, WhatIsProvenLibspngDecodes) {
  constexpr int kMutantsPerFile = 1200;
  std::mt19937 random(20261123);
  int proven = 0;
  int rejected = 0;
  for (const Bytes& original : mutation_originals()) {
    ASSERT_TRUE(proves(original));
    for (int m = 0; m < kMutantsPerFile; ++m) {
      Bytes mutant = original;
      if (random() % 2 == 0) {
        damage_bytes(mutant, random);
      } else {
        damage_chunk(mutant, random);
      }
      const bool reference_ok = libspng_decodes(mutant);
      if (proves(mutant)) {
        ++proven;
        EXPECT_TRUE(reference_ok) << "mutant " << m << " proven but libspng fails";
      }
      const DecodeStatus decoded = probe_and_decode(mutant);
      rejected += !decoded.ok();
      if (decoded.ok()) {
        EXPECT_TRUE(reference_ok) << "mutant " << m << " accepted but libspng fails";
      }
    }
  }
  EXPECT_GT(proven, 100);
  EXPECT_GT(rejected, 100);
}

}  // namespace
}  // namespace preflight
