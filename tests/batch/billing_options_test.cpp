// What a batch bills (SPEC §7): --dedupe bills copied content once and points at the first copy (also
// across --resume), --units frame bills each sampled frame, and --services gives one event per service
// per accepted input, with ids that differ between services and stay the same between runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "tests/batch/batch_support.h"
#include "tests/fetch/test_server.h"
#include "tests/support/corpus_files.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace preflight::testing;

std::string corpus_file(const std::string& relative) {
  const auto bytes = read_file_bytes(corpus_dir() / relative);
  return std::string(bytes.begin(), bytes.end());
}

std::vector<std::string> warnings_of(const json& record) {
  return record["warnings"].get<std::vector<std::string>>();
}

bool has_duplicate_warning(const json& record) {
  const auto warnings = warnings_of(record);
  return std::any_of(warnings.begin(), warnings.end(),
                     [](const std::string& warning) { return warning.starts_with("duplicate_of"); });
}

class BatchDedupe : public ::testing::Test {
 protected:
  // Folder inputs, in walk order: 0 a.bmp, 1 b-copy.bmp (= a), 2 c.gif, 3 d-copy.bmp (= a); then URL
  // inputs 4 /photo?first and 5 /photo?second, the same bytes under two URLs.
  BatchDedupe() {
    const std::string bmp = corpus_file("formats/bmp_24bit.bmp");
    dir_.write("in/a.bmp", bmp);
    dir_.write("in/b-copy.bmp", bmp);
    dir_.write("in/c.gif", corpus_file("formats/gif_still.gif"));
    dir_.write("in/d-copy.bmp", bmp);
    list_ = dir_.write("urls.txt", server_.url("/photo?first") + "\n" + server_.url("/photo?second") + "\n");
  }

  std::vector<std::string> command(const fs::path& out, bool dedupe, bool resume = false) const {
    std::vector<std::string> args = {(dir_.path() / "in").string(), "--urls", list_.string()};
    if (dedupe) args.push_back("--dedupe");
    return run_folder_command(server_, args, out, resume);
  }

  const TestServer server_{default_url_cap()};
  const TempDir dir_;
  fs::path list_;
};

TEST_F(BatchDedupe, CopiedContentIsReportedAsADuplicateOfTheFirstAndNotBilled) {
  const fs::path out = dir_.path() / "deduped";
  const CommandResult result = run_command(command(out, true));
  EXPECT_EQ(result.exit_status, 0) << result.err;
  const RunFolderContent run = read_run_folder(out);
  ASSERT_EQ(run.verdicts.size(), 6u);
  for (const json& record : run.verdicts) EXPECT_EQ(record["verdict"], "accepted") << record;
  for (const auto& [seq, first] : std::vector<std::pair<int, int>>{{1, 0}, {3, 0}, {5, 4}}) {
    SCOPED_TRACE(run.verdicts[seq].dump());
    const auto warnings = warnings_of(run.verdicts[seq]);
    EXPECT_NE(std::find(warnings.begin(), warnings.end(), "duplicate_of:" + std::to_string(first)),
              warnings.end());
    EXPECT_EQ(run.verdicts[seq]["billable_units"], 0);
    EXPECT_EQ(run.verdicts[seq]["sha256"], run.verdicts[first]["sha256"]);
  }
  for (const int seq : {0, 2, 4}) {
    EXPECT_FALSE(has_duplicate_warning(run.verdicts[seq])) << run.verdicts[seq];
    EXPECT_EQ(run.verdicts[seq]["billable_units"], 1);
  }
  EXPECT_EQ(event_seqs(run.events), (std::vector<std::uint64_t>{0, 2, 4}));
  EXPECT_EQ(run.summary["billable_units"], 3);
}

TEST_F(BatchDedupe, WithoutDedupeEveryCopyIsBilled) {
  const fs::path out = dir_.path() / "plain";
  ASSERT_EQ(run_command(command(out, false)).exit_status, 0);
  const RunFolderContent run = read_run_folder(out);
  ASSERT_EQ(run.verdicts.size(), 6u);
  for (const json& record : run.verdicts) {
    EXPECT_FALSE(has_duplicate_warning(record)) << record;
    EXPECT_EQ(record["billable_units"], 1);
  }
  EXPECT_EQ(event_seqs(run.events), (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5}));
}

