#include "decoders/raw_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/container_samples.h"

namespace preflight {
namespace {

using samples::Bytes;
using ::testing::HasSubstr;

constexpr samples::Size kSensorSize{64, 48};
constexpr std::uint32_t kOnlyFrame[] = {0};
constexpr std::uint16_t kOrientationRotate90 = 6;
// Real camera files (read in place, never copied into the repository); the test skips without them.
constexpr const char* kRealWorldCorpus = "/work/shared/corpus-realworld";

DecodeStatus probe_and_decode(const Bytes& bytes, const DecodeLimits& limits = {}) {
  const auto header = raw_decoder().probe(bytes, limits);
  if (!header.ok()) return header.failure();
  return raw_decoder().decode_frames(bytes, header.value(), kOnlyFrame, limits);
}

Bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

TEST(RawProbe, MinimalDngReportsTheSensorSize) {
  const auto header = raw_decoder().probe(samples::minimal_dng(kSensorSize).bytes, {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().format, Format::Raw);
  EXPECT_EQ(header.value().width, kSensorSize.width);
  EXPECT_EQ(header.value().height, kSensorSize.height);
  EXPECT_EQ(header.value().frames_total, 1u);
}

// Like raw-identify's "Output size", portrait orientation swaps width and height.
TEST(RawProbe, PortraitOrientationSwapsTheOutputSize) {
  const auto header = raw_decoder().probe(samples::minimal_dng(kSensorSize, kOrientationRotate90).bytes, {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().width, kSensorSize.height);
  EXPECT_EQ(header.value().height, kSensorSize.width);
}

TEST(RawDecode, MinimalDngUnpacks) {
  const DecodeStatus status = probe_and_decode(samples::minimal_dng(kSensorSize).bytes);
  EXPECT_TRUE(status.ok()) << status.failure().detail << ": " << status.failure().message;
}

TEST(RawDecode, CutInsideSensorDataFailsAsTruncated) {
  const samples::HandBuiltTiff dng = samples::minimal_dng(kSensorSize);
  const std::size_t data = dng.bytes.size() - dng.data_offset;
  for (const std::size_t keep : {std::size_t{2}, data / 2, data - 2}) {
    const Bytes cut(dng.bytes.begin(),
                    dng.bytes.begin() + static_cast<std::ptrdiff_t>(dng.data_offset + keep));
    const auto header = raw_decoder().probe(cut, {});
    ASSERT_TRUE(header.ok()) << header.failure().message;
    const DecodeStatus status = raw_decoder().decode_frames(cut, header.value(), kOnlyFrame, {});
    ASSERT_FALSE(status.ok()) << "kept " << keep << " data bytes";
    EXPECT_EQ(status.failure().detail, "truncated");
  }
}

TEST(RawProbe, CutInsideTheDirectoryFails) {
  const samples::HandBuiltTiff dng = samples::minimal_dng(kSensorSize);
  const Bytes cut(dng.bytes.begin(), dng.bytes.begin() + static_cast<std::ptrdiff_t>(dng.data_offset / 2));
  EXPECT_FALSE(raw_decoder().probe(cut, {}).ok());
}

TEST(RawProbe, NotACameraFileIsUnsupported) {
  const Bytes tiff = samples::tiff_file({{64, 48}});
  const auto header = raw_decoder().probe(tiff, {});
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.failure().detail, "unsupported_raw");
  EXPECT_THAT(header.failure().message, HasSubstr("Unsupported file format"));
}

TEST(RawDecode, SensorLargerThanTheLimitsIsRefusedBeforeUnpacking) {
  DecodeLimits limits;
  limits.max_width = 32;
  const auto header = raw_decoder().probe(samples::minimal_dng(kSensorSize).bytes, limits);
  ASSERT_TRUE(header.ok());
  const DecodeStatus status = raw_decoder().decode_frames(samples::minimal_dng(kSensorSize).bytes,
                                                          header.value(), kOnlyFrame, limits);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.failure().detail, "limit_exceeded");
}

TEST(RawDecode, ConcurrentCallsKeepTheirOwnResults) {
  const samples::HandBuiltTiff dng = samples::minimal_dng(kSensorSize);
  const Bytes cut(dng.bytes.begin(), dng.bytes.end() - 100);
  constexpr int kThreads = 4;
  constexpr int kRounds = 50;
  std::vector<int> wrong(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const bool good = t % 2 == 0;
      for (int round = 0; round < kRounds; ++round) {
        const DecodeStatus status = probe_and_decode(good ? dng.bytes : cut);
        if (status.ok() != good || (!good && status.failure().detail != "truncated")) ++wrong[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(wrong, ::testing::Each(0));
}

// Sizes as LibRaw's raw-identify reports them (manifest.csv, columns raw_w/raw_h).
struct RealWorldRaw {
  std::string file;
  std::uint32_t width;
  std::uint32_t height;
  std::string detail;  // empty: decodes
};

class RawRealWorld : public ::testing::TestWithParam<RealWorldRaw> {};

TEST_P(RawRealWorld, MatchesLibRawsOwnTools) {
  const std::filesystem::path path = std::filesystem::path(kRealWorldCorpus) / GetParam().file;
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not available";
  const Bytes bytes = read_file(path);
  const auto header = raw_decoder().probe(bytes, {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().width, GetParam().width);
  EXPECT_EQ(header.value().height, GetParam().height);
  const DecodeStatus status = raw_decoder().decode_frames(bytes, header.value(), kOnlyFrame, {});
  if (GetParam().detail.empty()) {
    EXPECT_TRUE(status.ok()) << status.failure().detail << ": " << status.failure().message;
  } else {
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.failure().detail, GetParam().detail);
  }
}

INSTANTIATE_TEST_SUITE_P(RawCorpus, RawRealWorld,
                         ::testing::Values(RealWorldRaw{"exiv2__IMG_1361.dng", 3024, 4032, ""},
                                           RealWorldRaw{"rawpy__RAW_KODAK_DC50_e.KDC", 768, 512, ""},
                                           RealWorldRaw{"exiv2__exiv2-canon-powershot-s40.crw", 2312, 1720,
                                                        "truncated"}));

}  // namespace
}  // namespace preflight
