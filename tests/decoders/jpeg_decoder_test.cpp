#include "decoders/jpeg_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "tests/support/raster_samples.h"

namespace preflight {
namespace {

using test::Bytes;
using ::testing::AnyOf;
using ::testing::Eq;

constexpr std::uint32_t kPrimaryFrame[] = {0};
constexpr std::uint8_t kMarker = 0xFF;
constexpr std::uint8_t kStartOfScan = 0xDA;

Bytes sample_jpeg(bool progressive = false) {
  return test::encode_jpeg(test::photo_raster(640, 480, 7), {.quality = 85, .progressive = progressive});
}

DecodeStatus probe_and_decode(const Bytes& bytes, const DecodeLimits& limits = {}) {
  const auto header = jpeg_decoder().probe(bytes, limits);
  if (!header.ok()) return header.failure();
  return jpeg_decoder().decode_frames(bytes, header.value(), kPrimaryFrame, limits);
}

// [first, last) byte offsets of the first scan's entropy-coded data (after its SOS header, before EOI).
std::pair<std::size_t, std::size_t> entropy_data(const Bytes& jpeg) {
  for (std::size_t i = 0; i + 3 < jpeg.size(); ++i) {
    if (jpeg[i] == kMarker && jpeg[i + 1] == kStartOfScan) {
      const std::size_t length = std::size_t{jpeg[i + 2]} << 8 | jpeg[i + 3];
      return {i + 2 + length, jpeg.size() - 2};
    }
  }
  return {jpeg.size(), jpeg.size()};
}

Bytes prefix(const Bytes& bytes, std::size_t length) { return Bytes(bytes.begin(), bytes.begin() + length); }

struct JpegShape {
  std::uint32_t width;
  std::uint32_t height;
  bool progressive;
};

class JpegShapes : public ::testing::TestWithParam<JpegShape> {};

TEST_P(JpegShapes, ProbeReportsTheSizeAndEveryScanDecodes) {
  const JpegShape shape = GetParam();
  const Bytes jpeg = test::encode_jpeg(test::photo_raster(shape.width, shape.height, 3),
                                       {.quality = 90, .progressive = shape.progressive});
  const auto header = jpeg_decoder().probe(jpeg, {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().format, Format::Jpeg);
  EXPECT_EQ(header.value().width, shape.width);
  EXPECT_EQ(header.value().height, shape.height);
  EXPECT_EQ(header.value().frames_total, 1u);
  EXPECT_FALSE(header.value().defect.has_value());
  const DecodeStatus decoded = jpeg_decoder().decode_frames(jpeg, header.value(), kPrimaryFrame, {});
  EXPECT_TRUE(decoded.ok()) << decoded.failure().message;
}

INSTANTIATE_TEST_SUITE_P(JpegDecoder, JpegShapes,
                         ::testing::Values(JpegShape{640, 480, false}, JpegShape{640, 480, true},
                                           JpegShape{333, 77, false}, JpegShape{17, 1029, true},
                                           JpegShape{1, 1, false}));

TEST(JpegDecoder, HeaderCutShortFailsTheProbe) {
  const auto header = jpeg_decoder().probe(prefix(sample_jpeg(), 100), {});
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.failure().detail, "truncated");
  EXPECT_EQ(header.failure().message, "Premature end of JPEG file");
}

TEST(JpegDecoder, EntropyDataCutShortFailsTheDecode) {
  for (const bool progressive : {false, true}) {
    const Bytes jpeg = sample_jpeg(progressive);
    const auto [first, last] = entropy_data(jpeg);
    for (const std::size_t cut : {first + 1, (first + last) / 2, last - 1, last, jpeg.size() - 1}) {
      const DecodeStatus decoded = probe_and_decode(prefix(jpeg, cut));
      ASSERT_FALSE(decoded.ok()) << "progressive " << progressive << ", cut at " << cut << " of "
                                 << jpeg.size();
      EXPECT_EQ(decoded.failure().detail, "truncated") << decoded.failure().message;
    }
  }
}

// JPEG has no checksum: a flipped bit is noticed only if it derails the Huffman decoder, and a flipped
// magnitude bit never does. A run of bits flipped to 1 always does: it reads as an all-ones code, which the
// standard forbids, and libjpeg's "bad Huffman code" warning is our failure.
TEST(JpegDecoder, BitsFlippedToOnesInEntropyDataFailTheDecode) {
  constexpr std::size_t kStuffedOnesPairs = 8;  // 64 one-bits, as 0xFF 0x00 byte-stuffed pairs
  const Bytes jpeg = sample_jpeg();
  const auto [first, last] = entropy_data(jpeg);
  for (const double position : {0.1, 0.3, 0.5, 0.7, 0.9}) {
    Bytes damaged = jpeg;
    const auto start = first + static_cast<std::size_t>(position * static_cast<double>(last - first));
    for (std::size_t pair = 0; pair < kStuffedOnesPairs; ++pair) {
      damaged[start + 2 * pair] = 0xFF;
      damaged[start + 2 * pair + 1] = 0x00;
    }
    const DecodeStatus decoded = probe_and_decode(damaged);
    ASSERT_FALSE(decoded.ok()) << "ones at " << start;
    EXPECT_EQ(decoded.failure().detail, "bad_huffman_code") << decoded.failure().message;
    EXPECT_EQ(decoded.failure().message, "Corrupt JPEG data: bad Huffman code");
  }
}

// More junk than libjpeg's bit buffer (8 bytes) can swallow unseen at the end of the scan.
TEST(JpegDecoder, JunkBeforeTheEndMarkerFailsTheDecode) {
  constexpr std::size_t kJunkBytes = 16;
  Bytes jpeg = sample_jpeg();
  jpeg.insert(jpeg.end() - 2, kJunkBytes, 0x5A);
  const DecodeStatus decoded = probe_and_decode(jpeg);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "extraneous_bytes");
  EXPECT_THAT(decoded.failure().message, ::testing::HasSubstr("extraneous bytes"));
}

TEST(JpegDecoder, OtherContentIsNotAJpeg) {
  const Bytes text{'n', 'o', 't', ' ', 'a', ' ', 'j', 'p', 'e', 'g', ' ', 'f', 'i', 'l', 'e', '!'};
  const auto header = jpeg_decoder().probe(text, {});
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.failure().detail, "not_jpeg");
}

