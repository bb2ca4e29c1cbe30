#include "decoders/tiff_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <tiff.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/container_samples.h"

namespace preflight {
namespace {

using samples::Bytes;
using samples::TiffSpec;
using ::testing::HasSubstr;

constexpr std::uint32_t kFirstPage[] = {0};
constexpr std::size_t kFirstIfd = 8;  // hand-built files put IFD 0 right after the header
constexpr std::size_t kIfdEntryBytes = 12;
constexpr std::uint16_t kUnconfiguredCompression = 34712;  // JPEG 2000 (Leadtools): not built into libtiff

DecodeStatus probe_and_decode(const Bytes& bytes, std::span<const std::uint32_t> indices = kFirstPage,
                              const DecodeLimits& limits = {}) {
  const auto header = tiff_decoder().probe(bytes, limits);
  if (!header.ok()) return header.failure();
  return tiff_decoder().decode_frames(bytes, header.value(), indices, limits);
}

Bytes prefix(const Bytes& bytes, std::size_t length) {
  return Bytes(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length));
}

// One row per layout libtiff writes: what the probe must report and that page 0 decodes.
struct TiffCase {
  std::string name;
  TiffSpec spec;
};

class TiffLayouts : public ::testing::TestWithParam<TiffCase> {};

TEST_P(TiffLayouts, ProbeReportsPageZeroAndEveryPageDecodes) {
  const TiffSpec& spec = GetParam().spec;
  const Bytes bytes = samples::tiff_file(spec);
  const auto header = tiff_decoder().probe(bytes, {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().format, Format::Tiff);
  EXPECT_EQ(header.value().width, spec.size.width);
  EXPECT_EQ(header.value().height, spec.size.height);
  EXPECT_EQ(header.value().frames_total, spec.pages);
  EXPECT_EQ(header.value().primary_frame, 0u);
  EXPECT_FALSE(header.value().defect);
  std::vector<std::uint32_t> every_page;
  for (std::uint32_t page = 0; page < spec.pages; ++page) every_page.push_back(page);
  const DecodeStatus status = tiff_decoder().decode_frames(bytes, header.value(), every_page, {});
  EXPECT_TRUE(status.ok()) << status.failure().detail << ": " << status.failure().message;
}

INSTANTIATE_TEST_SUITE_P(
    TiffWrittenByLibtiff, TiffLayouts,
    ::testing::Values(TiffCase{"StripsLzw", {{120, 80}, 1, COMPRESSION_LZW}},
                      TiffCase{"StripsDeflate", {{120, 80}, 1, COMPRESSION_ADOBE_DEFLATE}},
                      TiffCase{"StripsUncompressed", {{33, 17}, 1, COMPRESSION_NONE}},
                      TiffCase{"TilesLzw", {{100, 70}, 1, COMPRESSION_LZW, true}},
                      TiffCase{"TilesDeflate", {{100, 70}, 1, COMPRESSION_ADOBE_DEFLATE, true}},
                      TiffCase{"ThreePagesLzw", {{64, 48}, 3, COMPRESSION_LZW}},
                      TiffCase{"ThreeTiledPagesDeflate", {{64, 48}, 3, COMPRESSION_ADOBE_DEFLATE, true}},
                      // 4.8 MB in one strip: decoded row by row, never into a whole-image buffer.
                      TiffCase{"OneLargeStripDeflate",
                               {{1600, 1000}, 1, COMPRESSION_ADOBE_DEFLATE, false, 1000}}),
    [](const auto& info) { return info.param.name; });

// libtiff writes each directory after its pixels: a cut loses the directory, so the probe fails.
TEST(TiffProbe, CutBeforeTheDirectoryFailsAsTruncated) {
  const Bytes bytes = samples::tiff_file({{120, 80}});
  for (const double fraction : {0.2, 0.5, 0.9}) {
    const auto header =
        tiff_decoder().probe(prefix(bytes, static_cast<std::size_t>(bytes.size() * fraction)), {});
    ASSERT_FALSE(header.ok());
    EXPECT_EQ(header.failure().detail, "truncated") << header.failure().message;
  }
  EXPECT_EQ(tiff_decoder().probe(prefix(bytes, 5), {}).failure().detail, "truncated");
}

// Hand-built files keep their directory first, so a cut leaves the header readable and removes pixels.
TEST(TiffDecode, CutInsideStripDataFailsAsTruncated) {
  const samples::HandBuiltTiff file = samples::hand_built_tiff({samples::deflate_grey_page({200, 120}, 16)});
  ASSERT_TRUE(probe_and_decode(file.bytes).ok());
  const std::size_t data = file.bytes.size() - file.data_offset;
  for (const std::size_t keep : {std::size_t{1}, data / 3, data / 2, data - 1}) {
    const Bytes cut = prefix(file.bytes, file.data_offset + keep);
    const auto header = tiff_decoder().probe(cut, {});
    ASSERT_TRUE(header.ok()) << header.failure().message;
    const DecodeStatus status = tiff_decoder().decode_frames(cut, header.value(), kFirstPage, {});
    ASSERT_FALSE(status.ok()) << "kept " << keep << " data bytes";
    EXPECT_EQ(status.failure().detail, "truncated");
    EXPECT_THAT(status.failure().message, HasSubstr("past the end of the file"));
  }
}

// Deflate streams end with an Adler-32 checksum: any flipped bit is caught.
TEST(TiffDecode, FlippedBitsInDeflateDataFailAsCorruptData) {
  const samples::HandBuiltTiff file = samples::hand_built_tiff({samples::deflate_grey_page({200, 120}, 16)});
  const std::size_t data = file.bytes.size() - file.data_offset;
  for (const std::size_t offset : {data / 5, data / 2, data - 3}) {
    Bytes damaged = file.bytes;
    damaged[file.data_offset + offset] ^= 0x10;
    const DecodeStatus status = probe_and_decode(damaged);
    ASSERT_FALSE(status.ok()) << "flip at data byte " << offset;
    EXPECT_EQ(status.failure().detail, "corrupt_data");
    EXPECT_THAT(status.failure().message, HasSubstr("ZIPDecode"));
  }
}

TEST(TiffDecode, FlippedBitsInALargeStripReadRowByRowFail) {
  Bytes damaged = samples::tiff_file({{1600, 1000}, 1, COMPRESSION_ADOBE_DEFLATE, false, 1000});
  damaged[damaged.size() / 3] ^= 0x10;  // the strip lies between the 8-byte header and the directory
  const DecodeStatus status = probe_and_decode(damaged);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.failure().detail, "corrupt_data");
}

TEST(TiffProbe, IfdLoopEndsQuicklyAndIsReportedAsADefect) {
  const samples::HandBuiltPage page = samples::deflate_grey_page({64, 32}, 32);
  for (const std::size_t pages : {1u, 3u}) {
    const std::vector<samples::HandBuiltPage> chain(pages, page);
    const samples::HandBuiltTiff looped = samples::hand_built_tiff(chain, 0);
    const auto started = std::chrono::steady_clock::now();
    const auto header = tiff_decoder().probe(looped.bytes, {});
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(500));
    ASSERT_TRUE(header.ok()) << header.failure().message;
    EXPECT_EQ(header.value().width, 64u);
    EXPECT_EQ(header.value().frames_total, pages);
    EXPECT_EQ(header.value().defect, "ifd_loop");
    EXPECT_TRUE(tiff_decoder().decode_frames(looped.bytes, header.value(), kFirstPage, {}).ok())
        << "page 0 itself is intact";
  }
}

