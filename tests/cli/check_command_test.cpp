#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using preflight::testing::preflight_binary;
using preflight::testing::run_command;
using preflight::testing::TempDir;

std::vector<json> records(const std::string& out) {
  std::vector<json> lines;
  std::istringstream stream(out);
  for (std::string line; std::getline(stream, line);) lines.push_back(json::parse(line));
  return lines;
}

json record_for(const std::vector<json>& lines, const std::string& input) {
  for (const json& line : lines) {
    if (line["input"] == input) return line;
  }
  ADD_FAILURE() << "no record for " << input;
  return json{};
}

TEST(CheckCommand, EveryInputGetsOneRecordInSortedOrderWithSeq) {
  TempDir dir;
  dir.write("b/two.txt", "not an image, but long enough");
  dir.write("a.txt", "tiny");
  dir.write("b/one.bin", std::string(64, '\x01'));
  dir.write("c/empty", "");
  const auto result = run_command({preflight_binary(), "check", dir.path().string()});
  EXPECT_EQ(result.exit_status, 1) << result.err;
  const auto lines = records(result.out);
  ASSERT_EQ(lines.size(), 4u) << result.out;
  const std::vector<std::string> expected = {"a.txt", "b/one.bin", "b/two.txt", "c/empty"};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["seq"], i);
    EXPECT_EQ(lines[i]["input"], (dir.path() / expected[i]).string());
    EXPECT_EQ(lines[i]["verdict"], "rejected");
  }
  EXPECT_EQ(lines[0]["code"], "InvalidParameter.ImageDataTooSmall");
  EXPECT_EQ(lines[1]["reason"], "unsupported_format:unknown");
  EXPECT_EQ(lines[2]["reason"], "unsupported_format:text");
  EXPECT_EQ(lines[3]["code"], "InvalidParameterValue.EmptyImageContent");
  EXPECT_NE(result.err.find("4 inputs"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("by code"), std::string::npos);
  EXPECT_NE(result.err.find("by format"), std::string::npos);
}

TEST(CheckCommand, SpecialFilesAndBrokenLinksAreErrorRecords) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir.path() / "fifo").c_str(), 0644), 0);
  fs::create_symlink(dir.path() / "missing", dir.path() / "broken");
  fs::create_symlink(dir.path() / "self", dir.path() / "self");
  fs::create_directory_symlink(dir.path(), dir.path() / "loop");
  const auto result = run_command({preflight_binary(), "check", dir.path().string()});
  EXPECT_EQ(result.exit_status, 1);
  const auto lines = records(result.out);
  ASSERT_EQ(lines.size(), 4u) << result.out;
  const json fifo = record_for(lines, (dir.path() / "fifo").string());
  EXPECT_EQ(fifo["verdict"], "error");
  EXPECT_EQ(fifo["reason"], "not_a_regular_file");
  EXPECT_NE(fifo["message"].get<std::string>().find("FIFO"), std::string::npos);
  EXPECT_EQ(record_for(lines, (dir.path() / "broken").string())["reason"], "unreadable");
  const json self = record_for(lines, (dir.path() / "self").string());
  EXPECT_NE(self["message"].get<std::string>().find("loop"), std::string::npos) << self;
  EXPECT_EQ(record_for(lines, (dir.path() / "loop").string())["reason"], "symlink_loop");
}

TEST(CheckCommand, PermissionDeniedFileAndFolderAreErrorRecords) {
  TempDir dir;
  dir.write("open/readable.txt", "some text that is long enough");
  const auto secret = dir.write("secret.bin", std::string(100, 'x'));
  dir.write("closed/hidden.png", "x");
  fs::permissions(secret, fs::perms::none);
  fs::permissions(dir.path() / "closed", fs::perms::none);
  std::vector<std::string> command = {preflight_binary(), "check", dir.path().string()};
  if (::geteuid() == 0) {  // root reads everything: run as nobody so permissions apply
    fs::permissions(dir.path(), fs::perms::others_read | fs::perms::others_exec, fs::perm_options::add);
    command.insert(command.begin(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  }
  const auto result = run_command(command);
  EXPECT_EQ(result.exit_status, 1) << result.err;
  const auto lines = records(result.out);
  ASSERT_EQ(lines.size(), 3u) << result.out << result.err;
  const json closed = record_for(lines, (dir.path() / "closed").string());
  EXPECT_EQ(closed["verdict"], "error");
  EXPECT_NE(closed["message"].get<std::string>().find("permission"), std::string::npos) << closed;
  const json unreadable = record_for(lines, secret.string());
  EXPECT_EQ(unreadable["verdict"], "error");
  EXPECT_NE(unreadable["message"].get<std::string>().find("Permission denied"), std::string::npos)
      << unreadable;
}

TEST(CheckCommand, UsageErrorsExitTwoBeforeAnyWork) {
  TempDir dir;
  dir.write("a.txt", "hello hello hello");
  const auto missing = run_command({preflight_binary(), "check", (dir.path() / "nope").string()});
  EXPECT_EQ(missing.exit_status, 2);
  EXPECT_NE(missing.err.find("no such file"), std::string::npos);
  EXPECT_TRUE(missing.out.empty());
  const auto bad_profile =
      run_command({preflight_binary(), "check", "--profile", "nope", dir.path().string()});
  EXPECT_EQ(bad_profile.exit_status, 2);
  EXPECT_NE(bad_profile.err.find("nope.json"), std::string::npos) << bad_profile.err;
  EXPECT_EQ(run_command({preflight_binary(), "check", "--decode", "some", dir.path().string()}).exit_status,
            2);
  EXPECT_EQ(run_command({preflight_binary(), "check", "--max-frames", "0", dir.path().string()}).exit_status,
            2);
  EXPECT_EQ(run_command({preflight_binary(), "frobnicate"}).exit_status, 2);
}

TEST(CheckCommand, ProfileFileWithABadFieldIsAUsageError) {
  TempDir dir;
  const auto profile = dir.write("p.json", R"({"name": "x", "min_bytes": "many"})");
  const auto result =
      run_command({preflight_binary(), "check", "--profile", profile.string(), profile.string()});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("\"min_bytes\""), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(profile.string()), std::string::npos) << result.err;
}

std::vector<json> without_timing(const std::string& out) {
  std::vector<json> lines = records(out);
  for (json& line : lines) line.erase("timing_us");
  return lines;
}

TEST(CheckCommand, RecordsAreTheSameInTheSameOrderWhateverTheThreadCount) {
  const std::string corpus = preflight::testing::source_dir() + "/corpus";
  const auto one = run_command({preflight_binary(), "check", "--threads", "1", corpus});
  const auto four = run_command({preflight_binary(), "check", "--threads", "4", corpus});
  EXPECT_EQ(one.exit_status, four.exit_status);
  const auto serial = without_timing(one.out), parallel = without_timing(four.out);
  ASSERT_GT(serial.size(), 90u);
  EXPECT_EQ(serial, parallel);
}

}  // namespace
}  // namespace preflight
