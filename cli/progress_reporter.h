#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace preflight::cli {

// Redraws a progress line on stderr twice a second while a batch runs, when stderr is a terminal (and
// does nothing otherwise, so logs and pipes stay clean).
class ProgressReporter final {
 public:
  // `done` counts the inputs recorded so far; `count_total`, if given, counts the inputs of the whole
  // run (it runs on the reporter's thread, so a long URL list does not delay the start).
  ProgressReporter(std::function<std::uint64_t()> done,
                   std::function<std::optional<std::uint64_t>()> count_total);
  ~ProgressReporter();  // erases the line
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

 private:
  void run(std::function<std::uint64_t()> done, std::function<std::optional<std::uint64_t>()> count_total);

  std::mutex mutex_;
  std::condition_variable wake_;
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace preflight::cli
