#include "decoders/heic_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/bmff_bytes.h"
#include "tests/support/container_samples.h"

namespace preflight {
namespace {

using samples::Bytes;
using namespace samples::bmff;
using samples::HeifCodec;
using ::testing::AnyOf;
using ::testing::HasSubstr;

constexpr samples::Size kStillSize{96, 64};
constexpr std::uint32_t kFirstFrame[] = {0};
constexpr std::size_t kSliceHeaderOffset = 6;  // 4-byte length, 2-byte NAL header, then the slice header

class HeicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!samples::heif_encoder_available(HeifCodec::Hevc)) GTEST_SKIP() << "libheif has no HEVC encoder";
  }

  static const Bytes& still() {
    static const Bytes bytes = samples::heif_images({kStillSize}, 0);
    return bytes;
  }

  // Three top-level images of different sizes; the second is the primary.
  static const Bytes& collection() {
    static const Bytes bytes = samples::heif_images({{64, 64}, {96, 64}, {128, 96}}, 1);
    return bytes;
  }
};

// Start of every length-prefixed NAL unit in `mdat`; libheif stores the images' data in encoding order.
std::vector<std::size_t> nal_unit_starts(const Bytes& bytes) {
  std::vector<std::size_t> starts;
  for (std::size_t at = payload_start(bytes); at + 4 <= bytes.size(); at += 4 + read_be32(bytes, at)) {
    starts.push_back(at);
  }
  return starts;
}

DecodeStatus probe_and_decode(const Bytes& bytes, std::span<const std::uint32_t> indices = kFirstFrame) {
  const auto header = heic_decoder().probe(bytes, {});
  if (!header.ok()) return header.failure();
  return heic_decoder().decode_frames(bytes, header.value(), indices, {});
}

