#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fetch/download_policy.h"
#include "fetch/fetch_failure.h"

namespace preflight {

using DownloadId = std::uint64_t;

enum class DownloadStatus { Ok, Failed, Cancelled };

// What became of one submitted URL. Exactly one per submit().
struct DownloadResult {
  DownloadId id = 0;
  std::string url;        // as submitted
  std::string final_url;  // the last URL requested (after redirects)
  DownloadStatus status = DownloadStatus::Failed;
  std::vector<std::uint8_t> bytes;       // the decoded body, when Ok; never more than max_body_bytes
  std::optional<FetchFailure> failure;   // when Failed
  std::string cancel_message;            // when Cancelled: by cancel() or by shutdown(Abort)
  std::vector<std::int64_t> attempt_us;  // one entry per attempt made (0 when the URL was refused up front)
  bool redirected = false;               // at least one redirect was followed (warning `redirected`)
};

// Called once per submitted URL, on the downloader's own thread (or, for a submit after shutdown, on the
// caller's). It must not block and must not throw: hand the result to a queue or a flow graph and return.
// It must not call shutdown(); submit() and cancel() are fine.
using DownloadCompletion = std::function<void(DownloadResult&&)>;

enum class ShutdownMode {
  Drain,  // finish every submitted URL, then stop
  Abort,  // stop now: URLs waiting or in flight complete as Cancelled
};

// SPEC §5's downloader on libcurl's multi interface: one CURLM driven by one event-loop thread, at most
// policy.max_in_flight transfers at once, connections kept alive and reused (HTTP/2 multiplexing where the
// server offers it). Thread-safe: submit() and cancel() may be called from any thread.
class Downloader final {
 public:
  // Throws std::invalid_argument naming the bad field when policy.validate() fails.
  explicit Downloader(DownloadPolicy policy);
  ~Downloader();  // shutdown(ShutdownMode::Abort) unless already shut down
  Downloader(const Downloader&) = delete;
  Downloader& operator=(const Downloader&) = delete;

  DownloadId submit(std::string url, DownloadCompletion on_done);
  // Completes the download as Cancelled if it has not completed yet; a no-op otherwise.
  void cancel(DownloadId id);
  // Blocks until every submitted URL has completed and the loop thread has stopped. Later submits
  // complete at once as Cancelled. Idempotent.
  void shutdown(ShutdownMode mode);

 private:
  class Loop;
  std::unique_ptr<Loop> loop_;
};

}  // namespace preflight
