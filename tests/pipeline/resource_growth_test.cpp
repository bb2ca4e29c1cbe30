// An embedding service calls check() for as long as it runs: 100,000 inputs (every corpus file, valid,
// damaged, hostile and unsupported, round and round on two threads) must leave no file descriptor, thread
// or memory behind.
#include <dirent.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/checker.h"
#include "tests/support/corpus_files.h"
#include "tests/support/sanitized_build.h"

namespace preflight {
namespace {

// Under the sanitizers LeakSanitizer reports a single leaked allocation at exit, so fewer rounds prove as
// much; their quarantine and shadow memory make RSS meaningless, so the memory figure is not compared.
constexpr std::size_t kInputs = testing::kMemoryFiguresMeaningful ? 100'000 : 10'000;
constexpr std::size_t kWarmUpInputs = 2'000;   // codec caches, scratch buffers and pools reach full size
constexpr long kRssGrowthLimitKb = 24 * 1024;  // allocator noise; a leak of 250 bytes per input is 25 MB

struct ResourceUse {
  std::size_t open_fds = 0;
  long threads = 0;
  long rss_kb = 0;
};

long status_field(const std::string& name) {
  std::ifstream status("/proc/self/status");
  for (std::string key; status >> key;) {
    long value = 0;
    if (key == name + ":" && status >> value) return value;
    status.ignore(1 << 16, '\n');
  }
  return -1;
}

std::size_t open_fds() {
  std::size_t count = 0;
  DIR* dir = opendir("/proc/self/fd");
  while (const dirent* entry = readdir(dir)) count += entry->d_name[0] != '.';
  closedir(dir);
  return count - 1;  // the descriptor opendir itself holds
}

ResourceUse resource_use() { return {open_fds(), status_field("Threads"), status_field("VmRSS")}; }

// Checks inputs [first, last) of the endless round over `files` on two threads.
void check_round(const Checker& checker, const std::vector<std::vector<std::uint8_t>>& files,
                 std::size_t first, std::size_t last, std::atomic<std::size_t>& errors) {
  std::atomic<std::size_t> next{first};
  auto worker = [&] {
    for (std::size_t i = next++; i < last; i = next++) {
      const Verdict verdict = checker.check(files[i % files.size()], CheckRequest{i, "input"});
      if (verdict.outcome == Outcome::Error) ++errors;
    }
  };
  std::thread other(worker);
  worker();
  other.join();
}

// The hostile files that take a tenth of a second or more each (9999x9999 in-limit bombs, the SVGZ bomb)
// would make this test take ten minutes; the hostile-corpus test runs each of them.
bool slow_to_check(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  return name.starts_with("inlimit_") || name.starts_with("svgz_bomb");
}

TEST(ResourceGrowth, DISABLED_HundredThousandChecksLeaveNoDescriptorThreadOrMemoryBehind) {
  std::vector<std::vector<std::uint8_t>> files;
  for (const auto& path : testing::corpus_images()) {
    if (!slow_to_check(path)) files.push_back(testing::read_file_bytes(path));
  }
  ASSERT_GT(files.size(), 50u);
  const Checker checker(load_profile("tencent-ims"));
  std::atomic<std::size_t> errors{0};

  check_round(checker, files, 0, kWarmUpInputs, errors);
  const ResourceUse warm = resource_use();
  check_round(checker, files, kWarmUpInputs, kInputs, errors);
  const ResourceUse done = resource_use();

  EXPECT_EQ(errors.load(), 0u) << "no corpus file is an internal error or a timeout";
  EXPECT_EQ(done.open_fds, warm.open_fds);
  EXPECT_EQ(done.threads, warm.threads);
  if (testing::kMemoryFiguresMeaningful) {
    EXPECT_LT(done.rss_kb - warm.rss_kb, kRssGrowthLimitKb)
        << "RSS went from " << warm.rss_kb << " kB after " << kWarmUpInputs << " inputs to " << done.rss_kb
        << " kB after " << kInputs;
  }
  RecordProperty("rss_kb_after_warm_up", static_cast<int>(warm.rss_kb));
  RecordProperty("rss_kb_at_end", static_cast<int>(done.rss_kb));
}

}  // namespace
}  // namespace preflight
