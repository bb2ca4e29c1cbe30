#include "pipeline/verdict_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "pipeline/checker.h"
#include "tests/support/corpus_files.h"

namespace preflight {
namespace {

using nlohmann::ordered_json;
using ::testing::HasSubstr;

std::string round_trip(const Verdict& verdict) {
  return verdict_to_json_line(verdict_from_json(verdict_to_json_line(verdict)));
}

Verdict full_verdict() {
  Verdict verdict = new_verdict(41, "https://cdn.example.com/a.gif", InputMode::Inline);
  verdict.data_id = "order-7@shop#1";
  verdict.outcome = Outcome::Rejected;
  verdict.code = "InvalidParameterValue.InvalidImageContent";
  verdict.reason = "decode_failed:truncated";
  verdict.message = "frame 10 is truncated";
  verdict.warnings = {"low_resolution", "redirected"};
  verdict.format = Format::Gif;
  verdict.width = 240;
  verdict.height = 180;
  verdict.frames_total = 37;
  verdict.frames_sampled = std::vector<std::uint32_t>{0, 5, 10};
  verdict.bytes = 183422;
  verdict.inline_ok = false;
  verdict.sha256 = std::string(64, 'a');
  verdict.billable_units = 3;
  verdict.timing.fetch_us = 41000;
  verdict.timing.probe_us = 12;
  verdict.timing.decode_us = 950;
  return verdict;
}

TEST(VerdictJson, EveryFieldReadsBack) {
  const Verdict verdict = verdict_from_json(verdict_to_json_line(full_verdict()));
  const Verdict want = full_verdict();
  EXPECT_EQ(verdict.seq, want.seq);
  EXPECT_EQ(verdict.input, want.input);
  EXPECT_EQ(verdict.data_id, want.data_id);
  EXPECT_EQ(verdict.mode, want.mode);
  EXPECT_EQ(verdict.outcome, want.outcome);
  EXPECT_EQ(verdict.code, want.code);
  EXPECT_EQ(verdict.reason, want.reason);
  EXPECT_EQ(verdict.message, want.message);
  EXPECT_EQ(verdict.warnings, want.warnings);
  EXPECT_EQ(verdict.format, want.format);
  EXPECT_EQ(verdict.width, want.width);
  EXPECT_EQ(verdict.height, want.height);
  EXPECT_EQ(verdict.frames_total, want.frames_total);
  EXPECT_EQ(verdict.frames_sampled, want.frames_sampled);
  EXPECT_EQ(verdict.bytes, want.bytes);
  EXPECT_EQ(verdict.inline_ok, want.inline_ok);
  EXPECT_EQ(verdict.sha256, want.sha256);
  EXPECT_EQ(verdict.billable_units, want.billable_units);
  EXPECT_EQ(verdict.timing.fetch_us, want.timing.fetch_us);
  EXPECT_EQ(verdict.timing.probe_us, want.timing.probe_us);
  EXPECT_EQ(verdict.timing.decode_us, want.timing.decode_us);
}

TEST(VerdictJson, DataIdFollowsInputOnlyWhenPresent) {
  Verdict verdict = new_verdict(0, "https://a.example/x.png", InputMode::Url);
  EXPECT_THAT(verdict_to_json_line(verdict),
              HasSubstr("\"input\":\"https://a.example/x.png\",\"mode\":\"url\""));
  verdict.data_id = "id-1";
  EXPECT_THAT(verdict_to_json_line(verdict),
              HasSubstr("\"input\":\"https://a.example/x.png\",\"data_id\":\"id-1\",\"mode\":\"url\""));
}

TEST(VerdictJson, EveryCorpusVerdictRoundTrips) {
  const Checker checker(load_profile("tencent-ims"));
  const auto files = preflight::testing::corpus_images();
  ASSERT_FALSE(files.empty());
  std::set<Outcome> outcomes;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto bytes = preflight::testing::read_file_bytes(files[i]);
    Verdict verdict = checker.check(bytes, CheckRequest{i, files[i].string(), InputMode::Url});
    if (i % 2 == 0) verdict.data_id = "corpus-" + std::to_string(i);
    outcomes.insert(verdict.outcome);
    const std::string line = verdict_to_json_line(verdict);
    EXPECT_EQ(round_trip(verdict), line) << files[i];
  }
  EXPECT_EQ(outcomes, (std::set<Outcome>{Outcome::Accepted, Outcome::Rejected}));  // both kinds covered
}

TEST(VerdictJson, ErrorRecordAndEmptyTimingRoundTrip) {
  const Verdict verdict = error_verdict(3, "/data/missing.png", "unreadable", "cannot open: No such file");
  EXPECT_EQ(round_trip(verdict), verdict_to_json_line(verdict));
  EXPECT_EQ(verdict_from_json(verdict_to_json_line(verdict)).outcome, Outcome::Error);
}

TEST(VerdictJson, InputThatIsNotUtf8ReadsBackAsWritten) {
  const Verdict verdict = new_verdict(0, "/data/caf\xe9.png", InputMode::Url);
  const std::string line = verdict_to_json_line(verdict);
  EXPECT_EQ(verdict_from_json(line).input, "/data/caf\xEF\xBF\xBD.png");
  EXPECT_EQ(round_trip(verdict), line);
}

struct Malformed {
  const char* name;
  std::function<void(ordered_json&)> change;
  const char* field;
};

std::ostream& operator<<(std::ostream& out, const Malformed& row) { return out << row.name; }

class VerdictJsonMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(VerdictJsonMalformed, NamesTheField) {
  ordered_json record = ordered_json::parse(verdict_to_json_line(full_verdict()));
  GetParam().change(record);
  try {
    verdict_from_json(record.dump());
    ADD_FAILURE() << "accepted " << record.dump();
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr(std::string("field \"") + GetParam().field + "\""));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fields, VerdictJsonMalformed,
    ::testing::Values(
        Malformed{"SeqMissing", [](ordered_json& r) { r.erase("seq"); }, "seq"},
        Malformed{"SeqNegative", [](ordered_json& r) { r["seq"] = -1; }, "seq"},
        Malformed{"SeqFraction", [](ordered_json& r) { r["seq"] = 1.5; }, "seq"},
        Malformed{"InputNumber", [](ordered_json& r) { r["input"] = 5; }, "input"},
        Malformed{"DataIdNull", [](ordered_json& r) { r["data_id"] = nullptr; }, "data_id"},
        Malformed{"ModeUnknown", [](ordered_json& r) { r["mode"] = "ftp"; }, "mode"},
        Malformed{"VerdictUnknown", [](ordered_json& r) { r["verdict"] = "maybe"; }, "verdict"},
        Malformed{"CodeMissing", [](ordered_json& r) { r.erase("code"); }, "code"},
        Malformed{"ReasonNumber", [](ordered_json& r) { r["reason"] = 3; }, "reason"},
        Malformed{"MessageBool", [](ordered_json& r) { r["message"] = false; }, "message"},
        Malformed{"WarningsString", [](ordered_json& r) { r["warnings"] = "low_resolution"; }, "warnings"},
        Malformed{"WarningsNumbers", [](ordered_json& r) { r["warnings"] = {1}; }, "warnings"},
        Malformed{"FormatUnknown", [](ordered_json& r) { r["format"] = "pdf"; }, "format"},
        Malformed{"WidthTooBig", [](ordered_json& r) { r["width"] = 4294967296ULL; }, "width"},
        Malformed{"HeightString", [](ordered_json& r) { r["height"] = "10"; }, "height"},
        Malformed{"FramesTotalMissing", [](ordered_json& r) { r.erase("frames_total"); }, "frames_total"},
        Malformed{"FramesSampledNegative",
                  [](ordered_json& r) {
                    r["frames_sampled"] = {0, -5};
                  },
                  "frames_sampled"},
        Malformed{"BytesBool", [](ordered_json& r) { r["bytes"] = true; }, "bytes"},
        Malformed{"InlineOkString", [](ordered_json& r) { r["inline_ok"] = "yes"; }, "inline_ok"},
        Malformed{"Sha256Array", [](ordered_json& r) { r["sha256"] = ordered_json::array(); }, "sha256"},
        Malformed{"BillableNegative", [](ordered_json& r) { r["billable_units"] = -1; }, "billable_units"},
        Malformed{"TimingNumber", [](ordered_json& r) { r["timing_us"] = 5; }, "timing_us"},
        Malformed{"ProbeMissing", [](ordered_json& r) { r["timing_us"].erase("probe"); }, "timing_us.probe"},
        Malformed{"FetchNegative", [](ordered_json& r) { r["timing_us"]["fetch"] = -3; }, "timing_us.fetch"},
        Malformed{"TimingUnknown", [](ordered_json& r) { r["timing_us"]["wait"] = 1; }, "timing_us.wait"},
        Malformed{"UnknownField", [](ordered_json& r) { r["colour"] = "red"; }, "colour"}),
    [](const auto& info) { return info.param.name; });

TEST(VerdictJson, LineThatIsNotARecordObjectIsRefused) {
  const std::string line = verdict_to_json_line(full_verdict());
  for (const std::string& bad :
       {std::string(), std::string("{"), line.substr(0, line.size() - 5), std::string("[1,2]"),
        std::string("null"), std::string(R"({"seq": 1e400})")}) {
    EXPECT_THROW(verdict_from_json(bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace preflight
