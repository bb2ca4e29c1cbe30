#include "pipeline/run_folder.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "pipeline/billable_event.h"
#include "pipeline/verdict_json.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

using testing::TempDir;

const nlohmann::json kBatch = {{"paths", {"corpus"}}, {"profile", "tencent-ims"}, {"shard", "1/1"}};

std::string read_all(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

Verdict accepted(std::uint64_t seq) {
  Verdict verdict = new_verdict(seq, "in/" + std::to_string(seq) + ".png", InputMode::Url);
  verdict.outcome = Outcome::Accepted;
  verdict.code = "OK";
  verdict.sha256 = std::string(64, 'a');
  verdict.billable_units = 1;
  return verdict;
}

void append(RunFolder& folder, const Verdict& verdict) {
  folder.append(verdict_to_json_line(verdict), billable_event_lines(verdict, EventOptions{}, "t"));
}

std::vector<std::uint64_t> restored_seqs(RunFolder& folder) {
  std::vector<std::uint64_t> seqs;
  folder.recover([&](const Verdict& verdict) { seqs.push_back(verdict.seq); });
  return seqs;
}

TEST(RunFolder, NewRunWritesEventsThenRecordAndAManifest) {
  TempDir dir;
  const std::string out = (dir.path() / "run").string();
  {
    auto folder = RunFolder::open(out, kBatch, false);
    append(*folder, accepted(0));
    folder->finish({{"inputs", 1}}, true);
  }
  const std::string verdicts = read_all(out + "/verdicts.jsonl");
  EXPECT_EQ(std::count(verdicts.begin(), verdicts.end(), '\n'), 1);
  EXPECT_NE(read_all(out + "/events.jsonl").find("\"seq\":0"), std::string::npos);
  const nlohmann::json manifest = read_run_manifest(out);
  EXPECT_EQ(manifest["batch"], kBatch);
  EXPECT_TRUE(manifest["complete"].get<bool>());
  EXPECT_EQ(nlohmann::json::parse(read_all(out + "/summary.json"))["inputs"], 1);
}

TEST(RunFolder, RefusesAnExistingRunWithoutResumeAndAnotherBatchWithIt) {
  TempDir dir;
  const std::string out = (dir.path() / "run").string();
  RunFolder::open(out, kBatch, false);
  try {
    RunFolder::open(out, kBatch, false);
    FAIL() << "an existing run was overwritten";
  } catch (const RunFolderError& error) {
    EXPECT_NE(std::string(error.what()).find("--resume"), std::string::npos);
  }
  nlohmann::json other = kBatch;
  other["profile"] = "tencent-ims-strict";
  try {
    RunFolder::open(out, other, true);
    FAIL() << "a run was resumed with another profile";
  } catch (const RunFolderError& error) {
    EXPECT_NE(std::string(error.what()).find("profile"), std::string::npos) << error.what();
  }
}

TEST(RunFolder, SecondWriterIsLockedOut) {
  TempDir dir;
  const std::string out = (dir.path() / "run").string();
  const auto first = RunFolder::open(out, kBatch, false);
  EXPECT_THROW(RunFolder::open(out, kBatch, true), RunFolderError);
}

TEST(RunFolder, ResumeCutsATornRecordAndEventsOfUnrecordedInputs) {
  TempDir dir;
  const std::string out = (dir.path() / "run").string();
  {
    auto folder = RunFolder::open(out, kBatch, false);
    append(*folder, accepted(0));
    append(*folder, accepted(1));
  }
  {  // a crash after input 2's events, in the middle of its record
    std::ofstream events(out + "/events.jsonl", std::ios::app);
    events << billable_event_lines(accepted(2), EventOptions{}, "t").at(0) << "\n";
    std::ofstream verdicts(out + "/verdicts.jsonl", std::ios::app);
    verdicts << verdict_to_json_line(accepted(2)).substr(0, 40);
  }
  auto folder = RunFolder::open(out, kBatch, true);
  EXPECT_EQ(restored_seqs(*folder), (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(folder->recorded(), 2u);
  EXPECT_EQ(folder->last_recorded_input(), "in/1.png");
  append(*folder, accepted(2));
  const std::string verdicts = read_all(out + "/verdicts.jsonl");
  EXPECT_EQ(std::count(verdicts.begin(), verdicts.end(), '\n'), 3);
  EXPECT_EQ(verdicts.substr(verdicts.rfind('\n', verdicts.size() - 2) + 1),
            verdict_to_json_line(accepted(2)) + "\n");
  const std::string events = read_all(out + "/events.jsonl");
  EXPECT_EQ(std::count(events.begin(), events.end(), '\n'), 3);  // input 2's orphan event is gone
  EXPECT_FALSE(read_run_manifest(out)["complete"].get<bool>());
}

TEST(RunFolder, DamagedRecordNamesFileAndLine) {
  TempDir dir;
  const std::string out = (dir.path() / "run").string();
  { RunFolder::open(out, kBatch, false)->append("{\"seq\":\"zero\"}", {}); }
  auto folder = RunFolder::open(out, kBatch, true);
  try {
    restored_seqs(*folder);
    FAIL() << "a damaged record was accepted";
  } catch (const RunFolderError& error) {
    EXPECT_NE(std::string(error.what()).find("verdicts.jsonl:1"), std::string::npos) << error.what();
  }
}

TEST(RunFolder, UnwritableFolderIsAClearError) {
  TempDir dir;
  const auto file = dir.write("plain-file", "x");
  try {
    RunFolder::open((file / "run").string(), kBatch, false);
    FAIL() << "a folder was opened under a regular file";
  } catch (const RunFolderError& error) {
    EXPECT_NE(std::string(error.what()).find("plain-file"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace preflight
