// The per-input time limit: every decoder stops at a passed deadline, and the checker turns that (or a
// decode that finished late) into an error record with reason decode_timeout, never into a verdict.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "decoders/decoder.h"
#include "decoders/registry.h"
#include "decoders/sniff.h"
#include "pipeline/checker.h"
#include "tests/support/corpus_files.h"
#include "tests/support/raster_samples.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

using namespace std::chrono_literals;
using preflight::testing::corpus_dir;
using preflight::testing::read_file_bytes;

// One valid file per decoder: the still formats, and the animations whose decoders loop over frames.
const char* const kOneFilePerDecoder[] = {
    "formats/bmp_24bit.bmp",
    "formats/ico_3entries.ico",
    "formats/jpeg_baseline.jpg",
    "formats/jpeg_progressive.jpg",
    "formats/jng.jng",
    "formats/png.png",
    "formats/tiff_deflate.tif",
    "formats/raw_dng.dng",
    "formats/svg_sized.svg",
    "formats/gif_still.gif",
    "formats/webp_lossy.webp",
    "formats/heic_still.heic",
    "formats/avif_still.avif",
    "animated/gif_21frames.gif",
    "animated/webp_21frames.webp",
    "animated/heic_6images.heic",
    "animated/avif_sequence_4frames.avif",
};

class DecoderAtPassedDeadline : public ::testing::TestWithParam<const char*> {};

TEST_P(DecoderAtPassedDeadline, StopsWithTheTimeoutDetail) {
  const auto bytes = read_file_bytes(corpus_dir() / GetParam());
  const SniffResult sniffed = sniff(bytes);
  ASSERT_TRUE(sniffed.format) << GetParam();
  const Decoder& decoder = decoder_for(*sniffed.format);
  const auto probed = decoder.probe(bytes, DecodeLimits{});
  ASSERT_TRUE(probed.ok()) << probed.failure().detail;
  const std::vector<std::uint32_t> first_frame{probed.value().primary_frame};

  ASSERT_TRUE(decoder.decode_frames(bytes, probed.value(), first_frame, DecodeLimits{}).ok())
      << "without a deadline the file decodes";
  DecodeLimits passed;
  passed.deadline = Deadline::after(0s);
  const DecodeStatus stopped = decoder.decode_frames(bytes, probed.value(), first_frame, passed);
  ASSERT_FALSE(stopped.ok()) << GetParam() << " decoded although its deadline had passed";
  EXPECT_EQ(stopped.failure().detail, kTimeoutDetail) << stopped.failure().message;
}

INSTANTIATE_TEST_SUITE_P(EveryDecoder, DecoderAtPassedDeadline, ::testing::ValuesIn(kOneFilePerDecoder),
                         [](const auto& info) {
                           std::string name = std::filesystem::path(info.param).stem().string();
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST(Deadline, DefaultNeverExpiresAndAZeroBudgetHasExpired) {
  EXPECT_FALSE(Deadline{}.expired());
  EXPECT_TRUE(Deadline::after(0s).expired());
  EXPECT_FALSE(Deadline::after(1h).expired());
}

// About 25 MB of PNG pixels: far more than a millisecond of work on any machine, under any sanitizer.
const test::Bytes& large_png() {
  static const test::Bytes bytes = test::encode_png(test::photo_raster(3000, 3000, 7));
  return bytes;
}

TEST(CheckerDecodeTimeout, SlowInputBecomesAnErrorRecordThatKeepsWhatTheProbeLearned) {
  const Checker hurried(load_profile("tencent-ims"), CheckOptions{.decode_timeout = 1ms});
  const Verdict verdict = hurried.check(large_png(), CheckRequest{3, "big.png"});
  EXPECT_EQ(verdict.outcome, Outcome::Error);
  EXPECT_EQ(verdict.code, "Error");
  EXPECT_EQ(verdict.reason, "decode_timeout");
  EXPECT_NE(verdict.message.value_or("").find("1 ms"), std::string::npos) << verdict.message.value_or("");
  EXPECT_EQ(verdict.billable_units, 0u);
  EXPECT_EQ(verdict.seq, 3u);
  EXPECT_EQ(verdict.format, Format::Png);
  EXPECT_EQ(verdict.width, 3000u);
  EXPECT_EQ(verdict.height, 3000u);
}

TEST(CheckerDecodeTimeout, TheSameInputPassesUnderTheDefaultLimitAndWithNoLimit) {
  for (const auto limit : {kDefaultDecodeTimeout, std::chrono::milliseconds{0}}) {
    const Checker checker(load_profile("tencent-ims"), CheckOptions{.decode_timeout = limit});
    const Verdict verdict = checker.check(large_png(), CheckRequest{});
    EXPECT_EQ(verdict.outcome, Outcome::Accepted) << limit.count() << " ms: " << verdict.reason.value_or("");
  }
}

TEST(CheckerDecodeTimeout, DamageFoundBeforeTheDeadlineIsStillARejection) {
  const auto truncated = read_file_bytes(corpus_dir() / "damaged/truncated_png.png");
  const Checker checker(load_profile("tencent-ims"), CheckOptions{.decode_timeout = 10s});
  const Verdict verdict = checker.check(truncated, CheckRequest{});
  EXPECT_EQ(verdict.outcome, Outcome::Rejected);
  EXPECT_EQ(verdict.reason.value_or("").rfind("decode_failed", 0), 0u) << verdict.reason.value_or("");
}

TEST(CheckerDecodeTimeout, NegativeLimitIsRefused) {
  EXPECT_THROW(Checker(load_profile("tencent-ims"), CheckOptions{.decode_timeout = -1ms}),
               std::invalid_argument);
}

TEST(CheckCommandDecodeTimeout, OptionGivesTheRecordReasonAndBadValuesAreUsageErrors) {
  testing::TempDir dir;
  const auto path = dir.path() / "big.png";
  dir.write("big.png", std::string(large_png().begin(), large_png().end()));
  const auto timed_out = testing::run_command(
      {testing::preflight_binary(), "check", path.string(), "--decode-timeout", "0.001"});
  const auto record = nlohmann::json::parse(timed_out.out);
  EXPECT_EQ(record["verdict"], "error") << timed_out.out;
  EXPECT_EQ(record["reason"], "decode_timeout");
  EXPECT_EQ(record["width"], 3000);

  const auto unhurried =
      testing::run_command({testing::preflight_binary(), "check", path.string(), "--decode-timeout", "0"});
  EXPECT_EQ(nlohmann::json::parse(unhurried.out)["verdict"], "accepted") << unhurried.out;

  const auto negative =
      testing::run_command({testing::preflight_binary(), "check", path.string(), "--decode-timeout", "-1"});
  EXPECT_EQ(negative.exit_status, 2);
  EXPECT_NE(negative.err.find("--decode-timeout"), std::string::npos) << negative.err;
}

}  // namespace
}  // namespace preflight
