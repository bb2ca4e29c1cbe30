// Probe and validate throughput per group of the bench corpus (scripts/generate_bench_corpus.py: photo-like
// stills at 0.3, 2 and 12 MP and 30-frame animations), files held in memory. probe = sniff + header probe;
// validate = the whole check (rules + decode of the sampled frames); reference/libjpeg-turbo-full = a
// djpeg-style full decode of the same JPEGs, so "ours / full decode" reads off one run. Each benchmark
// runs on one thread and on every core (Checker::check is thread-safe).
// Run: build/format_throughput [--benchmark_min_time=1] [--benchmark_filter=2mp]
// Corpus: $PREFLIGHT_BENCH_CORPUS, default build/bench-corpus.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench/peers/jpeg_full_decode.h"
#include "decoders/registry.h"
#include "decoders/sniff.h"
#include "pipeline/checker.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;

struct CorpusFile {
  std::string name;  // "jpeg-2mp/0.jpg"
  std::vector<std::uint8_t> bytes;
};

struct Group {
  std::string name;
  std::string format;
  std::vector<CorpusFile> files;
};

fs::path corpus_dir() {
  const char* configured = std::getenv("PREFLIGHT_BENCH_CORPUS");
  if (configured != nullptr && *configured != '\0') return configured;
  return fs::path(PREFLIGHT_PROFILE_DIR).parent_path() / "build" / "bench-corpus";
}

[[noreturn]] void exit_without_corpus(const fs::path& dir, const std::string& problem) {
  std::fprintf(stderr,
               "format_throughput: %s (set PREFLIGHT_BENCH_CORPUS or generate the corpus:\n"
               "  scripts/generate_bench_corpus.py %s [--quick])\n",
               problem.c_str(), dir.c_str());
  std::exit(2);
}

std::vector<std::uint8_t> read_file(const fs::path& dir, const std::string& name) {
  std::ifstream in(dir / name, std::ios::binary);
  if (!in) exit_without_corpus(dir, "cannot read " + (dir / name).string());
  return {std::istreambuf_iterator<char>(in), {}};
}

// Every group the manifest lists, its files read into memory. Exits with the command that makes the
// corpus if there is none.
std::vector<Group> load_corpus(const fs::path& dir) {
  std::ifstream manifest_file(dir / "manifest.json");
  if (!manifest_file) exit_without_corpus(dir, "no bench corpus in " + dir.string());
  const nlohmann::json manifest = nlohmann::json::parse(manifest_file);
  std::vector<Group> groups;
  for (const auto& entry : manifest.at("groups")) {
    Group group{entry.at("group"), entry.at("format"), {}};
    for (const std::string name : entry.at("files")) group.files.push_back({name, read_file(dir, name)});
    groups.push_back(std::move(group));
  }
  return groups;
}

const Checker& checker() {
  static const Checker instance(load_profile("tencent-ims"));
  return instance;
}

// Each thread starts at its own file, so that threads do not decode the same bytes in lockstep.
std::size_t first_file(const benchmark::State& state) {
  return static_cast<std::size_t>(state.thread_index());
}

void count_rates(benchmark::State& state, double megapixels) {
  state.counters["images/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  if (megapixels > 0) state.counters["MP/s"] = benchmark::Counter(megapixels, benchmark::Counter::kIsRate);
}

void probe(benchmark::State& state, const Group& group) {
  const DecodeLimits limits;
  std::size_t i = first_file(state);
  for (auto _ : state) {
    const CorpusFile& file = group.files[i++ % group.files.size()];
    const SniffResult sniffed = sniff(file.bytes);
    const bool ok = sniffed.format && decoder_for(*sniffed.format).probe(file.bytes, limits).ok();
    if (!ok) {
      state.SkipWithError((file.name + ": probe failed").c_str());
      break;
    }
  }
  count_rates(state, 0);
}

void validate(benchmark::State& state, const Group& group) {
  std::size_t i = first_file(state);
  double megapixels = 0;
  for (auto _ : state) {
    const CorpusFile& file = group.files[i++ % group.files.size()];
    const Verdict verdict = checker().check(file.bytes, CheckRequest{});
    if (verdict.outcome != Outcome::Accepted) {
      state.SkipWithError((file.name + " rejected: " + verdict.reason.value_or(verdict.code)).c_str());
      break;
    }
    megapixels +=
        1e-6 * verdict.width.value_or(0) * verdict.height.value_or(0) * verdict.frames_sampled->size();
  }
  count_rates(state, megapixels);
}

void libjpeg_turbo_full(benchmark::State& state, const Group& group) {
  std::vector<unsigned char> row;
  std::size_t i = first_file(state);
  for (auto _ : state) {
    const CorpusFile& file = group.files[i++ % group.files.size()];
    const std::string error = bench::decode_jpeg_fully(file.bytes, row);
    if (!error.empty()) {
      state.SkipWithError((file.name + ": " + error).c_str());
      break;
    }
  }
  count_rates(state, 0);
}

// Registers `name` single-threaded and on every core; rates are per wall-clock second of the whole run.
// `group` must outlive the run (the lambda keeps a reference, not a copy of the files).
template <typename Fn>
void register_both(const std::string& name, Fn fn, const Group& group) {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  auto* benchmark =
      benchmark::RegisterBenchmark(name.c_str(), [fn, &group](benchmark::State& state) { fn(state, group); });
  benchmark->UseRealTime()->Threads(1);
  if (cores > 1) benchmark->Threads(cores);
}

void register_all(const std::vector<Group>& groups) {
  for (const Group& group : groups) {
    register_both("probe/" + group.name, probe, group);
    register_both("validate/" + group.name, validate, group);
    if (group.format == "jpeg")
      register_both("reference/libjpeg-turbo-full/" + group.name, libjpeg_turbo_full, group);
  }
}

}  // namespace
}  // namespace preflight

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  static const std::vector<preflight::Group> groups = preflight::load_corpus(preflight::corpus_dir());
  preflight::register_all(groups);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
