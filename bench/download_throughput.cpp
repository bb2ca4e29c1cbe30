// Downloads of a small image from the local fault-injecting server with 1, 16 and 256 transfers in flight:
// transfers/s, and the downloader's CPU time per transfer. The server runs in a forked child process, so
// the CPU counted here is the client's alone (its curl loop thread included).
// Run: build/download_throughput [--benchmark_min_time=2]
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>

#include "fetch/downloader.h"
#include "tests/fetch/server_process.h"
#include "tests/fetch/test_server.h"

namespace preflight {
namespace {

constexpr std::uint64_t kMaxBodyBytes = 30u << 20;
constexpr int kDownloadsPerIteration = 512;

std::vector<std::string> server_resolve_overrides;  // set in main() before the benchmarks run
std::string image_url;

void use_server_port(const std::string& port) {
  image_url = std::string("http://") + testing::kImagesHost + ":" + port + "/image";
  server_resolve_overrides = {std::string(testing::kImagesHost) + ":" + port + ":127.0.0.1"};
}

double process_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Counts completions and lets the benchmark thread wait for a round to finish.
class Countdown {
 public:
  void reset(int count) {
    std::lock_guard lock(mutex_);
    remaining_ = count;
    failures_ = 0;
  }
  void done(bool ok) {
    std::lock_guard lock(mutex_);
    failures_ += !ok;
    if (--remaining_ == 0) finished_.notify_one();
  }
  int wait() {
    std::unique_lock lock(mutex_);
    finished_.wait(lock, [&] { return remaining_ == 0; });
    return failures_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable finished_;
  int remaining_ = 0;
  int failures_ = 0;
};

void downloads(benchmark::State& state) {
  DownloadPolicy policy;
  policy.max_body_bytes = kMaxBodyBytes;
  policy.max_in_flight = static_cast<std::size_t>(state.range(0));
  policy.address_policy.allow_loopback = true;
  policy.resolve_overrides = server_resolve_overrides;
  Downloader downloader(policy);
  Countdown countdown;
  const double cpu_start = process_cpu_seconds();
  for (auto _ : state) {
    countdown.reset(kDownloadsPerIteration);
    for (int i = 0; i < kDownloadsPerIteration; ++i) {
      downloader.submit(
          image_url, [&](DownloadResult&& result) { countdown.done(result.status == DownloadStatus::Ok); });
    }
    if (countdown.wait() != 0) state.SkipWithError("a download failed");
  }
  const double transfers = static_cast<double>(state.iterations()) * kDownloadsPerIteration;
  state.counters["transfers/s"] = benchmark::Counter(transfers, benchmark::Counter::kIsRate);
  state.counters["cpu_us/transfer"] = (process_cpu_seconds() - cpu_start) * 1e6 / transfers;
  downloader.shutdown(ShutdownMode::Drain);
}

BENCHMARK(downloads)
    ->ArgName("in_flight")
    ->Arg(1)
    ->Arg(16)
    ->Arg(256)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace preflight

int main(int argc, char** argv) {
  const auto server = preflight::testing::ServerProcess::start(preflight::kMaxBodyBytes);
  if (!server) {
    std::fprintf(stderr, "download_throughput: could not start the local test server\n");
    return 1;
  }
  preflight::use_server_port(server->port());
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
