// `preflight merge`: the run folders of `--shard 1/3`, `2/3` and `3/3` combine into one equal to the
// unsharded run (records, events, summary), with --dedupe settled over the whole batch; incomplete or
// missing shards are refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/batch/batch_support.h"
#include "tests/fetch/test_server.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;
using namespace preflight::testing;

constexpr int kShards = 3;

class BatchMerge : public ::testing::Test {
 protected:
  // Runs the batch whole into `whole` and as kShards shards into shard-1..3; `extra` goes to every run.
  void run_whole_and_shards(const std::string& list_text, const std::vector<std::string>& extra) {
    const std::string list = dir_.write("urls.txt", list_text).string();
    const auto run = [&](const fs::path& out, const std::string& shard) {
      std::vector<std::string> args = {source_dir() + "/corpus/formats", "--urls", list, "--out",
                                       out.string()};
      args.insert(args.end(), extra.begin(), extra.end());
      if (!shard.empty()) args.insert(args.end(), {"--shard", shard});
      const CommandResult result = run_command(check_command(server_, args));
      ASSERT_LE(result.exit_status, 1) << result.err;
    };
    run(dir_.path() / "whole", "");
    for (int k = 1; k <= kShards; ++k) run(shard_dir(k), std::to_string(k) + "/" + std::to_string(kShards));
  }
  fs::path shard_dir(int k) const { return dir_.path() / ("shard-" + std::to_string(k)); }
  CommandResult merge(const std::vector<int>& shards) const {
    std::vector<std::string> command = {preflight_binary(), "merge"};
    for (const int k : shards) command.push_back(shard_dir(k).string());
    command.insert(command.end(), {"--out", (dir_.path() / "merged").string()});
    return run_command(command);
  }

  const TestServer server_{default_url_cap()};
  const TempDir dir_;
};

TEST_F(BatchMerge, ThreeShardsMergeIntoTheUnshardedRun) {
  run_whole_and_shards(mixed_url_list(server_, {.count = 300, .seed = 5, .tag = "m"}).text, {});
  const CommandResult merged = merge({2, 3, 1});   // any order
  EXPECT_EQ(merged.exit_status, 1) << merged.err;  // the batch has rejections
  expect_same_finished_run(read_run_folder(dir_.path() / "whole"), read_run_folder(dir_.path() / "merged"));
}

TEST_F(BatchMerge, DedupeIsSettledOverTheWholeBatch) {
  std::string list;  // the same image under 12 URLs: each shard alone would bill its own first copy
  for (int i = 0; i < 12; ++i) list += server_.url("/photo?copy-" + std::to_string(i)) + "\n";
  run_whole_and_shards(list, {"--dedupe"});
  ASSERT_EQ(merge({1, 2, 3}).exit_status, 0);  // every input accepted
  const RunFolderContent whole = read_run_folder(dir_.path() / "whole");
  expect_same_finished_run(whole, read_run_folder(dir_.path() / "merged"));
  EXPECT_EQ(whole.summary["billed_images"], whole.summary["accepted"].get<int>() - 11);
}

TEST_F(BatchMerge, MissingOrIncompleteShardsAreRefused) {
  run_whole_and_shards(server_.url("/photo?a") + "\n", {});
  const CommandResult missing = merge({1, 3});
  EXPECT_EQ(missing.exit_status, 2);
  EXPECT_NE(missing.err.find("shards missing: 2/3"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "merged" / "verdicts.jsonl"));

  std::ofstream(shard_dir(2) / "run.json") << R"({"version":1,"complete":false,"batch":)"
                                           << read_run_folder(shard_dir(2)).manifest["batch"].dump() << "}";
  const CommandResult incomplete = merge({1, 2, 3});
  EXPECT_EQ(incomplete.exit_status, 2);
  EXPECT_NE(incomplete.err.find("not complete"), std::string::npos) << incomplete.err;
}

}  // namespace
}  // namespace preflight
