// Our side of bench/compare.sh: loops Checker::check (profile tencent-ims) over files held in memory.
// Usage: validate_loop [--no-hash] SECONDS FILE...
// --no-hash: without the record's SHA-256 (CheckOptions::content_hash), i.e. validation alone.
// Prints "images/s=N failed=K/M frames_sampled=0,5,10,15,20" (the first file's sampled frames, which the
// peers then decode too).
#include <cstdio>
#include <string>
#include <vector>

#include "bench/tools/timed_loop.h"
#include "pipeline/checker.h"

namespace preflight::bench {
namespace {

std::string frames_text(const Verdict& verdict) {
  std::string text;
  for (std::uint32_t index : verdict.frames_sampled.value_or(std::vector<std::uint32_t>{})) {
    text += (text.empty() ? "" : ",") + std::to_string(index);
  }
  return text.empty() ? "none" : text;
}

int run(int argc, char** argv) {
  CheckOptions options;
  const bool no_hash = argc > 1 && std::string(argv[1]) == "--no-hash";
  options.content_hash = !no_hash;
  const int first = no_hash ? 2 : 1;
  if (argc < first + 2) {
    std::fprintf(stderr, "usage: %s [--no-hash] SECONDS FILE...\n", argv[0]);
    return 2;
  }
  const double seconds = parse_seconds(argv[first]);
  const std::vector<LoadedFile> files = load_files({argv + first + 1, argv + argc});
  const Checker checker(load_profile("tencent-ims"), options);
  const LoopResult result = timed_loop(files, seconds, [&](const LoadedFile& file) -> std::string {
    const Verdict verdict = checker.check(file.bytes, CheckRequest{});
    if (verdict.outcome == Outcome::Accepted) return {};
    return verdict.code + " " + verdict.reason.value_or("") + " " + verdict.message.value_or("");
  });
  std::printf("frames_sampled=%s ", frames_text(checker.check(files.front().bytes, CheckRequest{})).c_str());
  print_result(result, files.size());
  return 0;
}

}  // namespace
}  // namespace preflight::bench

int main(int argc, char** argv) { return preflight::bench::run(argc, argv); }
