// 10,000 mixed URL-list lines (good, 404, 500, oversized, flaky, redirect chains, a few slow ones, and lines
// that are no usable URL) through `preflight check --urls` against the fault-injecting server: exactly one
// record per input, in input order, each with the code and reason its kind must get, and exactly one
// billable event per accepted record.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/batch/batch_support.h"
#include "tests/fetch/test_server.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

using nlohmann::json;
using namespace preflight::testing;

constexpr std::size_t kInputs = 10000;
constexpr std::size_t kSlow = 10;  // each costs two 3 s attempts; kept together so they overlap
constexpr std::size_t kSlowAt = 5000;
constexpr std::size_t kExamplesPerKind = 3;
const std::regex kUtcTime("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");  // SPEC §7's example
const std::regex kEventId("[0-9a-f]{16,}");

bool has_warning(const json& record, const std::string& warning) {
  const json& warnings = record["warnings"];
  return std::find(warnings.begin(), warnings.end(), warning) != warnings.end();
}

// What is wrong with the record of input `seq`, or empty.
std::string mismatch(const json& record, std::size_t seq, UrlKind kind, const UrlList& list,
                     const std::string& photo_sha256) {
  const ExpectedRecord expected = expected_record(kind);
  std::string problems;
  auto check = [&](bool ok, const std::string& what) {
    if (!ok) problems += what + "; ";
  };
  check(record["seq"] == seq, "seq");
  check(record["mode"] == "url", "mode");
  check(record["verdict"] == expected.verdict, "verdict");
  check(record["code"] == expected.code, "code");
  check(expected.reason ? record["reason"] == *expected.reason : record["reason"].is_null(), "reason");
  check(has_warning(record, "redirected") == expected.redirected, "redirected warning");
  if (!list.inputs[seq].empty()) check(record["input"] == list.inputs[seq], "input");
  if (list.data_ids[seq]) check(record.value("data_id", json()) == *list.data_ids[seq], "data_id");
  if (expected.verdict == "accepted") {
    check(record["billable_units"] == 1, "billable_units");
    check(record["format"] == "png" && record["width"] == TestServer::kPhotoSide &&
              record["height"] == TestServer::kPhotoSide,
          "format or size");
    check(record["sha256"] == photo_sha256, "sha256");
    check(record["warnings"] == json::array({"low_resolution"}), "warnings");
  } else {
    check(record["billable_units"] == 0, "billable_units");
  }
  return problems;
}

// The request path of a URL on the server, for its hit count.
std::string server_path(const TestServer& server, const std::string& url) {
  return url.substr(server.url("").size());
}

TEST(BatchMixedUrls, TenThousandLinesGiveTenThousandRecordsInOrderWithTheRightCodesAndEvents) {
  const TestServer server(default_url_cap());
  const TempDir dir;
  const UrlList list =
      mixed_url_list(server, {.count = kInputs, .slow = kSlow, .slow_at = kSlowAt, .seed = 20261123});
  const auto list_path = dir.write("urls.txt", list.text);
  const auto out = dir.path() / "run";

  const auto start = std::chrono::steady_clock::now();
  const CommandResult result =
      run_command(check_command(server, {"--urls", list_path.string(), "--out", out.string()}));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ measure  ] %zu URLs: %.2f s (%.0f inputs/s), peak RSS %.1f MB\n", kInputs, seconds,
              kInputs / seconds, result.peak_rss_kb / 1024.0);
  EXPECT_EQ(result.exit_status, 1) << result.err;  // some inputs are rejected, none is a usage error
  EXPECT_EQ(result.out, "") << "with --out, stdout stays quiet";

  const RunFolderContent run = read_run_folder(out);
  ASSERT_EQ(run.verdicts.size(), kInputs) << result.err;

  // Every record, against what its kind must get; failures are grouped by kind with a few examples.
  const std::string photo_sha256 = sha256_of(server.photo());
  std::map<std::string, std::size_t> failures;
  std::string examples;
  std::vector<json> accepted;
  std::map<std::string, std::size_t> expected_by_code;
  for (std::size_t seq = 0; seq < kInputs; ++seq) {
    const json& record = run.verdicts[seq];
    const UrlKind kind = list.kinds[seq];
    ++expected_by_code[expected_record(kind).code];
    if (record["verdict"] == "accepted") accepted.push_back(record);
    const std::string problems = mismatch(record, seq, kind, list, photo_sha256);
    if (!problems.empty() && failures[kind_name(kind)]++ < kExamplesPerKind)
      examples += std::string(kind_name(kind)) + " input " + std::to_string(seq) + ": " + problems + "\n  " +
                  record.dump() + "\n";
  }
  EXPECT_TRUE(failures.empty()) << json(failures).dump() << "\n" << examples;

  // SPEC §5's retry rule, seen from the server: 5xx retried once, 4xx and an oversized body not at all.
  std::map<std::string, std::size_t> wrong_hits;
  for (std::size_t seq = 0; seq < kInputs; ++seq) {
    int expected_hits = 0;
    switch (list.kinds[seq]) {
      case UrlKind::kServerError:
      case UrlKind::kFlaky:
        expected_hits = 2;
        break;
      case UrlKind::kNotFound:
      case UrlKind::kOversized:
      case UrlKind::kGood:
        expected_hits = 1;
        break;
      default:
        continue;
    }
    if (server.hits(server_path(server, list.inputs[seq])) != expected_hits)
      ++wrong_hits[kind_name(list.kinds[seq])];
  }
  EXPECT_TRUE(wrong_hits.empty()) << "inputs requested the wrong number of times: "
                                  << json(wrong_hits).dump();

  // One event per accepted record, joined by data.seq, carrying that record's facts; ids unique because
  // every input is.
  ASSERT_EQ(run.events.size(), accepted.size());
  EXPECT_EQ(event_seqs(run.events), record_seqs(accepted));
  for (std::size_t i = 0; i < run.events.size(); ++i) {
    const json& event = run.events[i];
    const json& record = accepted[i];
    SCOPED_TRACE(event.dump());
    EXPECT_EQ(event["specversion"], "1.0");
    EXPECT_EQ(event["type"], "preflight.billable.v1");
    EXPECT_EQ(event["source"], "preflight");
    EXPECT_EQ(event["subject"], record["input"]);
    EXPECT_EQ(event["data"]["service"], "ims");
    EXPECT_EQ(event["data"]["units"], 1);
    EXPECT_EQ(event["data"]["sha256"], record["sha256"]);
    EXPECT_EQ(event["data"]["bytes"], record["bytes"]);
    EXPECT_EQ(event["data"]["profile"], "tencent-ims");
    EXPECT_TRUE(std::regex_match(event["time"].get<std::string>(), kUtcTime));
    EXPECT_TRUE(std::regex_match(event["id"].get<std::string>(), kEventId));
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_EQ(duplicate_event_ids(run.events), std::vector<std::string>());

  // The summary counts what the records say.
  ASSERT_TRUE(run.summary.is_object()) << "no summary.json";
  EXPECT_EQ(run.summary["inputs"], kInputs);
  EXPECT_EQ(run.summary["accepted"], accepted.size());
  EXPECT_EQ(run.summary["billable_units"], accepted.size());
  EXPECT_EQ(run.summary["by_code"], json(expected_by_code));
  EXPECT_EQ(run.manifest["complete"], true);
}

}  // namespace
}  // namespace preflight