// A resumed run remembers the content its earlier part billed: the copy after the cut is still a duplicate.
TEST_F(BatchDedupe, ResumeRemembersWhatTheEarlierPartOfTheRunBilled) {
  const fs::path reference_dir = dir_.path() / "whole";
  ASSERT_EQ(run_command(command(reference_dir, true)).exit_status, 0);
  const RunFolderContent expected = read_run_folder(reference_dir);
  ASSERT_EQ(expected.verdicts.size(), 6u);

  const fs::path out = dir_.path() / "cut";
  fs::create_directories(out);
  json manifest = expected.manifest;
  manifest["complete"] = false;
  std::ofstream(out / "run.json") << manifest.dump(2) << "\n";
  {
    std::ofstream verdicts(out / "verdicts.jsonl"), events(out / "events.jsonl");
    for (int seq = 0; seq < 3; ++seq) verdicts << expected.verdicts[seq].dump() << "\n";
    for (const json& event : expected.events) {
      if (event["data"]["seq"] < 3) events << event.dump() << "\n";
    }
  }
  const CommandResult resumed = run_command(command(out, true, true));
  EXPECT_EQ(resumed.exit_status, 0) << resumed.err;
  const RunFolderContent after = read_run_folder(out);
  EXPECT_EQ(first_difference(comparable_verdicts(expected.verdicts), comparable_verdicts(after.verdicts)),
            "");
  EXPECT_EQ(first_difference(comparable_events(expected.events), comparable_events(after.events)), "");
  EXPECT_EQ(comparable_summary(after.summary), comparable_summary(expected.summary));
}

TEST(BatchBillingUnits, FrameUnitsBillEachSampledFrameOfAnAnimatedGif) {
  const TestServer server(default_url_cap());
  const TempDir dir;
  dir.write("in/animated.gif", corpus_file("animated/gif_37frames.gif"));
  dir.write("in/still.bmp", corpus_file("formats/bmp_24bit.bmp"));
  const std::string in = (dir.path() / "in").string();
  for (const char* units : {"frame", "image"}) {
    SCOPED_TRACE(std::string("--units ") + units);
    const fs::path out = dir.path() / units;
    const CommandResult result =
        run_command(check_command(server, {in, "--units", units, "--out", out.string()}));
    EXPECT_EQ(result.exit_status, 0) << result.err;
    const RunFolderContent run = read_run_folder(out);
    ASSERT_EQ(run.verdicts.size(), 2u);
    ASSERT_EQ(run.events.size(), 2u);
    const json& gif = run.verdicts[0];
    EXPECT_EQ(gif["frames_total"], 37);
    EXPECT_EQ(gif["frames_sampled"], json::array({0, 5, 10, 15, 20}));  // SPEC §4: every 5th, at most 5
    const int gif_units = std::string(units) == "frame" ? 5 : 1;
    EXPECT_EQ(gif["billable_units"], gif_units);
    EXPECT_EQ(run.events[0]["data"]["units"], gif_units);
    EXPECT_EQ(run.events[0]["data"]["frames_sampled"], 5);
    EXPECT_EQ(run.verdicts[1]["billable_units"], 1);
    EXPECT_EQ(run.events[1]["data"]["units"], 1);
    EXPECT_EQ(run.summary["billable_units"], gif_units + 1);
  }
}

TEST(BatchServices, EachServiceGetsItsOwnEventPerAcceptedInputWithItsOwnStableId) {
  const TestServer server(default_url_cap());
  const TempDir dir;
  dir.write("in/a.bmp", corpus_file("formats/bmp_24bit.bmp"));
  dir.write("in/b.txt", "this is text, not an image, so it is rejected");
  dir.write("in/c.gif", corpus_file("formats/gif_still.gif"));
  const std::string in = (dir.path() / "in").string();
  const fs::path both_dir = dir.path() / "both", ims_dir = dir.path() / "ims";
  EXPECT_EQ(run_command(check_command(server, {in, "--services", "ims,ims-aigc", "--out", both_dir.string()}))
                .exit_status,
            1);
  EXPECT_EQ(run_command(check_command(server, {in, "--out", ims_dir.string()})).exit_status, 1);
  const RunFolderContent both = read_run_folder(both_dir), ims = read_run_folder(ims_dir);

  ASSERT_EQ(both.events.size(), 4u);
  EXPECT_EQ(event_seqs(both.events), (std::vector<std::uint64_t>{0, 0, 2, 2}));
  std::set<std::string> ids;
  for (std::size_t i = 0; i < both.events.size(); ++i) {
    EXPECT_EQ(both.events[i]["data"]["service"], i % 2 == 0 ? "ims" : "ims-aigc");
    EXPECT_EQ(both.events[i]["data"]["units"], 1);
    ids.insert(both.events[i]["id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), 4u) << "ids must differ between services and inputs";

  ASSERT_EQ(ims.events.size(), 2u);
  EXPECT_EQ(ims.events[0]["id"], both.events[0]["id"]) << "ids are deterministic across runs";
  EXPECT_EQ(ims.events[1]["id"], both.events[2]["id"]);
}

}  // namespace
}  // namespace preflight
