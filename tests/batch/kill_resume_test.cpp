// kill -9 at random points of a mixed batch (the corpus folder and a URL list), then `--resume`: the run
// folder ends exactly as an uninterrupted run's — every record once, in order, the same events, no event
// id twice — apart from timings and event times.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <random>
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

constexpr std::size_t kUrls = 1500;
constexpr int kKills = 3;
constexpr auto kRunLimit = 60s;

TEST(BatchKillResume, KillNineAtThreeRandomPointsThenResumeEndsLikeAnUninterruptedRun) {
  const TestServer server(default_url_cap());
  const TempDir dir;
  UrlList list = mixed_url_list(server, {.count = kUrls, .seed = 4242, .tag = "k"});
  // The last input answers late, so every kill below lands before the run's end.
  list.text += server.url("/delay/1500") + "\n";
  const std::string list_path = dir.write("urls.txt", list.text).string();
  const std::string corpus = source_dir() + "/corpus";
  const auto command = [&](const fs::path& out, bool resume, std::vector<std::string> speed = {}) {
    speed.insert(speed.begin(), {corpus, "--urls", list_path});
    return run_folder_command(server, speed, out, resume);
  };

  const fs::path reference_dir = dir.path() / "uninterrupted";
  const CommandResult reference = run_command(command(reference_dir, false));
  ASSERT_EQ(reference.exit_status, 1) << reference.err;
  const RunFolderContent expected = read_run_folder(reference_dir);
  const std::size_t inputs = expected.verdicts.size();
  ASSERT_GT(inputs, kUrls + 90);  // the corpus and the list
  ASSERT_EQ(expected.manifest["complete"], true);

  // One kill in each third of the run, at a random record count; the seed is printed to replay a failure.
  const unsigned seed = std::random_device{}();
  std::printf("[ kill     ] random seed %u\n", seed);
  std::mt19937 random(seed);
  for (int kill = 0; kill < kKills; ++kill) {
    const std::uint64_t low = std::max<std::uint64_t>(1, inputs * kill / kKills);
    const std::uint64_t high = std::min<std::uint64_t>(inputs - 1, inputs * (kill + 1) / kKills);
    const std::uint64_t target = std::uniform_int_distribution<std::uint64_t>(low, high - 1)(random);
    SCOPED_TRACE("kill " + std::to_string(kill) + " after at least " + std::to_string(target) + " records");
    const fs::path out = dir.path() / ("killed-" + std::to_string(kill));
    {
      ChildProcess child(command(out, false));
      const bool reached = wait_for_records(child, out, target, kRunLimit);
      child.signal(SIGKILL);
      const CommandResult killed = child.wait();
      ASSERT_TRUE(reached) << killed.err;
      ASSERT_EQ(killed.exit_status, 128 + SIGKILL) << "the run ended before it could be killed\n"
                                                   << killed.err;
    }

    // What the kill left: whole records, the first ones of the uninterrupted run.
    const std::vector<json> left = read_complete_jsonl(out / "verdicts.jsonl");
    std::printf("[ kill     ] %d: killed after %zu of %zu records\n", kill, left.size(), inputs);
    ASSERT_GE(left.size(), target);
    ASSERT_LT(left.size(), inputs);
    const auto expected_prefix = std::vector<json>(
        expected.verdicts.begin(), expected.verdicts.begin() + static_cast<long>(left.size()));
    EXPECT_EQ(first_difference(comparable_verdicts(expected_prefix), comparable_verdicts(left)), "");

    // Threads and downloads in flight change only speed: the last resume may use others.
    const CommandResult resumed = run_command(
        command(out, true,
                kill == kKills - 1 ? std::vector<std::string>{"--threads", "1", "--in-flight", "7"}
                                   : std::vector<std::string>{}));
    EXPECT_EQ(resumed.exit_status, reference.exit_status) << resumed.err;
    const RunFolderContent after = read_run_folder(out);
    expect_same_finished_run(expected, after);
  }
}

}  // namespace
}  // namespace preflight
