// `--shard K/N` over a mixed batch (the corpus folder and a URL list): three shard runs split the inputs
// by position without overlap or gap, and each shard's record is the unsharded run's record for that seq.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/batch/batch_support.h"
#include "tests/fetch/test_server.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace preflight::testing;

constexpr std::size_t kUrls = 900;
constexpr std::uint64_t kShards = 3;

TEST(BatchShard, ThreeShardsPartitionTheInputsByPositionAndMatchTheUnshardedRun) {
  const TestServer server(default_url_cap());
  const TempDir dir;
  const UrlList list = mixed_url_list(server, {.count = kUrls, .seed = 3, .tag = "h"});
  const std::string list_path = dir.write("urls.txt", list.text).string();
  const std::string corpus = source_dir() + "/corpus";
  const auto command = [&](const fs::path& out, const std::string& shard) {
    std::vector<std::string> args = {corpus, "--urls", list_path, "--out", out.string()};
    if (!shard.empty()) args.insert(args.end(), {"--shard", shard});
    return check_command(server, args);
  };

  const fs::path whole_dir = dir.path() / "whole";
  const CommandResult whole = run_command(command(whole_dir, ""));
  ASSERT_EQ(whole.exit_status, 1) << whole.err;
  const RunFolderContent expected = read_run_folder(whole_dir);
  const std::size_t inputs = expected.verdicts.size();
  ASSERT_GT(inputs, kUrls);

  std::vector<std::unique_ptr<ChildProcess>> runs;
  for (std::uint64_t k = 1; k <= kShards; ++k) {
    runs.push_back(std::make_unique<ChildProcess>(command(
        dir.path() / ("shard-" + std::to_string(k)), std::to_string(k) + "/" + std::to_string(kShards))));
  }
  std::map<std::uint64_t, int> shard_of_seq;  // seq → the shards that recorded it
  std::vector<json> shard_events;
  for (std::uint64_t k = 1; k <= kShards; ++k) {
    SCOPED_TRACE("shard " + std::to_string(k));
    const CommandResult result = runs[k - 1]->wait();
    EXPECT_EQ(result.exit_status, 1) << result.err;
    const RunFolderContent shard = read_run_folder(dir.path() / ("shard-" + std::to_string(k)));
    EXPECT_EQ(shard.manifest["batch"]["shard"], std::to_string(k) + "/" + std::to_string(kShards));
    EXPECT_EQ(shard.manifest["complete"], true);
    std::uint64_t previous = 0;
    for (const json& record : shard.verdicts) {
      const std::uint64_t seq = record["seq"];
      ASSERT_LT(seq, inputs);
      EXPECT_EQ(seq % kShards, k - 1) << record;
      if (&record != &shard.verdicts.front()) {
        EXPECT_GT(seq, previous) << "records out of input order";
      }
      previous = seq;
      ++shard_of_seq[seq];
      json actual = record, wanted = expected.verdicts[seq];
      actual.erase("timing_us");
      wanted.erase("timing_us");
      EXPECT_EQ(actual, wanted);
    }
    EXPECT_EQ(shard.verdicts.size(), inputs / kShards + (inputs % kShards >= k ? 1 : 0));
    EXPECT_EQ(shard.summary["inputs"], shard.verdicts.size());
    for (const json& event : shard.events) {
      EXPECT_EQ(event["data"]["seq"].get<std::uint64_t>() % kShards, k - 1) << event;
      shard_events.push_back(event);
    }
  }
  // Each seq in exactly one shard: together, the shards are the whole run, records and events.
  EXPECT_EQ(shard_of_seq.size(), inputs);
  for (const auto& [seq, shards] : shard_of_seq) EXPECT_EQ(shards, 1) << "seq " << seq;
  std::stable_sort(shard_events.begin(), shard_events.end(),
                   [](const json& a, const json& b) { return a["data"]["seq"] < b["data"]["seq"]; });
  EXPECT_EQ(first_difference(comparable_events(expected.events), comparable_events(shard_events)), "");
}

}  // namespace
}  // namespace preflight
