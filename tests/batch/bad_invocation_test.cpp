// Invocations `preflight check` cannot run: exit status 2 and a message naming the problem, before any
// output — nothing on stdout, no run folder created, an existing one left as it was.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/batch/batch_support.h"
#include "tests/fetch/test_server.h"
#include "tests/support/jsonl.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;
using namespace preflight::testing;
using namespace std::chrono_literals;

class BatchBadInvocation : public ::testing::Test {
 protected:
  BatchBadInvocation() {
    dir_.write("in/a.txt", "some text that is long enough to be checked");
    list_ = dir_.write("urls.txt", server_.url("/photo") + "\n").string();
  }

  // Runs `preflight check ARGS...` and checks it is refused with a message containing `message`.
  void expect_refused(const std::vector<std::string>& args, const std::string& message) const {
    const CommandResult result = run_command(check_command(server_, args));
    EXPECT_EQ(result.exit_status, 2) << result.err;
    EXPECT_NE(result.err.find(message), std::string::npos) << "stderr: " << result.err;
    EXPECT_EQ(result.out, "");
  }

  std::string in() const { return (dir_.path() / "in").string(); }

  // Every file of a folder and its content, to show a refused run changed nothing.
  static std::map<std::string, std::string> snapshot(const fs::path& folder) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::directory_iterator(folder))
      files[entry.path().filename()] = read_text(entry.path());
    return files;
  }

  const TestServer server_{default_url_cap()};
  const TempDir dir_;
  std::string list_;
};

TEST_F(BatchBadInvocation, MissingInputPathIsRefusedBeforeTheRunFolderIsMade) {
  const fs::path out = dir_.path() / "out";
  const std::string missing = (dir_.path() / "no-such-folder").string();
  expect_refused({in(), missing, "--out", out.string()}, missing + ": no such file");
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(BatchBadInvocation, MissingUrlListIsRefused) {
  const fs::path out = dir_.path() / "out";
  const std::string missing = (dir_.path() / "no-such-list.txt").string();
  expect_refused({"--urls", missing, "--out", out.string()}, "--urls " + missing);
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(BatchBadInvocation, OutUnderARegularFileIsRefused) {
  const fs::path file = dir_.write("a-file", "not a folder");
  expect_refused({in(), "--out", (file / "run").string()}, (file / "run").string());
}

TEST_F(BatchBadInvocation, ResumeWithoutOutIsRefused) {
  expect_refused({in(), "--resume"}, "--resume needs --out");
}

TEST_F(BatchBadInvocation, ShardBeyondItsCountIsRefused) {
  const fs::path out = dir_.path() / "out";
  expect_refused({in(), "--shard", "4/3", "--out", out.string()}, "4/3");
  EXPECT_FALSE(fs::exists(out));
  expect_refused({in(), "--shard", "0/3"}, "0/3");
}

class BatchBadInvocationOnARun : public BatchBadInvocation {
 protected:
  BatchBadInvocationOnARun() {
    const CommandResult first =
        run_command(check_command(server_, {in(), "--urls", list_, "--out", out_.string()}));
    EXPECT_EQ(first.exit_status, 1) << first.err;
    before_ = snapshot(out_);
  }
  void TearDown() override { EXPECT_EQ(snapshot(out_), before_) << "a refused run changed the run folder"; }

  const fs::path out_ = dir_.path() / "run";
  std::map<std::string, std::string> before_;
};

TEST_F(BatchBadInvocationOnARun, ExistingRunFolderWithoutResumeIsRefused) {
  expect_refused({in(), "--urls", list_, "--out", out_.string()}, "already holds a run");
}

TEST_F(BatchBadInvocationOnARun, ResumeWithAnotherProfileIsRefused) {
  expect_refused(
      {in(), "--urls", list_, "--out", out_.string(), "--resume", "--profile", "tencent-ims-strict"},
      "profile");
}

TEST_F(BatchBadInvocationOnARun, ResumeWithOtherInputsIsRefused) {
  expect_refused({"--urls", list_, "--out", out_.string(), "--resume"}, "--resume");
}

TEST_F(BatchBadInvocationOnARun, ResumeWithOtherBillingOptionsIsRefused) {
  expect_refused({in(), "--urls", list_, "--out", out_.string(), "--resume", "--units", "frame"}, "units");
  expect_refused({in(), "--urls", list_, "--out", out_.string(), "--resume", "--dedupe"}, "dedupe");
}

// The list file is the same path but no longer the same inputs: resuming would mix two batches.
TEST_F(BatchBadInvocationOnARun, ResumeAfterTheUrlListChangedIsRefused) {
  dir_.write("urls.txt", server_.url("/photo?another") + "\n");
  expect_refused({in(), "--urls", list_, "--out", out_.string(), "--resume"}, "inputs changed");
}

// A second process on a run folder that another is writing to is refused, not interleaved.
TEST_F(BatchBadInvocation, RunFolderInUseByAnotherRunIsRefused) {
  const std::string stalled = dir_.write("stall.txt", server_.url("/stall") + "\n").string();
  const fs::path out = dir_.path() / "busy";
  ChildProcess running(check_command(server_, {"--urls", stalled, "--out", out.string()}));
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!fs::exists(out / "run.json") && std::chrono::steady_clock::now() < deadline && !running.exited())
    std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(fs::exists(out / "run.json"));
  expect_refused({"--urls", stalled, "--out", out.string(), "--resume"}, "another preflight");
  running.signal(SIGTERM);
  EXPECT_EQ(running.wait().exit_status, 128 + SIGTERM);
}

}  // namespace
}  // namespace preflight
