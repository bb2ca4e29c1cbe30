#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace preflight::cli {

// Registers `preflight bill` on `app`; `run` is set to the function that executes it and returns the
// process exit status: 0 invoice printed; 1 invoice printed but some input was not priced (malformed lines
// skipped with --skip-bad, events before the account's activation); 2 error, no invoice.
void add_bill_command(CLI::App& app, std::function<int()>& run);

}  // namespace preflight::cli
