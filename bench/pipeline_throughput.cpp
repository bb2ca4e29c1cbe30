// The whole batch flow graph — run_batch(), what `preflight check` runs — over a generated corpus: read
// from disk at 1 thread and at every core, and downloaded from the local test server (127.0.0.1, in a
// forked child so that the CPU counted here is the pipeline's alone) at 1 thread with the default downloads
// in flight. Records and events are built as `check --out` builds them, then discarded.
//
// The corpus is CPU-bound and photo-like: kCorpusFiles files of 640 × 480 (0.3 MP) made with the test
// encoders from kDistinctImages photo rasters (gradients, waves, grain) — half baseline JPEG, a quarter
// PNG, an eighth lossy WebP, an eighth 6-frame GIF (frames 0 and 5 sampled) — each image written
// kCorpusFiles / kDistinctImages times under its own name. Every file is accepted, so each is read, hashed,
// probed and decoded. Counters: images/s, MB/s, CPU time per image (getrusage, this process, µs) and the
// process's peak RSS so far (MB); Google Benchmark's own CPU column is the main thread's alone. At the end,
// the disk runs' images/s at 2 threads over 1 thread (the medians, with repetitions: on a shared machine
// the ratio moves with the other tenants' load).
// Run: build/pipeline_throughput [--benchmark_min_time=3 --benchmark_repetitions=5]
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fetch/download_policy.h"
#include "pipeline/batch_graph.h"
#include "pipeline/batch_sink.h"
#include "pipeline/checker.h"
#include "pipeline/input_source.h"
#include "pipeline/profile.h"
#include "pipeline/record_output.h"
#include "pipeline/summary.h"
#include "tests/fetch/server_process.h"
#include "tests/fetch/test_server.h"
#include "tests/support/raster_samples.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t kWidth = 640;
constexpr std::uint32_t kHeight = 480;
constexpr std::size_t kDistinctImages = 32;
constexpr std::size_t kCorpusFiles = 256;
constexpr std::uint32_t kGifFrames = 6;
constexpr std::uint64_t kServerMaxBodyBytes = 30u << 20;  // only its fault routes use it
constexpr double kMegabyte = 1e6;
constexpr double kKilobytesPerMegabyte = 1024;

struct CorpusImage {
  std::string extension;
  Bytes bytes;
};

// Image i of the corpus; the format cycles so that every eight hold 4 JPEG, 2 PNG, 1 WebP and 1 GIF.
CorpusImage make_image(std::uint32_t i) {
  const test::Raster raster = test::photo_raster(kWidth, kHeight, i);
  switch (i % 8) {
    case 0:
    case 2:
    case 4:
    case 6:
      return {"jpg", test::encode_jpeg(raster)};
    case 1:
    case 5:
      return {"png", test::encode_png(raster)};
    case 3:
      return {"webp", test::encode_webp(raster, test::WebpCodec::lossy)};
    default:
      return {"gif", test::encode_gif(kWidth, kHeight, kGifFrames, i).bytes};
  }
}

// The generated corpus: in memory (what the server sends), on disk (a temporary folder) and as a URL list.
struct Corpus {
  std::vector<CorpusImage> images;
  fs::path folder;
  fs::path url_list;
  std::uint64_t bytes = 0;  // of all kCorpusFiles files
};

Corpus corpus;                               // made in main() before any thread exists
std::vector<std::string> resolve_overrides;  // for the server's port

void make_corpus() {
  for (std::uint32_t i = 0; i < kDistinctImages; ++i) corpus.images.push_back(make_image(i));
  corpus.folder = fs::temp_directory_path() / ("pipeline_throughput." + std::to_string(::getpid()));
  fs::create_directories(corpus.folder);
  for (std::size_t file = 0; file < kCorpusFiles; ++file) {
    const CorpusImage& image = corpus.images[file % kDistinctImages];
    char name[32];
    std::snprintf(name, sizeof name, "%04zu.%s", file, image.extension.c_str());
    std::ofstream(corpus.folder / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(image.bytes.data()),
               static_cast<std::streamsize>(image.bytes.size()));
    corpus.bytes += image.bytes.size();
  }
  corpus.url_list = corpus.folder.string() + ".urls";
}

void write_url_list(const std::string& port) {
  std::ofstream list(corpus.url_list);
  for (std::size_t file = 0; file < kCorpusFiles; ++file)
    list << "http://" << testing::kImagesHost << ":" << port << "/file/" << file % kDistinctImages << "\n";
  resolve_overrides = {std::string(testing::kImagesHost) + ":" + port + ":127.0.0.1"};
}

// Takes each input's record and events, built as for a run folder (`check --out`), and drops them.
class DiscardOutput final : public RecordOutput {
 public:
  void append(const std::string& /*record*/, const std::vector<std::string>& /*events*/) override {}
};

rusage usage_now() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage;
}

