#include "decoders/gif_decoder.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "tests/support/raster_samples.h"

namespace preflight {
namespace {

using test::Animation;
using test::Bytes;

constexpr std::uint32_t kWidth = 96;
constexpr std::uint32_t kHeight = 64;

ImageHeader probed(const Bytes& gif, const DecodeLimits& limits = {}) {
  const auto header = gif_decoder().probe(gif, limits);
  EXPECT_TRUE(header.ok()) << header.failure().detail << ": " << header.failure().message;
  return header.ok() ? header.value() : ImageHeader{};
}

DecodeStatus decode(const Bytes& gif, std::vector<std::uint32_t> indices, const DecodeLimits& limits = {}) {
  return gif_decoder().decode_frames(gif, probed(gif, limits), indices, limits);
}

class GifFrameCounts : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(GifFrameCounts, ProbeCountsEveryFrameAndEveryFrameDecodes) {
  const std::uint32_t frames = GetParam();
  const Animation animation = test::encode_gif(kWidth, kHeight, frames, 5);
  const ImageHeader header = probed(animation.bytes);
  EXPECT_EQ(header.format, Format::Gif);
  EXPECT_EQ(header.width, kWidth);
  EXPECT_EQ(header.height, kHeight);
  EXPECT_EQ(header.frames_total, frames);
  EXPECT_FALSE(header.defect.has_value()) << *header.defect;
  for (const auto& indices : {test::sampled_frames(frames), test::all_frames(frames)}) {
    const DecodeStatus decoded = gif_decoder().decode_frames(animation.bytes, header, indices, {});
    EXPECT_TRUE(decoded.ok()) << decoded.failure().detail << ": " << decoded.failure().message;
  }
}

INSTANTIATE_TEST_SUITE_P(GifDecoder, GifFrameCounts, ::testing::Values(1u, 4u, 5u, 6u, 21u, 37u));

TEST(GifDecoder, FileCutAfterTheThirdFrameIsProbedWithADefect) {
  const Animation animation = test::encode_gif(kWidth, kHeight, 6, 5);
  const Bytes cut = test::prefix(animation.bytes, animation.frame_ends[2]);
  const ImageHeader header = probed(cut);
  EXPECT_EQ(header.width, kWidth);
  EXPECT_EQ(header.frames_total, 3u);
  EXPECT_EQ(header.defect, "truncated");
  EXPECT_TRUE(gif_decoder().decode_frames(cut, header, test::all_frames(3), {}).ok());
}

TEST(GifDecoder, FileCutInsideAFrameCountsThatFrameAndFlagsTheCut) {
  const Animation animation = test::encode_gif(kWidth, kHeight, 6, 5);
  const ImageHeader header =
      probed(test::prefix(animation.bytes, (animation.frame_starts[3] + animation.frame_ends[3]) / 2));
  EXPECT_EQ(header.frames_total, 4u);  // frames 0-2 whole, frame 3's descriptor read, its data cut
  EXPECT_EQ(header.defect, "truncated");
}

TEST(GifDecoder, MissingTrailerIsADefect) {
  const Animation animation = test::encode_gif(kWidth, kHeight, 6, 5);
  const ImageHeader header = probed(test::prefix(animation.bytes, animation.bytes.size() - 1));
  EXPECT_EQ(header.frames_total, 6u);
  EXPECT_EQ(header.defect, "truncated");
}

TEST(GifDecoder, ScreenDescriptorCutShortFailsTheProbe) {
  const Animation animation = test::encode_gif(kWidth, kHeight, 1, 5);
  const auto header = gif_decoder().probe(test::prefix(animation.bytes, 10), {});
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.failure().detail, "truncated");
}

TEST(GifDecoder, FileWithoutFramesIsADefect) {
  const ImageHeader header = probed(test::encode_gif(kWidth, kHeight, 0, 5).bytes);
  EXPECT_EQ(header.frames_total, 0u);
  EXPECT_EQ(header.defect, "no_frames");
}

// The probe skips LZW data unread, and decoding stops after the last requested frame.
TEST(GifDecoder, CorruptFrameIsFoundOnlyWhenItIsDecoded) {
  Animation animation = test::encode_gif(kWidth, kHeight, 6, 5);
  test::scramble_gif_frame_lzw(animation, 3);
  const ImageHeader header = probed(animation.bytes);
  EXPECT_EQ(header.frames_total, 6u);
  EXPECT_FALSE(header.defect.has_value());
  EXPECT_TRUE(decode(animation.bytes, {0}).ok());
  EXPECT_TRUE(decode(animation.bytes, {0, 5}).ok());
  const DecodeStatus decoded = decode(animation.bytes, {0, 3});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "frame_3:lzw_error");
  EXPECT_EQ(decoded.failure().message, "Image is defective, decoding aborted");
}

