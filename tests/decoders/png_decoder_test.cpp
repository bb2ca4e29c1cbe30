#include "decoders/png_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "tests/support/raster_samples.h"

namespace preflight {
namespace {

using test::Bytes;
using namespace std::string_view_literals;
using ::testing::AnyOf;
using ::testing::Eq;

constexpr std::uint32_t kPrimaryFrame[] = {0};
constexpr std::size_t kChunkHeaderBytes = 8;  // length, type
constexpr std::size_t kCrcBytes = 4;

Bytes sample_png(bool interlaced = false) {
  return test::encode_png(test::photo_raster(320, 200, 11), {.interlaced = interlaced});
}

DecodeStatus probe_and_decode(const Bytes& bytes, const DecodeLimits& limits = {}) {
  const auto header = png_decoder().probe(bytes, limits);
  if (!header.ok()) return header.failure();
  return png_decoder().decode_frames(bytes, header.value(), kPrimaryFrame, limits);
}

Bytes prefix(const Bytes& bytes, std::size_t length) { return Bytes(bytes.begin(), bytes.begin() + length); }

std::size_t chunk_length(const Bytes& png, std::size_t chunk) {
  return std::size_t{png[chunk]} << 24 | std::size_t{png[chunk + 1]} << 16 |
         std::size_t{png[chunk + 2]} << 8 | png[chunk + 3];
}

void insert_before(Bytes& png, std::string_view type, const Bytes& chunk) {
  const auto at = png.begin() + static_cast<std::ptrdiff_t>(test::find_png_chunk(png, type));
  png.insert(at, chunk.begin(), chunk.end());
}

Bytes with_bad_crc(Bytes chunk) {
  chunk.back() ^= 0x01;
  return chunk;
}

Bytes text_chunk() {
  const std::string_view text = "Comment\0made by preflight tests"sv;
  return test::png_chunk("tEXt", Bytes(text.begin(), text.end()));
}

TEST(PngDecoder, ProbeReportsTheSizeAndTheImageDecodes) {
  for (const bool interlaced : {false, true}) {
    const Bytes png = sample_png(interlaced);
    const auto header = png_decoder().probe(png, {});
    ASSERT_TRUE(header.ok()) << header.failure().message;
    EXPECT_EQ(header.value().format, Format::Png);
    EXPECT_EQ(header.value().width, 320u);
    EXPECT_EQ(header.value().height, 200u);
    EXPECT_EQ(header.value().frames_total, 1u);
    const DecodeStatus decoded = png_decoder().decode_frames(png, header.value(), kPrimaryFrame, {});
    EXPECT_TRUE(decoded.ok()) << "interlaced " << interlaced << ": " << decoded.failure().message;
  }
}

TEST(PngDecoder, OnePixelImageDecodes) {
  EXPECT_TRUE(probe_and_decode(test::encode_png(test::photo_raster(1, 1, 1))).ok());
}

// The rules reject it by its header (SPEC R7); the probe must report the size without allocating for it.
TEST(PngDecoder, DeclaredHugeSizeIsProbedFromAHundredBytes) {
  const Bytes png = test::png_declaring_size(100000, 100000);
  ASSERT_LE(png.size(), 100u);
  const auto header = png_decoder().probe(png, {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().width, 100000u);
  EXPECT_EQ(header.value().height, 100000u);
  const DecodeStatus decoded = png_decoder().decode_frames(png, header.value(), kPrimaryFrame, {});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "dimensions_exceed_limits");
}

TEST(PngDecoder, HeaderCutShortFailsTheProbe) {
  const auto header = png_decoder().probe(prefix(sample_png(), 20), {});
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.failure().detail, "truncated");
}

TEST(PngDecoder, FileCutShortAnywhereAfterTheHeaderFailsTheDecode) {
  for (const bool interlaced : {false, true}) {
    const Bytes png = sample_png(interlaced);
    const std::size_t idat = test::find_png_chunk(png, "IDAT");
    const std::size_t iend = test::find_png_chunk(png, "IEND");
    for (const std::size_t cut : {idat + kChunkHeaderBytes + 1, idat + chunk_length(png, idat) / 2,
                                  iend - kCrcBytes, iend, png.size() - 1}) {
      const DecodeStatus decoded = probe_and_decode(prefix(png, cut));
      ASSERT_FALSE(decoded.ok()) << "cut at " << cut << " of " << png.size();
      EXPECT_EQ(decoded.failure().detail, "truncated") << decoded.failure().message;
    }
  }
}

TEST(PngDecoder, BadCrcOnTheImageDataFailsTheDecode) {
  Bytes png = sample_png();
  png[test::find_png_chunk(png, "IEND") - 1] ^= 0x01;  // the last IDAT's CRC
  const DecodeStatus decoded = probe_and_decode(png);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "bad_crc");
}