double cpu_seconds(const rusage& usage) {
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// `check`'s options: the profile's URL cap, the default downloads in flight; loopback for the test server.
BatchOptions batch_options(unsigned threads, const Checker& checker) {
  BatchOptions options{threads, {}};
  options.download.max_body_bytes = checker.profile().max_url_bytes;
  options.download.address_policy.allow_loopback = true;
  options.download.resolve_overrides = resolve_overrides;
  return options;
}

// One pass of the graph over `source`; false unless every input got its record and was accepted.
bool run_once(InputSource& source, const Checker& checker, const BatchOptions& options) {
  DiscardOutput output;
  Summary summary;
  BatchSink sink(EventOptions{{"ims"}, BillingUnit::Image, checker.profile().name}, false, output, summary);
  const std::atomic<bool> stop{false};
  const BatchResult result = run_batch(source, checker, options, sink, stop);
  return !result.interrupted && summary.inputs() == kCorpusFiles && summary.exit_status() == 0;
}

// The corpus from its folder, or from its URL list.
bool run_corpus(const Checker& checker, const BatchOptions& options, bool from_urls) {
  if (!from_urls) {
    InputSource source({corpus.folder.string()}, std::nullopt, Shard{});
    return run_once(source, checker, options);
  }
  const int list = ::open(corpus.url_list.c_str(), O_RDONLY | O_CLOEXEC);
  if (list < 0) return false;
  InputSource source({}, UrlListSource{list, corpus.url_list.string()}, Shard{});
  const bool ok = run_once(source, checker, options);
  ::close(list);
  return ok;
}

// Runs the graph once per iteration and reports the counters.
void measure(benchmark::State& state, unsigned threads, bool from_urls) {
  const Checker checker(load_profile(kDefaultProfileName));
  const BatchOptions options = batch_options(threads, checker);
  const double cpu_start = cpu_seconds(usage_now());
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    if (!run_corpus(checker, options, from_urls)) {
      state.SkipWithError("an input was not accepted");
      break;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const rusage end = usage_now();
  const double images = static_cast<double>(state.iterations()) * kCorpusFiles;
  state.counters["images/s"] = images / seconds;
  state.counters["MB/s"] = static_cast<double>(state.iterations()) * corpus.bytes / kMegabyte / seconds;
  state.counters["cpu_us/image"] = (cpu_seconds(end) - cpu_start) * 1e6 / images;
  state.counters["peak_rss_MB"] = static_cast<double>(end.ru_maxrss) / kKilobytesPerMegabyte;
}

void pipeline_disk(benchmark::State& state) { measure(state, static_cast<unsigned>(state.range(0)), false); }

void pipeline_urls(benchmark::State& state) { measure(state, 1, true); }

// Starts the server in a child process (before any thread exists here) and reads back its port.
void register_benchmarks() {
  const std::set<unsigned> thread_counts{1, 2, std::max(1u, std::thread::hardware_concurrency())};
  auto* disk = benchmark::RegisterBenchmark("pipeline_disk", pipeline_disk);
  for (const unsigned threads : thread_counts) disk->Arg(threads);
  disk->ArgName("threads")->UseRealTime()->Unit(benchmark::kMillisecond);
  const std::string urls_name = "pipeline_urls/threads:1/in_flight:" + std::to_string(kDefaultMaxInFlight);
  benchmark::RegisterBenchmark(urls_name.c_str(), pipeline_urls)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

// The console output; besides, keeps the disk runs' images/s (by "threads:N") to print their ratio.
class ScalingReporter final : public benchmark::ConsoleReporter {
 public:
  ScalingReporter() : ConsoleReporter(::isatty(STDOUT_FILENO) ? OO_Color : OO_None) {}  // the default look

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) keep(run);
    ConsoleReporter::ReportRuns(runs);
  }

  void print_scaling() const {
    const auto one = images_per_second_.find("threads:1");
    const auto two = images_per_second_.find("threads:2");
    if (one == images_per_second_.end() || two == images_per_second_.end()) return;
    std::printf("pipeline_disk: 2 threads / 1 thread = %.2fx\n", two->second / one->second);
  }

 private:
  // A repetition's figure, replaced by the repetitions' median when there is one.
  void keep(const Run& run) {
    const auto rate = run.counters.find("images/s");
    if (run.run_name.function_name != "pipeline_disk" || run.error_occurred || rate == run.counters.end())
      return;
    const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
    if (run.run_type == Run::RT_Iteration || median) images_per_second_[run.run_name.args] = rate->second;
  }

  std::map<std::string, double> images_per_second_;
};

}  // namespace
}  // namespace preflight

int main(int argc, char** argv) {
  using namespace preflight;
  make_corpus();
  std::vector<Bytes> files;
  for (const CorpusImage& image : corpus.images) files.push_back(image.bytes);
  const auto server = testing::ServerProcess::start(kServerMaxBodyBytes, std::move(files));
  if (!server) {
    std::fprintf(stderr, "pipeline_throughput: could not start the local test server\n");
    return 1;
  }
  write_url_list(server->port());
  benchmark::Initialize(&argc, argv);
  register_benchmarks();
  ScalingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  reporter.print_scaling();
  fs::remove_all(corpus.folder);
  fs::remove(corpus.url_list);
  return 0;
}
