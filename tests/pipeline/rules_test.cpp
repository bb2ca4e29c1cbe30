#include "pipeline/rules.h"

#include <gtest/gtest.h>

#include "pipeline/profile.h"

namespace preflight {
namespace {

Profile shipped(const std::string& name) { return load_profile(name); }

ImageHeader header(std::uint32_t width, std::uint32_t height, Format format = Format::Png,
                   std::uint32_t frames = 1) {
  ImageHeader h;
  h.format = format;
  h.width = width;
  h.height = height;
  h.frames_total = frames;
  return h;
}

std::optional<Reason> byte_reason(std::uint64_t bytes, InputMode mode, const Profile& profile) {
  const auto rejection = check_byte_rules(bytes, mode, profile);
  return rejection ? std::optional(rejection->reason) : std::nullopt;
}

std::optional<Reason> dimension_reason(std::uint32_t w, std::uint32_t h, const Profile& profile) {
  const auto rejection = check_dimensions(header(w, h), profile);
  return rejection ? std::optional(rejection->reason) : std::nullopt;
}

constexpr std::uint64_t kMiB = 1024 * 1024;

TEST(ByteRules, EmptyIsR1InEveryMode) {
  EXPECT_EQ(byte_reason(0, InputMode::Url, shipped("tencent-ims")), Reason::EmptyContent);
  EXPECT_EQ(byte_reason(0, InputMode::Inline, shipped("tencent-ims")), Reason::EmptyContent);
}

TEST(ByteRules, MinimumSizeBothSidesPerProfile) {
  const Profile ims = shipped("tencent-ims"), strict = shipped("tencent-ims-strict");
  EXPECT_EQ(byte_reason(15, InputMode::Url, ims), Reason::DataTooSmall);
  EXPECT_EQ(byte_reason(16, InputMode::Url, ims), std::nullopt);
  EXPECT_EQ(byte_reason(255, InputMode::Url, strict), Reason::DataTooSmall);
  EXPECT_EQ(byte_reason(256, InputMode::Url, strict), std::nullopt);
}

TEST(ByteRules, UrlCapIsBelow30MiBOrAtMost5MiBStrict) {
  const Profile ims = shipped("tencent-ims"), strict = shipped("tencent-ims-strict");
  EXPECT_EQ(byte_reason(30 * kMiB - 1, InputMode::Url, ims), std::nullopt);
  EXPECT_EQ(byte_reason(30 * kMiB, InputMode::Url, ims), Reason::TooLarge);
  EXPECT_EQ(byte_reason(5 * kMiB, InputMode::Url, strict), std::nullopt);
  EXPECT_EQ(byte_reason(5 * kMiB + 1, InputMode::Url, strict), Reason::TooLarge);
  EXPECT_EQ(byte_reason(30 * kMiB, InputMode::Inline, ims), Reason::RequestTooLarge);  // R3 is URL only
}

TEST(ByteRules, InlineCapIsOnTheBase64Length) {
  const Profile ims = shipped("tencent-ims");
  // base64 of 7,864,319 bytes is 10,485,760 (not below the limit); one triple less fits.
  EXPECT_EQ(base64_length(7864320), 10485760u);
  EXPECT_EQ(byte_reason(7864320, InputMode::Inline, ims), Reason::RequestTooLarge);
  EXPECT_EQ(byte_reason(7864317, InputMode::Inline, ims), std::nullopt);
  EXPECT_TRUE(passes_inline_size(7864317, ims));
  EXPECT_FALSE(passes_inline_size(7864320, ims));
}

TEST(DimensionRules, MinimumBothSidesPerProfile) {
  const Profile ims = shipped("tencent-ims"), strict = shipped("tencent-ims-strict");
  EXPECT_EQ(dimension_reason(50, 300, ims), Reason::DimensionsTooSmall);
  EXPECT_EQ(dimension_reason(300, 50, ims), Reason::DimensionsTooSmall);
  EXPECT_EQ(dimension_reason(51, 51, ims), std::nullopt);
  EXPECT_EQ(dimension_reason(199, 300, strict), Reason::DimensionsTooSmall);
  EXPECT_EQ(dimension_reason(200, 200, strict), std::nullopt);
}

TEST(DimensionRules, MaximumIs9999) {
  const Profile ims = shipped("tencent-ims");
  EXPECT_EQ(dimension_reason(9999, 9999, ims), std::nullopt);
  EXPECT_EQ(dimension_reason(10000, 9999, ims), Reason::DimensionsTooLarge);
  EXPECT_EQ(dimension_reason(9999, 10000, ims), Reason::DimensionsTooLarge);
  EXPECT_EQ(dimension_reason(100000, 100000, ims), Reason::DimensionsTooLarge);
}

TEST(DimensionRules, AspectRatioMustStayBelow90) {
  const Profile ims = shipped("tencent-ims");
  EXPECT_EQ(dimension_reason(5399, 60, ims), std::nullopt);
  EXPECT_EQ(dimension_reason(5400, 60, ims), Reason::AspectRatioTooLarge);
  EXPECT_EQ(dimension_reason(60, 5400, ims), Reason::AspectRatioTooLarge);
  EXPECT_EQ(dimension_reason(9999, 112, ims), std::nullopt);                 // 89.3:1
  EXPECT_EQ(dimension_reason(9990, 111, ims), Reason::AspectRatioTooLarge);  // exactly 90:1
}

TEST(DimensionRules, TooSmallIsCheckedBeforeTooLarge) {
  EXPECT_EQ(dimension_reason(20000, 10, shipped("tencent-ims")), Reason::DimensionsTooSmall);
}

TEST(FormatRule, UnsupportedNameIsTheDetail) {
  const auto rejection = check_format(SniffResult{std::nullopt, "pdf"}, shipped("tencent-ims"));
  ASSERT_TRUE(rejection);
  EXPECT_EQ(rejection->reason_text(), "unsupported_format:pdf");
  EXPECT_EQ(reason_code(rejection->reason), "InvalidParameterValue.InvalidImageContent");
}

TEST(FormatRule, ProfileFormatListIsEnforced) {
  const Profile intl = shipped("tencent-ims-intl");
  EXPECT_FALSE(check_format(SniffResult{Format::Png, {}}, intl));
  const auto heic = check_format(SniffResult{Format::Heic, {}}, intl);
  ASSERT_TRUE(heic);
  EXPECT_EQ(heic->reason_text(), "unsupported_format:heic");
}

TEST(Warnings, LowResolutionBelow256OnEitherSide) {
  const Profile ims = shipped("tencent-ims");
  EXPECT_EQ(resolution_warning(header(255, 1000), ims), "low_resolution");
  EXPECT_EQ(resolution_warning(header(1000, 255), ims), "low_resolution");
  EXPECT_EQ(resolution_warning(header(256, 256), ims), std::nullopt);
}

TEST(Warnings, AvifSequenceIsCheckedOnItsFirstFrame) {
  EXPECT_EQ(format_warning(header(300, 300, Format::Avif, 6)), "animation_ignored");
  EXPECT_EQ(format_warning(header(300, 300, Format::Avif, 1)), std::nullopt);
  EXPECT_EQ(format_warning(header(300, 300, Format::Gif, 6)), std::nullopt);
}

TEST(ReasonTable, EveryRuleHasItsSpecCode) {
  EXPECT_EQ(reason_code(Reason::InvalidBase64), "InvalidParameterValue.InvalidContent");
  EXPECT_EQ(reason_code(Reason::EmptyContent), "InvalidParameterValue.EmptyImageContent");
  EXPECT_EQ(reason_code(Reason::DataTooSmall), "InvalidParameter.ImageDataTooSmall");
  EXPECT_EQ(reason_code(Reason::TooLarge), "InvalidParameterValue.InvalidFileContentSize");
  EXPECT_EQ(reason_code(Reason::RequestTooLarge), "RequestSizeLimitExceeded");
  EXPECT_EQ(reason_code(Reason::DimensionsTooSmall), "InvalidParameter.ImageSizeTooSmall");
  EXPECT_EQ(reason_code(Reason::DimensionsTooLarge), "InvalidParameterValue.InvalidImageContent");
  EXPECT_EQ(reason_code(Reason::AspectRatioTooLarge), "InvalidParameter.ImageAspectRatioTooLarge");
  EXPECT_EQ(reason_code(Reason::DecodeFailed), "InvalidParameterValue.InvalidImageContent");
}

}  // namespace
}  // namespace preflight