TEST(JpegDecoder, DimensionsBeyondTheLimitsAreProbedButNotDecoded) {
  const Bytes jpeg = sample_jpeg();
  const DecodeLimits limits{.max_width = 320};
  const auto header = jpeg_decoder().probe(jpeg, limits);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header.value().width, 640u);
  const DecodeStatus decoded = jpeg_decoder().decode_frames(jpeg, header.value(), kPrimaryFrame, limits);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "dimensions_exceed_limits");
  EXPECT_EQ(decoded.failure().message, "width 640 exceeds max_width 320");
}

// A progressive JPEG keeps every coefficient of the image in memory while its scans arrive.
TEST(JpegDecoder, ProgressiveCoefficientsBeyondTheMemoryLimitFail) {
  const DecodeLimits limits{.max_memory_bytes = 64 * 1024};
  const DecodeStatus decoded = probe_and_decode(sample_jpeg(/*progressive=*/true), limits);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "memory_limit") << decoded.failure().message;
}

TEST(JpegDecoder, ConcurrentCallsKeepTheirOwnErrors) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 20;
  const Bytes good = sample_jpeg();
  const Bytes cut = prefix(good, good.size() / 2);
  std::vector<int> mistakes(kThreads, 0);
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        const bool use_good = (round + t) % 2 == 0;
        const DecodeStatus decoded = probe_and_decode(use_good ? good : cut);
        if (decoded.ok() != use_good || (!use_good && decoded.failure().detail != "truncated")) ++mistakes[t];
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  EXPECT_EQ(std::count(mistakes.begin(), mistakes.end(), 0), kThreads);
}

}  // namespace
}  // namespace preflight
