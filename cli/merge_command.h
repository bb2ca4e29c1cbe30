#pragma once

#include <CLI/CLI.hpp>

namespace preflight::cli {

// Registers `preflight merge DIR... --out DIR`; `run` is set to the function that executes it.
void add_merge_command(CLI::App& app, std::function<int()>& run);

}  // namespace preflight::cli
