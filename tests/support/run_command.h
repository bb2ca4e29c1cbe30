#pragma once

#include <string>
#include <vector>

namespace preflight::testing {

struct CommandResult {
  int exit_status = -1;
  std::string out;
  std::string err;
  long peak_rss_kb = 0;  // the child's maximum resident set size
};

// Runs `argv` (no shell), waits for it and returns its exit status, stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv);

// Path of the built `preflight` binary and of the source tree.
std::string preflight_binary();
std::string source_dir();

}  // namespace preflight::testing
