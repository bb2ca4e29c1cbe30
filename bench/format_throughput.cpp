// Per-format probe and validate throughput on one thread, over the bundled corpus's valid files held in
// memory. probe = sniff + header probe; validate = the whole check (rules + decode of sampled frames).
// Run: build/format_throughput [--benchmark_min_time=1]
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "decoders/registry.h"
#include "decoders/sniff.h"
#include "pipeline/checker.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;
using Files = std::vector<std::vector<std::uint8_t>>;

// The corpus's valid stills and animations, grouped by the format their content says they are.
const std::map<std::string, Files>& files_by_format() {
  static const std::map<std::string, Files> groups = [] {
    std::map<std::string, Files> result;
    const fs::path corpus = fs::path(PREFLIGHT_PROFILE_DIR).parent_path() / "corpus";
    for (const char* folder : {"formats", "animated"}) {
      for (const auto& entry : fs::directory_iterator(corpus / folder)) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
        const SniffResult sniffed = sniff(bytes);
        if (sniffed.format) result[std::string(format_name(*sniffed.format))].push_back(std::move(bytes));
      }
    }
    return result;
  }();
  return groups;
}

void probe(benchmark::State& state, const std::string& format) {
  const Files& files = files_by_format().at(format);
  const DecodeLimits limits;
  std::size_t i = 0;
  for (auto _ : state) {
    const ByteView bytes = files[i++ % files.size()];
    const SniffResult sniffed = sniff(bytes);
    benchmark::DoNotOptimize(decoder_for(*sniffed.format).probe(bytes, limits));
  }
  state.counters["images/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void validate(benchmark::State& state, const std::string& format) {
  const Files& files = files_by_format().at(format);
  const Checker checker(load_profile("tencent-ims"));
  std::size_t i = 0, rejected = 0;
  std::uint64_t pixels = 0;
  for (auto _ : state) {
    const Verdict verdict = checker.check(files[i++ % files.size()], CheckRequest{});
    rejected += verdict.outcome != Outcome::Accepted;
    pixels += std::uint64_t{verdict.width.value_or(0)} * verdict.height.value_or(0) *
              verdict.frames_sampled->size();
  }
  if (rejected) state.SkipWithError("a valid corpus file was rejected");
  state.counters["images/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["MP/s"] = benchmark::Counter(static_cast<double>(pixels) / 1e6, benchmark::Counter::kIsRate);
}

const bool registered = [] {
  for (Format format : kAllFormats) {
    const std::string name(format_name(format));
    benchmark::RegisterBenchmark(("probe/" + name).c_str(), probe, name);
    benchmark::RegisterBenchmark(("validate/" + name).c_str(), validate, name);
  }
  return true;
}();

}  // namespace
}  // namespace preflight

BENCHMARK_MAIN();
