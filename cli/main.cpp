#include <CLI/CLI.hpp>

#include <cstdio>
#include <functional>

#include "cli/bill_command.h"
#include "cli/check_command.h"
#include "cli/merge_command.h"

int main(int argc, char** argv) {
  CLI::App app{"preflight: check images before submitting them to a moderation service"};
  app.require_subcommand(1);
  std::function<int()> run;
  preflight::cli::add_check_command(app, run);
  preflight::cli::add_bill_command(app, run);
  preflight::cli::add_merge_command(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? 0 : 2;  // SPEC §10: usage errors exit 2
  }
  return run();
}
