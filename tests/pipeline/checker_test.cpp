// The Checker as an embedding program uses it: inline (base64) content, run options, error records.
#include "pipeline/checker.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

#include "tests/support/corpus_files.h"
#include "tests/support/raster_samples.h"

namespace preflight {
namespace {

using preflight::testing::corpus_dir;
using preflight::testing::read_file_bytes;

std::string base64(const std::vector<std::uint8_t>& bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes.data(),
                                     static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(length));
  return text;
}

const std::vector<std::uint8_t>& png() {
  static const auto bytes = read_file_bytes(corpus_dir() / "formats/png.png");
  return bytes;
}

TEST(CheckerInline, ValidBase64IsCheckedInInlineMode) {
  const Checker checker(load_profile("tencent-ims"));
  const Verdict verdict = checker.check_base64(base64(png()), CheckRequest{7, "upload"});
  EXPECT_EQ(verdict.outcome, Outcome::Accepted) << verdict.message.value_or("");
  EXPECT_EQ(verdict.mode, InputMode::Inline);
  EXPECT_EQ(verdict.seq, 7u);
  EXPECT_EQ(verdict.bytes, png().size());
  EXPECT_EQ(verdict.sha256, checker.check(png(), CheckRequest{}).sha256);
}

TEST(CheckerInline, UndecodableBase64IsR0) {
  const Checker checker(load_profile("tencent-ims"));
  for (const char* text : {"not base64!", "QUJD=", "QU\nJD"}) {
    const Verdict verdict = checker.check_base64(text, CheckRequest{});
    EXPECT_EQ(verdict.code, "InvalidParameterValue.InvalidContent") << text;
    EXPECT_EQ(verdict.reason, "invalid_base64") << text;
  }
}

TEST(CheckerInline, EmptyContentIsR1) {
  const Checker checker(load_profile("tencent-ims"));
  EXPECT_EQ(checker.check_base64("", CheckRequest{}).code, "InvalidParameterValue.EmptyImageContent");
}

TEST(CheckerInline, PaddingDoesNotChangeTheContent) {
  const Checker checker(load_profile("tencent-ims"));
  for (std::size_t trim = 1; trim <= 2; ++trim) {  // lengths that need one and two '=' of padding
    std::vector<std::uint8_t> bytes = png();
    bytes.resize(bytes.size() - trim);
    EXPECT_EQ(checker.check_base64(base64(bytes), CheckRequest{}).bytes, bytes.size());
  }
}

TEST(CheckerInline, OversizedBodyIsRequestSizeLimitExceededBeforeDecoding) {
  Profile profile = load_profile("tencent-ims");
  profile.max_inline_base64_bytes = 1000;
  const Checker checker(profile);
  const Verdict verdict = checker.check_base64(std::string(1004, 'A'), CheckRequest{});
  EXPECT_EQ(verdict.code, "RequestSizeLimitExceeded");
  EXPECT_NE(verdict.message->find("max_inline_base64_bytes"), std::string::npos) << *verdict.message;
}

TEST(CheckerSize, UrlModeFilesOverTheCapAreJudgedUnread) {
  const Checker checker(load_profile("tencent-ims-strict"));
  const auto verdict = checker.check_size(5u * 1024 * 1024 + 1, CheckRequest{3, "big.jpg"});
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->code, "InvalidParameterValue.InvalidFileContentSize");
  EXPECT_EQ(verdict->inline_ok, true);
  EXPECT_FALSE(checker.check_size(5u * 1024 * 1024, CheckRequest{}));
}

TEST(CheckerOptions, IntervalAndMaxFramesOverrideTheProfile) {
  const auto gif = read_file_bytes(corpus_dir() / "animated/gif_37frames.gif");
  const Checker every_third(load_profile("tencent-ims"), CheckOptions{3, 4, DecodeScope::Sampled});
  EXPECT_EQ(every_third.check(gif, CheckRequest{}).frames_sampled, (std::vector<std::uint32_t>{0, 3, 6, 9}));
  const Checker first_only(load_profile("tencent-ims"), CheckOptions{0, std::nullopt, DecodeScope::Sampled});
  EXPECT_EQ(first_only.check(gif, CheckRequest{}).frames_sampled, (std::vector<std::uint32_t>{0}));
  EXPECT_THROW(Checker(load_profile("tencent-ims"), CheckOptions{5, 0, DecodeScope::Sampled}),
               std::invalid_argument);
}

TEST(CheckerOptions, IntlProfileSamplesTheFirstFrameOnly) {
  const auto gif = read_file_bytes(corpus_dir() / "animated/gif_21frames.gif");
  const Verdict verdict = Checker(load_profile("tencent-ims-intl")).check(gif, CheckRequest{});
  EXPECT_EQ(verdict.frames_sampled, (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(verdict.frames_total, 21u);
}

TEST(CheckerOptions, DecodeAllStillReportsTheServiceSampling) {
  const auto gif = read_file_bytes(corpus_dir() / "animated/gif_21frames.gif");
  const Checker all(load_profile("tencent-ims"), CheckOptions{std::nullopt, std::nullopt, DecodeScope::All});
  const Verdict verdict = all.check(gif, CheckRequest{});
  EXPECT_EQ(verdict.outcome, Outcome::Accepted);
  EXPECT_EQ(verdict.frames_sampled, (std::vector<std::uint32_t>{0, 5, 10, 15, 20}));
}

TEST(CheckerOptions, DecodeAllCatchesDamageInAFrameTheServiceDoesNotSample) {
  test::Animation gif = test::encode_gif(300, 300, 6, 11);
  test::scramble_gif_frame_lzw(gif, 2);
  const Checker sampled(load_profile("tencent-ims"));
  const Checker all(load_profile("tencent-ims"), CheckOptions{std::nullopt, std::nullopt, DecodeScope::All});
  const Verdict service_view = sampled.check(gif.bytes, CheckRequest{});
  EXPECT_EQ(service_view.outcome, Outcome::Accepted) << service_view.reason.value_or("");  // frames 0, 5 only
  const Verdict strict_view = all.check(gif.bytes, CheckRequest{});
  EXPECT_EQ(strict_view.outcome, Outcome::Rejected);
  EXPECT_TRUE(strict_view.reason.value_or("").starts_with("decode_failed:frame_2:")) << *strict_view.reason;
}

TEST(CheckerOptions, ContentHashCanBeTurnedOffWithoutChangingTheVerdict) {
  const auto gif = read_file_bytes(corpus_dir() / "animated/gif_21frames.gif");
  const Verdict hashed = Checker(load_profile("tencent-ims")).check(gif, CheckRequest{});
  CheckOptions unhashed_options;
  unhashed_options.content_hash = false;
  const Verdict unhashed = Checker(load_profile("tencent-ims"), unhashed_options).check(gif, CheckRequest{});
  ASSERT_TRUE(hashed.sha256);
  EXPECT_EQ(hashed.sha256->size(), 64u);
  EXPECT_FALSE(unhashed.sha256);
  EXPECT_EQ(unhashed.outcome, hashed.outcome);
  EXPECT_EQ(unhashed.frames_sampled, hashed.frames_sampled);
}

TEST(CheckerRecord, RulesStopAtTheFirstFailureCheapestFirst) {
  const Checker checker(load_profile("tencent-ims"));
  const std::vector<std::uint8_t> tiny(10, 0xFF);
  const Verdict verdict = checker.check(tiny, CheckRequest{});
  EXPECT_EQ(verdict.reason, "data_too_small");
  EXPECT_FALSE(verdict.format);  // R5 never ran
  EXPECT_FALSE(verdict.sha256);
}

}  // namespace
}  // namespace preflight
