#include "cli/merge_command.h"

#include <cstdio>
#include <memory>

#include "pipeline/run_merge.h"

namespace preflight::cli {
namespace {

constexpr int kExitOperational = 2;

struct MergeArgs {
  std::vector<std::string> shard_dirs;
  std::string out;
};

int run_merge(const MergeArgs& args) {
  try {
    const Summary summary = merge_runs(args.shard_dirs, args.out);
    std::fprintf(stderr, "preflight merge: %zu shards into %s: %llu records\n", args.shard_dirs.size(),
                 args.out.c_str(), static_cast<unsigned long long>(summary.inputs()));
    return summary.exit_status();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "preflight merge: %s\n", error.what());
    return kExitOperational;
  }
}

}  // namespace

void add_merge_command(CLI::App& app, std::function<int()>& run) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* merge = app.add_subcommand("merge", "Combine the run folders of a sharded batch (--shard K/N)");
  merge->add_option("dirs", args->shard_dirs, "The run folder of every shard")->required();
  merge->add_option("--out", args->out, "The merged run folder (must not hold a run)")->required();
  merge->callback([&run, args] { run = [args] { return run_merge(*args); }; });
}

}  // namespace preflight::cli
