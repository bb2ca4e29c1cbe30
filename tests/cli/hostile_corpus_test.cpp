// corpus/hostile/, one `preflight check` process per file: every hostile input gets exactly one record
// (never an error or a timeout under a 2 s limit) and its peak memory stays under the per-input bound.
// The verdicts themselves are corpus/expected.jsonl's, checked by tests/corpus.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/corpus_files.h"
#include "tests/support/run_command.h"
#include "tests/support/sanitized_build.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;

// What one hostile input may cost the process (libraries included, about 30 MB of it): far below a
// single decoded 9999x9999 frame (400 MB) and the 2 GiB that DecodeLimits allows one decode.
constexpr long kPeakRssPerInputKb = 192 * 1024;

std::vector<fs::path> hostile_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(testing::corpus_dir() / "hostile")) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(HostileCorpus, EveryFileGetsOneRecordWithinTheTimeAndMemoryBounds) {
  const std::vector<fs::path> files = hostile_files();
  ASSERT_GE(files.size(), 60u) << "corpus/hostile is missing: run scripts/generate_corpus.py";
  const char* const time_limit = testing::kSanitizedBuild ? "30" : "2";  // ASan slows decoding manyfold
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    const auto result = testing::run_command(
        {testing::preflight_binary(), "check", file.string(), "--decode-timeout", time_limit});
    ASSERT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 1) << result.out << result.err;
    const auto record = nlohmann::json::parse(result.out);
    EXPECT_NE(record["verdict"], "error") << record.dump();
    EXPECT_TRUE(result.exit_status == 0 || result.exit_status == 1) << result.err;
    if (testing::kMemoryFiguresMeaningful) {
      EXPECT_LT(result.peak_rss_kb, kPeakRssPerInputKb);
    }
  }
}

}  // namespace
}  // namespace preflight