// A multi-page file cut after page 0: the chain points past the end, page 0 is intact.
TEST(TiffProbe, ChainPointingPastTheEndIsReportedAsADefect) {
  samples::HandBuiltTiff file = samples::hand_built_tiff({samples::deflate_grey_page({64, 32}, 32)});
  const std::size_t entries = file.bytes[kFirstIfd] | file.bytes[kFirstIfd + 1] << 8;
  const std::size_t next_ifd_offset = kFirstIfd + 2 + entries * kIfdEntryBytes;
  file.bytes[next_ifd_offset + 3] = 0x10;  // little-endian 0x10xxxxxx: far beyond the end of the file
  const auto header = tiff_decoder().probe(file.bytes, {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().frames_total, 1u);
  EXPECT_EQ(header.value().defect, "corrupt_ifd_chain");
}

// 100000 x 100000 declared in a few hundred bytes: the probe reports it without allocating pixels, and
// the decoder refuses it before allocating anything.
TEST(TiffProbe, HugeDeclaredSizeInATinyFileIsReportedWithoutAllocating) {
  samples::HandBuiltPage page = samples::deflate_grey_page({64, 16}, 16);
  page.fields[0] = samples::long_field(TIFFTAG_IMAGEWIDTH, {100000});
  page.fields[1] = samples::long_field(TIFFTAG_IMAGELENGTH, {100000});
  page.fields.back() = samples::long_field(TIFFTAG_ROWSPERSTRIP, {100000});
  const samples::HandBuiltTiff lying = samples::hand_built_tiff({page});
  const auto header = tiff_decoder().probe(lying.bytes, {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().width, 100000u);
  EXPECT_EQ(header.value().height, 100000u);
  const DecodeStatus status = tiff_decoder().decode_frames(lying.bytes, header.value(), kFirstPage, {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.failure().detail, "limit_exceeded");
}

// Within the limits, the same lie reaches libtiff: one 9000-row strip is decoded row by row, so the
// failure costs a row buffer, not 81 MB.
TEST(TiffDecode, LyingStripWithinTheLimitsFailsFast) {
  samples::HandBuiltPage page = samples::deflate_grey_page({64, 16}, 16);
  page.fields[0] = samples::long_field(TIFFTAG_IMAGEWIDTH, {9000});
  page.fields[1] = samples::long_field(TIFFTAG_IMAGELENGTH, {9000});
  page.fields.back() = samples::long_field(TIFFTAG_ROWSPERSTRIP, {9000});
  const samples::HandBuiltTiff lying = samples::hand_built_tiff({page});
  const auto started = std::chrono::steady_clock::now();
  const DecodeStatus status = probe_and_decode(lying.bytes);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(500));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.failure().detail, "corrupt_data");
}

TEST(TiffDecode, UnconfiguredCompressionIsAnUnsupportedCodec) {
  samples::HandBuiltPage page = samples::deflate_grey_page({64, 16}, 16);
  page.fields[3] = samples::short_field(TIFFTAG_COMPRESSION, {kUnconfiguredCompression});
  const DecodeStatus status = probe_and_decode(samples::hand_built_tiff({page}).bytes);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.failure().detail, "unsupported_codec");
  EXPECT_THAT(status.failure().message, HasSubstr("34712"));
}

