#include "cli/progress_reporter.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "pipeline/progress.h"

namespace preflight::cli {
namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(500);

}  // namespace

ProgressReporter::ProgressReporter(std::function<std::uint64_t()> done,
                                   std::function<std::optional<std::uint64_t>()> count_total) {
  if (!::isatty(STDERR_FILENO)) return;
  thread_ = std::thread(
      [this, done = std::move(done), count_total = std::move(count_total)] { run(done, count_total); });
}

ProgressReporter::~ProgressReporter() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::fputs("\r\033[K", stderr);  // erase the line before the summary is printed
}

void ProgressReporter::run(std::function<std::uint64_t()> done,
                           std::function<std::optional<std::uint64_t>()> count_total) {
  const auto start = std::chrono::steady_clock::now();
  const std::optional<std::uint64_t> total = count_total ? count_total() : std::nullopt;
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, kRedrawInterval, [this] { return finished_; })) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "\r\033[K%s", progress_line(done(), total, elapsed).c_str());
    std::fflush(stderr);
  }
}

}  // namespace preflight::cli
