#include "decoders/webp_decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "tests/support/raster_samples.h"

namespace preflight {
namespace {

using test::Animation;
using test::Bytes;
using test::WebpCodec;

constexpr std::uint32_t kWidth = 96;
constexpr std::uint32_t kHeight = 64;
constexpr std::size_t kAnmfHeaderBytes = 8 + 16;  // chunk header, frame position, size, duration and flags
constexpr std::size_t kImageChunkHeaderBytes = 8;

Bytes sample_still(WebpCodec codec) { return test::encode_webp(test::photo_raster(200, 150, 21), codec); }

ImageHeader probed(const Bytes& webp, const DecodeLimits& limits = {}) {
  const auto header = webp_decoder().probe(webp, limits);
  EXPECT_TRUE(header.ok()) << header.failure().detail << ": " << header.failure().message;
  return header.ok() ? header.value() : ImageHeader{};
}

DecodeStatus decode(const Bytes& webp, std::vector<std::uint32_t> indices, const DecodeLimits& limits = {}) {
  return webp_decoder().decode_frames(webp, probed(webp, limits), indices, limits);
}

// What the rules would report first after the size checks: a probe failure, a probe defect or a decode
// failure.
std::string first_finding(const Bytes& webp) {
  const auto header = webp_decoder().probe(webp, {});
  if (!header.ok()) return "probe:" + header.failure().detail;
  if (header.value().defect) return "defect:" + *header.value().defect;
  const DecodeStatus decoded =
      webp_decoder().decode_frames(webp, header.value(), std::vector<std::uint32_t>{0}, {});
  return decoded.ok() ? "ok" : "decode:" + decoded.failure().detail;
}

// Overwrites the middle half of `frame`'s image bitstream with 0xFF bytes.
void damage_bitstream(Animation& animation, std::size_t frame) {
  constexpr std::uint8_t kAllOnes = 0xFF;
  const std::size_t first = animation.frame_starts[frame] + kAnmfHeaderBytes + kImageChunkHeaderBytes;
  const std::size_t length = animation.frame_ends[frame] - first;
  std::fill_n(animation.bytes.begin() + static_cast<std::ptrdiff_t>(first + length / 4), length / 2,
              kAllOnes);
}

class WebpStills : public ::testing::TestWithParam<WebpCodec> {};

TEST_P(WebpStills, ProbeReportsTheSizeAndTheImageDecodes) {
  const Bytes webp = sample_still(GetParam());
  const ImageHeader header = probed(webp);
  EXPECT_EQ(header.format, Format::Webp);
  EXPECT_EQ(header.width, 200u);
  EXPECT_EQ(header.height, 150u);
  EXPECT_EQ(header.frames_total, 1u);
  EXPECT_FALSE(header.defect.has_value());
  const DecodeStatus decoded = webp_decoder().decode_frames(webp, header, std::vector<std::uint32_t>{0}, {});
  EXPECT_TRUE(decoded.ok()) << decoded.failure().detail;
}

TEST_P(WebpStills, FileCutShortIsNeverAccepted) {
  const Bytes webp = sample_still(GetParam());
  EXPECT_EQ(first_finding(test::prefix(webp, 20)), "probe:truncated");
  for (const std::size_t cut : {webp.size() / 2, webp.size() - 1}) {
    const std::string finding = first_finding(test::prefix(webp, cut));
    EXPECT_TRUE(finding == "defect:truncated" || finding == "decode:truncated")
        << "cut at " << cut << ": " << finding;
  }
}

INSTANTIATE_TEST_SUITE_P(WebpDecoder, WebpStills,
                         ::testing::Values(WebpCodec::lossy, WebpCodec::lossy_with_alpha,
                                           WebpCodec::lossless));

// Cuts the last quarter of a simple WebP's bitstream and fixes the chunk and RIFF sizes to match, so that
// only the decoder can tell the image is incomplete.
Bytes with_short_bitstream(Bytes webp) {
  constexpr std::size_t kRiffSizeOffset = 4;    // counts the bytes after itself
  constexpr std::size_t kChunkSizeOffset = 16;  // the VP8 or VP8L chunk right after "RIFF", size, "WEBP"
  const auto put_le32 = [&webp](std::size_t offset, std::size_t value) {
    for (std::size_t i = 0; i < 4; ++i) webp[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
  };
  const std::size_t payload_offset = kChunkSizeOffset + 4;
  webp.resize(payload_offset + ((webp.size() - payload_offset) * 3 / 4 & ~std::size_t{1}));
  put_le32(kRiffSizeOffset, webp.size() - (kRiffSizeOffset + 4));
  put_le32(kChunkSizeOffset, webp.size() - payload_offset);
  return webp;
}

// VP8 and VP8L carry no checksum: damage inside the entropy-coded data is noticed only when it makes the
// decoder run out of data or decode an impossible symbol, which the damages below do.
TEST(WebpDecoder, DamagedBitstreamsFailTheDecode) {
  for (const WebpCodec codec : {WebpCodec::lossy, WebpCodec::lossless}) {
    EXPECT_EQ(first_finding(with_short_bitstream(sample_still(codec))), "decode:corrupt_data");
  }
  Bytes lossless = sample_still(WebpCodec::lossless);
  std::fill(lossless.begin() + static_cast<std::ptrdiff_t>(lossless.size() / 4),
            lossless.begin() + static_cast<std::ptrdiff_t>(lossless.size() * 3 / 4), 0xFF);
  EXPECT_EQ(first_finding(lossless), "decode:corrupt_data");
}

class WebpFrameCounts : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(WebpFrameCounts, ProbeCountsEveryFrameAndEveryFrameDecodes) {
  const std::uint32_t frames = GetParam();
  const Animation animation = test::encode_animated_webp(kWidth, kHeight, frames, 9, WebpCodec::lossy);
  const ImageHeader header = probed(animation.bytes);
  EXPECT_EQ(header.width, kWidth);
  EXPECT_EQ(header.height, kHeight);
  EXPECT_EQ(header.frames_total, frames);
  EXPECT_FALSE(header.defect.has_value()) << *header.defect;
  for (const auto& indices : {test::sampled_frames(frames), test::all_frames(frames)}) {
    const DecodeStatus decoded = webp_decoder().decode_frames(animation.bytes, header, indices, {});
    EXPECT_TRUE(decoded.ok()) << decoded.failure().detail << ": " << decoded.failure().message;
  }
}

INSTANTIATE_TEST_SUITE_P(WebpDecoder, WebpFrameCounts, ::testing::Values(1u, 4u, 5u, 6u, 21u, 37u));

TEST(WebpDecoder, AnimationsOfEveryCodecDecode) {
  for (const WebpCodec codec : {WebpCodec::lossy_with_alpha, WebpCodec::lossless}) {
    const Animation animation = test::encode_animated_webp(kWidth, kHeight, 6, 9, codec);
    EXPECT_TRUE(decode(animation.bytes, test::all_frames(6)).ok());
  }
}

TEST(WebpDecoder, AnimationCutAfterTheThirdFrameIsProbedWithADefect) {
  const Animation animation = test::encode_animated_webp(kWidth, kHeight, 6, 9, WebpCodec::lossy);
  const Bytes cut = test::prefix(animation.bytes, animation.frame_ends[2]);
  const ImageHeader header = probed(cut);
  EXPECT_EQ(header.width, kWidth);
  EXPECT_EQ(header.frames_total, 3u);
  EXPECT_EQ(header.defect, "truncated");
  EXPECT_TRUE(webp_decoder().decode_frames(cut, header, test::all_frames(3), {}).ok());
}

TEST(WebpDecoder, AnimationCutInsideAFrameCountsOnlyTheFramesBeforeIt) {
  const Animation animation = test::encode_animated_webp(kWidth, kHeight, 6, 9, WebpCodec::lossy);
  const auto middle_of_fourth = (animation.frame_starts[3] + animation.frame_ends[3]) / 2;
  const ImageHeader header = probed(test::prefix(animation.bytes, middle_of_fourth));
  EXPECT_EQ(header.frames_total, 3u);
  EXPECT_EQ(header.defect, "truncated");
}

// Each frame's bitstream is decoded on its own, so a damaged frame 3 matters only when it is sampled.
TEST(WebpDecoder, CorruptFrameIsFoundOnlyWhenItIsDecoded) {
  Animation animation = test::encode_animated_webp(kWidth, kHeight, 6, 9, WebpCodec::lossless);
  damage_bitstream(animation, 3);
  const ImageHeader header = probed(animation.bytes);
  EXPECT_EQ(header.frames_total, 6u);
  EXPECT_FALSE(header.defect.has_value());
  EXPECT_TRUE(decode(animation.bytes, {0}).ok());
  EXPECT_TRUE(decode(animation.bytes, {0, 5}).ok());
  const DecodeStatus decoded = decode(animation.bytes, {0, 3});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "frame_3:corrupt_data");
  EXPECT_EQ(decoded.failure().message, "libwebp: VP8_STATUS_BITSTREAM_ERROR");
}

TEST(WebpDecoder, FramesBeyondMaxFramesAreADefect) {
  const Animation animation = test::encode_animated_webp(kWidth, kHeight, 6, 9, WebpCodec::lossy);
  const ImageHeader header = probed(animation.bytes, {.max_frames = 4});
  EXPECT_EQ(header.frames_total, 4u);
  EXPECT_EQ(header.defect, "too_many_frames");
}

TEST(WebpDecoder, FrameBeyondTheLimitsFailsTheDecode) {
  const DecodeStatus decoded = decode(sample_still(WebpCodec::lossy), {0}, {.max_height = 100});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "dimensions_exceed_limits");
  EXPECT_EQ(decoded.failure().message, "height 150 exceeds max_height 100");
}

TEST(WebpDecoder, OtherContentFailsTheProbe) {
  EXPECT_FALSE(webp_decoder().probe(test::encode_gif(16, 16, 1, 1).bytes, {}).ok());
}

}  // namespace
}  // namespace preflight