TEST(TiffDecode, DamageOnALaterPageNamesThatPage) {
  const samples::HandBuiltPage page = samples::deflate_grey_page({64, 32}, 8);
  samples::HandBuiltTiff file = samples::hand_built_tiff({page, page});
  file.bytes[file.bytes.size() - 5] ^= 0x10;  // inside the last strip of page 1
  const auto header = tiff_decoder().probe(file.bytes, {});
  ASSERT_TRUE(header.ok());
  EXPECT_TRUE(tiff_decoder().decode_frames(file.bytes, header.value(), kFirstPage, {}).ok());
  constexpr std::uint32_t kBothPages[] = {0, 1};
  const DecodeStatus status = tiff_decoder().decode_frames(file.bytes, header.value(), kBothPages, {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.failure().detail, "frame_1:corrupt_data");
}

TEST(TiffDecode, TileLargerThanTheMemoryLimitIsRefused) {
  constexpr std::uint32_t kTileSide = 256;  // 196608 bytes of RGB per tile
  DecodeLimits limits;
  limits.max_memory_bytes = 150000;
  const Bytes tiled = samples::tiff_file({{512, 512}, 1, COMPRESSION_NONE, true, 16, kTileSide});
  const DecodeStatus status = probe_and_decode(tiled, kFirstPage, limits);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.failure().detail, "limit_exceeded");
}

// libtiff's messages go to per-handle handlers: a corrupt file's error never lands in another call.
TEST(TiffDecode, ConcurrentCallsKeepTheirOwnMessages) {
  const samples::HandBuiltTiff good = samples::hand_built_tiff({samples::deflate_grey_page({200, 120}, 16)});
  Bytes damaged = good.bytes;
  damaged[good.data_offset + 100] ^= 0x10;
  constexpr int kThreads = 4;
  constexpr int kRounds = 200;
  std::vector<int> wrong(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const bool is_good = t % 2 == 0;
      for (int round = 0; round < kRounds; ++round) {
        const DecodeStatus status = probe_and_decode(is_good ? good.bytes : damaged);
        const bool as_expected =
            is_good ? status.ok() : !status.ok() && status.failure().message.find("ZIPDecode") == 0;
        if (!as_expected) ++wrong[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(wrong, ::testing::Each(0));
}

}  // namespace
}  // namespace preflight
