// Memory stays flat whatever the batch size: a 1,000,000-line URL list (the small accepted /photo on the
// local server) runs in under 300 MB peak RSS. Long: disabled in the normal test run, registered in
// CMakeLists.txt as its own CTest test `batch_million_inputs` (label `long`), which CI runs.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/batch/batch_support.h"
#include "tests/fetch/test_server.h"
#include "tests/support/jsonl.h"
#include "tests/support/run_command.h"
#include "tests/support/sanitized_build.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;
using namespace preflight::testing;

constexpr std::uint64_t kInputs = 1'000'000;
constexpr long kPeakRssLimitKb = 300 * 1024;

TEST(BatchMillionInputs, DISABLED_OneMillionUrlsRunInUnder300MegabytesPeakRss) {
  const TestServer server(default_url_cap());
  const TempDir dir;
  const fs::path list = dir.path() / "urls.txt";
  {
    std::ofstream file(list);
    const std::string line = server.url("/photo") + "\n";
    for (std::uint64_t i = 0; i < kInputs; ++i) file << line;
  }
  const fs::path out = dir.path() / "run";
  const auto start = std::chrono::steady_clock::now();
  const CommandResult result =
      run_command(check_command(server, {"--urls", list.string(), "--out", out.string()}));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ measure  ] %llu URLs: %.1f s (%.0f inputs/s), peak RSS %.1f MB\n",
              static_cast<unsigned long long>(kInputs), seconds, kInputs / seconds,
              result.peak_rss_kb / 1024.0);
  EXPECT_EQ(result.exit_status, 0) << result.err;
  if (kMemoryFiguresMeaningful) {
    EXPECT_LT(result.peak_rss_kb, kPeakRssLimitKb);
  }
  EXPECT_EQ(LineCounter(out / "verdicts.jsonl").count(), kInputs);
  EXPECT_EQ(LineCounter(out / "events.jsonl").count(), kInputs);
  EXPECT_EQ(server.hits("/photo"), static_cast<int>(kInputs));
}

}  // namespace
}  // namespace preflight
