// The library API from many threads at once: every verdict equals the one computed alone.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "pipeline/checker.h"
#include "pipeline/verdict_json.h"
#include "tests/support/corpus_files.h"

namespace preflight {
namespace {

using nlohmann::json;

json without_timing(const Verdict& verdict) {
  json record = json::parse(verdict_to_json_line(verdict));
  record.erase("timing_us");
  return record;
}

TEST(CheckerConcurrency, EightThreadsGiveTheSameVerdictsAsOne) {
  // No wall-time limit: this test looks for shared state, and a limit makes verdicts depend on load (eight
  // threads on two sanitized cores take 4 s over the SVGZ bomb; the deadline has tests of its own).
  CheckOptions unlimited_time;
  unlimited_time.decode_timeout = std::chrono::milliseconds{0};
  const Checker checker(load_profile("tencent-ims"), unlimited_time);
  const auto files = preflight::testing::corpus_images();
  ASSERT_FALSE(files.empty());
  std::vector<std::vector<std::uint8_t>> contents;
  std::vector<json> alone;
  for (std::size_t i = 0; i < files.size(); ++i) {
    contents.push_back(preflight::testing::read_file_bytes(files[i]));
    alone.push_back(without_timing(checker.check(contents.back(), CheckRequest{i, files[i].string()})));
  }
  constexpr int kThreads = 8, kRounds = 3;
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        for (std::size_t k = 0; k < files.size(); ++k) {
          const std::size_t i = (k + static_cast<std::size_t>(t) * 7) % files.size();  // threads start apart
          const json verdict = without_timing(checker.check(contents[i], CheckRequest{i, files[i].string()}));
          if (verdict == alone[i]) continue;
          ++mismatches;
          // gtest records failures from any thread where pthreads exist: no lock needed
          ADD_FAILURE() << files[i] << ": alone " << alone[i].dump() << "\n  concurrent " << verdict.dump();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace preflight
