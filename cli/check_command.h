#pragma once

#include <CLI/CLI.hpp>

namespace preflight::cli {

// Registers `preflight check` on `app`; `run` is set to the function that executes it and returns the
// process exit status.
void add_check_command(CLI::App& app, std::function<int()>& run);

}  // namespace preflight::cli
