// corpus/expected.jsonl holds the verdict each generated file must get under each shipped profile, written
// by scripts/generate_corpus.py from what it generated. The checker and the CLI must reproduce it.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "pipeline/checker.h"
#include "pipeline/verdict_json.h"
#include "tests/support/corpus_files.h"
#include "tests/support/run_command.h"

namespace preflight {
namespace {

using nlohmann::json;
using preflight::testing::corpus_dir;

std::vector<json> expectations() {
  std::ifstream in(corpus_dir() / "expected.jsonl");
  std::vector<json> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(json::parse(line));
  }
  return lines;
}

// decode_failed details are the decoder's own words: the expectation names only the reason word.
bool reason_matches(const json& expected, const json& actual) {
  if (expected.is_null() || actual.is_null()) return expected == actual;
  const std::string want = expected.get<std::string>(), got = actual.get<std::string>();
  return want == "decode_failed" ? got.starts_with("decode_failed:") : want == got;
}

// Compares the fields the expectation names; returns a description of each difference.
std::string differences(const json& expected, const json& record) {
  std::string diff;
  for (const char* field :
       {"verdict", "code", "format", "width", "height", "frames_total", "frames_sampled", "warnings"}) {
    if (expected.contains(field) && expected[field] != record[field]) {
      diff += std::string(" ") + field + ": expected " + expected[field].dump() + ", got " +
              record[field].dump() + ";";
    }
  }
  if (!reason_matches(expected["reason"], record["reason"])) {
    diff += " reason: expected " + expected["reason"].dump() + ", got " + record["reason"].dump() + ";";
  }
  return diff;
}

TEST(CorpusExpectations, CheckerReproducesEveryExpectedVerdict) {
  const auto lines = expectations();
  ASSERT_GT(lines.size(), 50u) << "corpus/expected.jsonl missing or short: run scripts/generate_corpus.py";
  std::map<std::string, Checker> checkers;
  for (const json& expected : lines) {
    const std::string profile = expected["profile"];
    if (!checkers.contains(profile)) checkers.emplace(profile, Checker(load_profile(profile)));
    const std::string file = expected["file"];
    const auto bytes = preflight::testing::read_file_bytes(corpus_dir() / file);
    const json record =
        json::parse(verdict_to_json_line(checkers.at(profile).check(bytes, CheckRequest{0, file})));
    const std::string diff = differences(expected, record);
    EXPECT_TRUE(diff.empty()) << file << " under " << profile << ":" << diff
                              << " message: " << record.value("message", "");
  }
}

TEST(CorpusExpectations, CliOverTheCorpusFolderGivesTheDefaultProfileVerdicts) {
  std::map<std::string, json> expected_by_input;
  for (const json& expected : expectations()) {
    if (expected["profile"] == "tencent-ims")
      expected_by_input[(corpus_dir() / expected["file"].get<std::string>()).string()] = expected;
  }
  const auto result = preflight::testing::run_command(
      {preflight::testing::preflight_binary(), "check", corpus_dir().string()});
  EXPECT_EQ(result.exit_status, 1) << "the corpus holds rejected files on purpose";
  std::istringstream out(result.out);
  std::size_t seen = 0;
  for (std::string line; std::getline(out, line); ++seen) {
    const json record = json::parse(line);
    EXPECT_EQ(record["seq"], seen);
    const auto it = expected_by_input.find(record["input"]);
    ASSERT_NE(it, expected_by_input.end()) << "no expectation for " << record["input"];
    EXPECT_EQ(differences(it->second, record), "") << record["input"];
  }
  EXPECT_EQ(seen, expected_by_input.size());
}

}  // namespace
}  // namespace preflight