TEST_F(HeicTest, ProbeReportsAStillImage) {
  const auto header = heic_decoder().probe(still(), {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().format, Format::Heic);
  EXPECT_EQ(header.value().width, kStillSize.width);
  EXPECT_EQ(header.value().height, kStillSize.height);
  EXPECT_EQ(header.value().frames_total, 1u);
  EXPECT_EQ(header.value().primary_frame, 0u);
}

TEST_F(HeicTest, ProbeCountsTopLevelImagesAndReportsThePrimary) {
  const auto header = heic_decoder().probe(collection(), {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().frames_total, 3u);
  EXPECT_EQ(header.value().primary_frame, 1u);
  EXPECT_EQ(header.value().width, 96u);
  EXPECT_EQ(header.value().height, 64u);
}

TEST_F(HeicTest, DecodesAStillAndEveryImageOfACollection) {
  constexpr std::uint32_t kEvery[] = {0, 1, 2};
  const DecodeStatus still_status = probe_and_decode(still());
  EXPECT_TRUE(still_status.ok()) << still_status.failure().message;
  const DecodeStatus collection_status = probe_and_decode(collection(), kEvery);
  EXPECT_TRUE(collection_status.ok()) << collection_status.failure().message;
}

TEST_F(HeicTest, TruncationAnywhereFailsAsTruncated) {
  for (const double fraction : {0.05, 0.3, 0.6, 0.9, 0.999}) {
    const Bytes cut(still().begin(),
                    still().begin() + static_cast<std::ptrdiff_t>(still().size() * fraction));
    const DecodeStatus status = probe_and_decode(cut);
    ASSERT_FALSE(status.ok()) << "cut at " << cut.size();
    EXPECT_EQ(status.failure().detail, "truncated") << status.failure().message;
  }
}

// HEVC carries no checksum: damage is detected where it breaks the NAL structure, at the payload's start.
// A damaged length prefix makes the unit run past its data; a damaged slice header fails decoding.
TEST_F(HeicTest, DamagedNalUnitsFail) {
  const std::pair<std::size_t, std::string_view> kDamage[] = {
      {0, "truncated"}, {2, "truncated"}, {kSliceHeaderOffset, "corrupt_data"}};
  for (const auto& [offset, detail] : kDamage) {
    Bytes damaged = still();
    damaged[payload_start(damaged) + offset] ^= 0xFF;
    const DecodeStatus status = probe_and_decode(damaged);
    ASSERT_FALSE(status.ok()) << "flip at payload byte " << offset;
    EXPECT_EQ(status.failure().detail, detail);
    // libheif's own stream check (Debian's 1.15.1-1+deb12u3) rejects a bad length before the plugin runs.
    EXPECT_THAT(status.failure().message,
                AnyOf(HasSubstr("Decoder plugin generated an error"), HasSubstr("stream was rejected")));
  }
}

TEST_F(HeicTest, DamageInALaterImageNamesThatFrame) {
  Bytes damaged = collection();
  const std::vector<std::size_t> units = nal_unit_starts(damaged);
  ASSERT_EQ(units.size(), 3u) << "one slice per image expected from x265 at this size";
  damaged[units[2] + kSliceHeaderOffset] ^= 0xFF;
  const auto header = heic_decoder().probe(damaged, {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  constexpr std::uint32_t kPrimary[] = {1};
  constexpr std::uint32_t kEvery[] = {0, 1, 2};
  EXPECT_TRUE(heic_decoder().decode_frames(damaged, header.value(), kPrimary, {}).ok());
  const DecodeStatus status = heic_decoder().decode_frames(damaged, header.value(), kEvery, {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.failure().detail, "frame_2:corrupt_data");
}

TEST_F(HeicTest, HugeDeclaredSizeInATinyFileIsReportedWithoutDecoding) {
  const Bytes lying = with_declared_size(still(), 12000, 12000);
  const auto started = std::chrono::steady_clock::now();
  const auto header = heic_decoder().probe(lying, {});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(200));
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().width, 12000u);
  EXPECT_EQ(header.value().height, 12000u);
  const DecodeStatus status = heic_decoder().decode_frames(lying, header.value(), kFirstFrame, {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.failure().detail, "frame_size_mismatch");
}

// The probe reports any declared size (R7 rejects it by name); decoding refuses it before libheif allocates.
TEST_F(HeicTest, DeclaredSizeBeyondTheLimitIsReportedAndNeverDecoded) {
  const Bytes bomb = with_declared_size(still(), 40000, 40000);
  const auto header = heic_decoder().probe(bomb, {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().width, 40000u);
  EXPECT_EQ(header.value().height, 40000u);
  const DecodeStatus status = heic_decoder().decode_frames(bomb, header.value(), kFirstFrame, {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.failure().detail, "limit_exceeded");
  EXPECT_THAT(status.failure().message, HasSubstr("40000"));
}

TEST_F(HeicTest, ImageCountAboveTheLimitIsRefused) {
  DecodeLimits limits;
  limits.max_frames = 2;
  const auto header = heic_decoder().probe(collection(), limits);
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.failure().detail, "too_many_frames");
}

// libheif 1.15 cannot decode JPEG-coded items and does not list them as images at all.
TEST_F(HeicTest, JpegCodedPrimaryItemIsAnUnsupportedCodec) {
  Bytes jpeg_item = still();
  const std::size_t item_type = find(jpeg_item, "hvc1");  // the infe entry comes before the hvcC property
  std::copy_n("jpeg", 4, jpeg_item.begin() + static_cast<std::ptrdiff_t>(item_type));
  const auto header = heic_decoder().probe(jpeg_item, {});
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.failure().detail, "unsupported_codec");
  EXPECT_THAT(header.failure().message, HasSubstr("'jpeg'"));
}

TEST(HeicAv1, GenericHeifWithAv1ItemsDecodes) {
  if (!samples::heif_encoder_available(HeifCodec::Av1)) GTEST_SKIP() << "libheif has no AV1 encoder";
  const Bytes av1 = samples::heif_images({{80, 48}, {64, 64}}, 0, HeifCodec::Av1);
  const auto header = heic_decoder().probe(av1, {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().width, 80u);
  EXPECT_EQ(header.value().frames_total, 2u);
  constexpr std::uint32_t kEvery[] = {0, 1};
  const DecodeStatus status = heic_decoder().decode_frames(av1, header.value(), kEvery, {});
  EXPECT_TRUE(status.ok()) << status.failure().message;
}

TEST_F(HeicTest, ConcurrentCallsKeepTheirOwnResults) {
  Bytes damaged = still();
  damaged[payload_start(damaged) + 6] ^= 0xFF;
  constexpr int kThreads = 4;
  constexpr int kRounds = 10;
  std::vector<int> wrong(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const bool good = t % 2 == 0;
      for (int round = 0; round < kRounds; ++round) {
        if (probe_and_decode(good ? still() : damaged).ok() != good) ++wrong[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(wrong, ::testing::Each(0));
}

}  // namespace
}  // namespace preflight
