// SIGTERM or SIGINT in the middle of a batch (downloads stalled in flight): the run stops within a few
// seconds with a non-zero status, its folder holds a gap-free prefix of whole records and only their
// events, and --resume completes it exactly as an uninterrupted run.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/batch/batch_support.h"
#include "tests/fetch/test_server.h"
#include "tests/support/jsonl.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace preflight::testing;
using namespace std::chrono_literals;

constexpr std::size_t kUrls = 160;
constexpr std::size_t kFirstStall = 40;  // inputs before it are written at once; it holds the rest back
constexpr std::size_t kStalls = 30;
constexpr auto kStopLimit = 5s;  // "within a few seconds"
constexpr auto kRunLimit = 60s;

TEST(BatchStopSignal, TermOrIntMidRunLeavesAResumablePrefixThatResumeCompletes) {
  const TestServer server(default_url_cap());
  const TempDir dir;
  const UrlList list = mixed_url_list(
      server, {.count = kUrls, .slow = kStalls, .slow_at = kFirstStall, .seed = 15, .tag = "s"});
  const std::string list_path = dir.write("urls.txt", list.text).string();
  const auto command = [&](const fs::path& out, bool resume) {
    return run_folder_command(server, {"--urls", list_path}, out, resume);
  };

  // The uninterrupted run and the interrupted ones go at the same time: the stalls cost the same wait.
  const fs::path reference_dir = dir.path() / "uninterrupted";
  ChildProcess reference(command(reference_dir, false));
  const std::vector<int> signals = {SIGTERM, SIGINT};
  std::vector<fs::path> outs;
  std::vector<std::unique_ptr<ChildProcess>> runs;
  for (const int signal_number : signals) {
    outs.push_back(dir.path() / ("stopped-by-" + std::to_string(signal_number)));
    runs.push_back(std::make_unique<ChildProcess>(command(outs.back(), false)));
  }
  for (std::size_t i = 0; i < signals.size(); ++i) {
    SCOPED_TRACE("signal " + std::to_string(signals[i]));
    ASSERT_TRUE(wait_for_records(*runs[i], outs[i], kFirstStall, kRunLimit)) << "the run never got going";
    const auto sent = std::chrono::steady_clock::now();
    runs[i]->signal(signals[i]);
    const std::optional<CommandResult> stopped = runs[i]->wait_for(kRunLimit);
    ASSERT_TRUE(stopped.has_value());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
    std::printf("[ stop     ] signal %d: exit %d after %.2f s\n", signals[i], stopped->exit_status, seconds);
    EXPECT_LT(seconds, std::chrono::duration<double>(kStopLimit).count());
    EXPECT_EQ(stopped->exit_status, 128 + signals[i]) << stopped->err;
    EXPECT_NE(stopped->err.find("--resume"), std::string::npos) << stopped->err;
  }
  const std::optional<CommandResult> finished = reference.wait_for(kRunLimit);
  ASSERT_TRUE(finished.has_value());
  ASSERT_EQ(finished->exit_status, 1) << finished->err;
  const RunFolderContent expected = read_run_folder(reference_dir);
  ASSERT_EQ(expected.verdicts.size(), kUrls);

  for (std::size_t i = 0; i < signals.size(); ++i) {
    SCOPED_TRACE("signal " + std::to_string(signals[i]));
    // Whole lines only, seq 0..k-1, each the uninterrupted run's record; events only for those records.
    const std::string text = read_text(outs[i] / "verdicts.jsonl");
    ASSERT_TRUE(text.empty() || text.back() == '\n') << "torn last line";
    const std::vector<json> left = parse_jsonl(text);
    ASSERT_GE(left.size(), kFirstStall);
    ASSERT_LT(left.size(), kUrls) << "the stalled downloads were not in flight";
    for (std::size_t seq = 0; seq < left.size(); ++seq) ASSERT_EQ(left[seq]["seq"], seq);
    const auto expected_prefix = std::vector<json>(
        expected.verdicts.begin(), expected.verdicts.begin() + static_cast<long>(left.size()));
    EXPECT_EQ(first_difference(comparable_verdicts(expected_prefix), comparable_verdicts(left)), "");
    const std::string events_text = read_text(outs[i] / "events.jsonl");
    ASSERT_TRUE(events_text.empty() || events_text.back() == '\n') << "torn last event";
    std::vector<json> expected_events;
    for (const json& event : expected.events) {
      if (event["data"]["seq"] < left.size()) expected_events.push_back(event);
    }
    EXPECT_EQ(
        first_difference(comparable_events(expected_events), comparable_events(parse_jsonl(events_text))),
        "");
    const RunFolderContent stopped = read_run_folder(outs[i]);
    EXPECT_EQ(stopped.manifest["complete"], false);
    EXPECT_EQ(stopped.summary["inputs"], left.size());
  }

  std::vector<std::unique_ptr<ChildProcess>> resumes;
  for (const fs::path& out : outs) resumes.push_back(std::make_unique<ChildProcess>(command(out, true)));
  for (std::size_t i = 0; i < signals.size(); ++i) {
    SCOPED_TRACE("signal " + std::to_string(signals[i]));
    const std::optional<CommandResult> resumed = resumes[i]->wait_for(kRunLimit);
    ASSERT_TRUE(resumed.has_value());
    EXPECT_EQ(resumed->exit_status, 1) << resumed->err;
    const RunFolderContent after = read_run_folder(outs[i]);
    expect_same_finished_run(expected, after);
  }
}

}  // namespace
}  // namespace preflight
