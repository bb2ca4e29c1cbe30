#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace preflight::testing {

struct CommandResult {
  int exit_status = -1;  // the exit code, or 128 + the signal that ended the child
  std::string out;
  std::string err;
  long peak_rss_kb = 0;  // the child's maximum resident set size
};

// Runs `argv` (no shell), waits for it and returns its exit status, stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv);

// A child process started without waiting for it (no shell): its stdout and stderr are drained in the
// background so it never blocks on a full pipe. Killed (SIGKILL) and reaped on destruction if still running.
class ChildProcess final {
 public:
  // With `feed_stdin`, the child's standard input is what write_stdin() sends, until close_stdin();
  // otherwise it inherits ours.
  explicit ChildProcess(const std::vector<std::string>& argv, bool feed_stdin = false);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // False when the child no longer reads its input.
  bool write_stdin(std::string_view text) const;
  void close_stdin();
  void signal(int signal_number) const;
  // True once the child has exited (reaping it).
  bool exited();
  // Waits for the child to exit; its status, output and peak RSS.
  CommandResult wait();
  // As wait(), but gives up after `limit` (the child is then killed, and nullopt returned).
  std::optional<CommandResult> wait_for(std::chrono::milliseconds limit);

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  long peak_rss_kb_ = 0;
  std::string out_;
  std::string err_;
  std::thread drainer_;
};

// Path of the built `preflight` binary and of the source tree.
std::string preflight_binary();
std::string source_dir();

}  // namespace preflight::testing
