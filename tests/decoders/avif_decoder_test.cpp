#include "decoders/avif_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/support/bmff_bytes.h"
#include "tests/support/container_samples.h"

namespace preflight {
namespace {

using samples::Bytes;
using namespace samples::bmff;
using ::testing::HasSubstr;

constexpr samples::Size kStillSize{96, 64};
constexpr std::uint32_t kFirstFrame[] = {0};

const Bytes& still() {
  static const Bytes bytes = samples::avif_still(kStillSize);
  return bytes;
}

const Bytes& sequence_of_six() {
  static const Bytes bytes = samples::avif_sequence(kStillSize, 6);
  return bytes;
}

// A sequence's samples follow each other at the end of the file; `stsz` lists their sizes.
std::size_t last_sample_start(const Bytes& bytes) {
  const std::size_t stsz = find(bytes, "stsz") + 4 + kFullBoxPrefix;
  const std::uint32_t count = read_be32(bytes, stsz + 4);
  const std::uint32_t last_size = read_be32(bytes, stsz + 8 + 4 * (count - 1));
  return bytes.size() - last_size;
}

DecodeStatus probe_and_decode(const Bytes& bytes, std::span<const std::uint32_t> indices = kFirstFrame,
                              const DecodeLimits& limits = {}) {
  const auto header = avif_decoder().probe(bytes, limits);
  if (!header.ok()) return header.failure();
  return avif_decoder().decode_frames(bytes, header.value(), indices, limits);
}

TEST(AvifProbe, StillReportsItsSizeAndOneFrame) {
  const auto header = avif_decoder().probe(still(), {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().format, Format::Avif);
  EXPECT_EQ(header.value().width, kStillSize.width);
  EXPECT_EQ(header.value().height, kStillSize.height);
  EXPECT_EQ(header.value().frames_total, 1u);
  EXPECT_EQ(header.value().primary_frame, 0u);
  EXPECT_FALSE(header.value().defect);
}

class AvifSequenceProbe : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(AvifSequenceProbe, CountsEveryFrame) {
  const Bytes bytes = samples::avif_sequence({80, 48}, GetParam());
  const auto header = avif_decoder().probe(bytes, {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().width, 80u);
  EXPECT_EQ(header.value().height, 48u);
  EXPECT_EQ(header.value().frames_total, GetParam());
}

INSTANTIATE_TEST_SUITE_P(AvifThreeAndSixFrames, AvifSequenceProbe, ::testing::Values(3u, 6u));

TEST(AvifDecode, StillDecodes) {
  const DecodeStatus status = probe_and_decode(still());
  EXPECT_TRUE(status.ok()) << status.failure().detail << ": " << status.failure().message;
}

TEST(AvifDecode, SequenceDecodesSampledFrames) {
  constexpr std::uint32_t kSampled[] = {0, 5};
  constexpr std::uint32_t kEvery[] = {0, 1, 2, 3, 4, 5};
  EXPECT_TRUE(probe_and_decode(sequence_of_six(), kSampled).ok());
  EXPECT_TRUE(probe_and_decode(sequence_of_six(), kEvery).ok());
}

TEST(AvifDecode, TruncationAnywhereFailsAsTruncated) {
  const Bytes& bytes = still();
  for (const double fraction : {0.05, 0.3, 0.6, 0.9, 0.999}) {
    const Bytes cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(bytes.size() * fraction));
    const DecodeStatus status = probe_and_decode(cut);
    ASSERT_FALSE(status.ok()) << "cut at " << cut.size();
    EXPECT_EQ(status.failure().detail, "truncated") << status.failure().message;
  }
}

// AV1 carries no checksum: damage is detected where it breaks the OBU structure, at the payload's start.
TEST(AvifDecode, DamagedObuHeadersFailAsCorruptData) {
  for (const std::size_t offset : {0u, 2u, 6u}) {
    Bytes damaged = still();
    damaged[payload_start(damaged) + offset] ^= 0xFF;
    const DecodeStatus status = probe_and_decode(damaged);
    ASSERT_FALSE(status.ok()) << "flip at payload byte " << offset;
    EXPECT_EQ(status.failure().detail, "corrupt_data");
    EXPECT_THAT(status.failure().message, HasSubstr("Decoding of color planes failed"));
  }
}

TEST(AvifDecode, DamageInALaterFrameNamesThatFrame) {
  Bytes damaged = sequence_of_six();
  damaged[last_sample_start(damaged)] ^= 0xFF;
  constexpr std::uint32_t kSampled[] = {0, 5};
  EXPECT_TRUE(probe_and_decode(damaged, kFirstFrame).ok());
  const DecodeStatus status = probe_and_decode(damaged, kSampled);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.failure().detail, "frame_5:corrupt_data");
}

// A few kilobytes declaring 12000x12000: the probe reads the declaration without decoding a pixel, and
// the decoder refuses the frame buffer the declaration would need before asking libavif for it.
TEST(AvifProbe, HugeDeclaredSizeInATinyFileIsReportedWithoutDecoding) {
  const Bytes lying = with_declared_size(still(), 12000, 12000);
  const auto started = std::chrono::steady_clock::now();
  const auto header = avif_decoder().probe(lying, {});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(200));
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().width, 12000u);
  EXPECT_EQ(header.value().height, 12000u);

  DecodeLimits small_memory;
  small_memory.max_memory_bytes = 64ull << 20;
  const DecodeStatus status = avif_decoder().decode_frames(lying, header.value(), kFirstFrame, small_memory);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.failure().detail, "limit_exceeded");
  EXPECT_THAT(status.failure().message, HasSubstr("max_memory_bytes"));
}

TEST(AvifProbe, DeclaredSizeBeyondTheDimensionLimitFailsAsLimitExceeded) {
  const auto header = avif_decoder().probe(with_declared_size(still(), 40000, 40000), {});
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.failure().detail, "limit_exceeded");
  EXPECT_THAT(header.failure().message, HasSubstr("40000x40000"));
}

TEST(AvifProbe, FrameCountAboveTheLimitIsRefused) {
  DecodeLimits limits;
  limits.max_frames = 5;
  const auto header = avif_decoder().probe(sequence_of_six(), limits);
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.failure().detail, "too_many_frames");
  EXPECT_THAT(header.failure().message, HasSubstr("imageCountLimit"));
}

TEST(AvifProbe, NotAnAvifFails) {
  const Bytes text = {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e', '.', '.', '.', '.'};
  EXPECT_FALSE(avif_decoder().probe(text, {}).ok());
}

// Each call keeps its own libavif decoder and diagnostics: a failing input never leaks its error into a
// concurrent good one.
TEST(AvifDecode, ConcurrentCallsKeepTheirOwnResults) {
  Bytes damaged = still();
  damaged[payload_start(damaged)] ^= 0xFF;
  constexpr int kThreads = 4;
  constexpr int kRounds = 20;
  std::vector<int> wrong(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const bool good = t % 2 == 0;
      for (int round = 0; round < kRounds; ++round) {
        const DecodeStatus status = probe_and_decode(good ? still() : damaged);
        if (status.ok() != good || (!good && status.failure().detail != "corrupt_data")) ++wrong[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(wrong, ::testing::Each(0));
}

}  // namespace
}  // namespace preflight