TEST(GifDecoder, CorruptStillFailsWithoutAFrameName) {
  Animation animation = test::encode_gif(kWidth, kHeight, 1, 5);
  test::scramble_gif_frame_lzw(animation, 0);
  const DecodeStatus decoded = decode(animation.bytes, {0});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "lzw_error");
}

// Decoding with the header probed from the whole file: the sampled frame's data ends early.
TEST(GifDecoder, ImageDataCutShortFailsTheDecode) {
  const Animation animation = test::encode_gif(kWidth, kHeight, 2, 5);
  const ImageHeader whole = probed(animation.bytes);
  const Bytes cut = test::prefix(animation.bytes, (animation.frame_starts[1] + animation.frame_ends[1]) / 2);
  const DecodeStatus decoded = gif_decoder().decode_frames(cut, whole, std::vector<std::uint32_t>{0, 1}, {});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "frame_1:truncated");
}

TEST(GifDecoder, FrameWithoutPixelsFailsTheDecode) {
  constexpr std::size_t kWidthOffset = 5;  // separator, left, top
  Animation animation = test::encode_gif(kWidth, kHeight, 1, 5);
  animation.bytes[animation.frame_starts[0] + kWidthOffset] = 0;
  animation.bytes[animation.frame_starts[0] + kWidthOffset + 1] = 0;
  const DecodeStatus decoded = decode(animation.bytes, {0});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "empty_frame");
}

TEST(GifDecoder, FramesBeyondMaxFramesAreADefect) {
  const ImageHeader header = probed(test::encode_gif(kWidth, kHeight, 6, 5).bytes, {.max_frames = 4});
  EXPECT_EQ(header.frames_total, 4u);
  EXPECT_EQ(header.defect, "too_many_frames");
}

TEST(GifDecoder, HundredThousandFramesAreCountedUpToTheLimit) {
  constexpr std::uint32_t kFrames = 100001;
  const Bytes gif = test::encode_gif(1, 1, kFrames, 5).bytes;
  const ImageHeader at_limit = probed(gif, {.max_frames = 100000});
  EXPECT_EQ(at_limit.frames_total, 100000u);
  EXPECT_EQ(at_limit.defect, "too_many_frames");
  const ImageHeader all = probed(gif, {.max_frames = kFrames});
  EXPECT_EQ(all.frames_total, kFrames);
  EXPECT_FALSE(all.defect.has_value());
}

TEST(GifDecoder, FrameBeyondTheLimitsFailsTheDecode) {
  const DecodeStatus decoded = decode(test::encode_gif(kWidth, kHeight, 1, 5).bytes, {0}, {.max_width = 50});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.failure().detail, "dimensions_exceed_limits");
  EXPECT_EQ(decoded.failure().message, "width 96 exceeds max_width 50");
}

TEST(GifDecoder, OtherContentIsNotAGif) {
  const Bytes png = test::encode_png(test::photo_raster(16, 16, 1));
  const auto header = gif_decoder().probe(png, {});
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.failure().detail, "not_gif");
}

}  // namespace
}  // namespace preflight
