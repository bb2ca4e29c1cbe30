#include "cli/check_command.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "pipeline/checker.h"
#include "pipeline/input_walker.h"
#include "pipeline/local_batch.h"
#include "pipeline/profile.h"
#include "pipeline/summary.h"
#include "pipeline/verdict_json.h"

namespace preflight::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> paths;
  std::string profile = kDefaultProfileName;
  std::optional<std::uint32_t> interval;
  std::optional<std::uint32_t> max_frames;
  std::string decode = "sampled";
  unsigned threads = 0;
};

constexpr int kExitUsage = 2;

int fail_usage(const std::string& message) {
  std::fprintf(stderr, "preflight check: %s\n", message.c_str());
  return kExitUsage;
}

int run_check(const CheckArgs& args) {
  for (const std::string& path : args.paths) {
    std::error_code error;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path, error))) {
      return fail_usage(fmt::format("{}: no such file or folder", path));
    }
  }
  std::unique_ptr<Checker> checker;
  try {
    const CheckOptions options{args.interval, args.max_frames,
                               args.decode == "all" ? DecodeScope::All : DecodeScope::Sampled};
    checker = std::make_unique<Checker>(load_profile(args.profile), options);
  } catch (const std::exception& error) {
    return fail_usage(error.what());
  }

  InputWalker walker(args.paths);
  Summary summary;
  const auto start = std::chrono::steady_clock::now();
  run_local_batch(walker, *checker, BatchOptions{args.threads}, [&](const Verdict& verdict) {
    const std::string line = verdict_to_json_line(verdict);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    summary.add(verdict);
  });
  std::fflush(stdout);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "%s", summary.human_text(elapsed).c_str());
  return summary.exit_status();
}

}  // namespace

void add_check_command(CLI::App& app, std::function<int()>& run) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* check = app.add_subcommand("check", "Check images the way the moderation service will");
  check->add_option("paths", args->paths, "Files and folders (walked recursively, in sorted order)")
      ->required();
  check->add_option("--profile", args->profile, "Rule profile: a shipped name or a JSON file")
      ->capture_default_str();
  check->add_option("--interval", args->interval, "Sample one frame every N (0: first frame only)");
  check->add_option("--max-frames", args->max_frames, "Sample at most N frames")->check(CLI::PositiveNumber);
  check->add_option("--decode", args->decode, "Decode the sampled frames or every frame")
      ->check(CLI::IsMember({"sampled", "all"}))
      ->capture_default_str();
  check->add_option("--threads", args->threads, "Worker threads (0: every core)")->capture_default_str();
  check->callback([&run, args] { run = [args] { return run_check(*args); }; });
}

}  // namespace preflight::cli