// With the CRC recomputed, only inflate, the filters and the Adler-32 checksum can notice the damage.
TEST(PngDecoder, FlippedBitsInTheCompressedDataFailTheDecode) {
  const Bytes png = sample_png();
  const std::size_t idat = test::find_png_chunk(png, "IDAT");
  const std::size_t data_length = chunk_length(png, idat);
  for (const double position : {0.05, 0.5, 0.95}) {
    Bytes data(png.begin() + static_cast<std::ptrdiff_t>(idat + kChunkHeaderBytes),
               png.begin() + static_cast<std::ptrdiff_t>(idat + kChunkHeaderBytes + data_length));
    const auto at = static_cast<std::size_t>(position * static_cast<double>(data_length));
    for (std::size_t i = at; i < at + 2; ++i) data[i] ^= 0xA5;
    const Bytes chunk = test::png_chunk("IDAT", data);
    Bytes damaged = png;
    std::copy(chunk.begin(), chunk.end(), damaged.begin() + static_cast<std::ptrdiff_t>(idat));
    const DecodeStatus decoded = probe_and_decode(damaged);
    ASSERT_FALSE(decoded.ok()) << "flipped at " << at;
    EXPECT_THAT(decoded.failure().detail, AnyOf(Eq("zlib_error"), Eq("bad_filter"), Eq("corrupt_data")))
        << decoded.failure().message;
  }
}

TEST(PngDecoder, BadCrcOnAnAncillaryChunkAfterTheImageFailsTheDecode) {
  Bytes png = sample_png();
  insert_before(png, "IEND", text_chunk());
  EXPECT_TRUE(probe_and_decode(png).ok());
  png = sample_png();
  insert_before(png, "IEND", with_bad_crc(text_chunk()));
  const DecodeStatus decoded = probe_and_decode(png);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "bad_crc");
}

// The probe reads IHDR only; the decode reads every chunk.
TEST(PngDecoder, BadCrcOnAnAncillaryChunkBeforeTheImageFailsTheDecode) {
  Bytes png = sample_png();
  insert_before(png, "IDAT", with_bad_crc(text_chunk()));
  const auto header = png_decoder().probe(png, {});
  ASSERT_TRUE(header.ok());
  const DecodeStatus decoded = png_decoder().decode_frames(png, header.value(), kPrimaryFrame, {});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "bad_crc");
  EXPECT_EQ(decoded.failure().message, "invalid chunk checksum");
}

// An APNG whose default image is also its first frame, followed by a second frame in fdAT.
Bytes two_frame_apng(bool damage_second_frame) {
  Bytes png = sample_png();
  const std::size_t idat = test::find_png_chunk(png, "IDAT");
  const Bytes image_data(
      png.begin() + static_cast<std::ptrdiff_t>(idat + kChunkHeaderBytes),
      png.begin() + static_cast<std::ptrdiff_t>(idat + kChunkHeaderBytes + chunk_length(png, idat)));
  const auto frame_control = [](std::uint8_t sequence) {
    // sequence number; width 320, height 200; x and y offsets 0; delay 1/10 s; dispose and blend 0
    const Bytes data{0, 0, 0, sequence, 0, 0, 1, 64, 0, 0, 0, 200, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 10, 0, 0};
    return test::png_chunk("fcTL", data);
  };
  insert_before(png, "IDAT", test::png_chunk("acTL", {0, 0, 0, 2, 0, 0, 0, 0}));
  insert_before(png, "IDAT", frame_control(0));
  Bytes frame_data{0, 0, 0, 2};
  frame_data.insert(frame_data.end(), image_data.begin(), image_data.end());
  const Bytes second_frame = test::png_chunk("fdAT", frame_data);
  insert_before(png, "IEND", frame_control(1));
  insert_before(png, "IEND", damage_second_frame ? with_bad_crc(second_frame) : second_frame);
  return png;
}

TEST(PngDecoder, ApngCountsAsOneImage) {
  const Bytes apng = two_frame_apng(/*damage_second_frame=*/false);
  const auto header = png_decoder().probe(apng, {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().frames_total, 1u);
  EXPECT_TRUE(png_decoder().decode_frames(apng, header.value(), kPrimaryFrame, {}).ok());
}

TEST(PngDecoder, ApngWithABadCrcInALaterFrameFailsTheDecode) {
  const DecodeStatus decoded = probe_and_decode(two_frame_apng(/*damage_second_frame=*/true));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "bad_crc");
}

TEST(PngDecoder, OtherContentIsNotAPng) {
  const Bytes jpeg = test::encode_jpeg(test::photo_raster(64, 64, 1));
  const auto header = png_decoder().probe(jpeg, {});
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.failure().detail, "not_png");
}

}  // namespace
}  // namespace preflight
