#pragma once

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <string>

#include "fetch/download_policy.h"
#include "fetch/downloader.h"
#include "fetch/failure_classifier.h"

namespace preflight {

struct CurlEasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

// Hands `result` to `on_done`, catching (and reporting on stderr) anything it throws: no exception may
// cross the downloader's loop thread.
void deliver_download(const DownloadCompletion& on_done, DownloadResult&& result) noexcept;

// One submitted URL through its attempts and redirect hops. Owned by the downloader's loop thread; curl's
// callbacks reach it through CURLOPT_PRIVATE / their user-data pointers and never throw.
class Transfer final {
 public:
  Transfer(DownloadId id, std::string url, DownloadCompletion on_done, const DownloadPolicy& policy);
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // Creates and configures the easy handle; false (with failure set in the result) if curl refuses.
  bool prepare(curl_slist* resolve_overrides);
  // A fresh request for `url` within the current attempt (the first request, or a redirect hop).
  void start_request(const std::string& url);
  // Closes the current attempt (records its duration) and opens the next one at the same URL.
  void start_retry();
  void end_attempt();
  void note_redirect() { ++hops_, result_.redirected = true; }

  // The current request's outcome once curl reports it done.
  TransferOutcome outcome(CURLcode code) const;

  CURL* easy() const { return easy_.get(); }
  DownloadId id() const { return result_.id; }
  int hops() const { return hops_; }
  int attempts() const { return static_cast<int>(result_.attempt_us.size()) + (attempt_open_ ? 1 : 0); }
  const std::string& current_url() const { return result_.final_url; }

  // Hands the result to the completion callback (catching anything it throws). Call once.
  void complete_ok();
  void complete_failed(FetchFailure failure);
  void complete_cancelled(std::string message);

 private:
  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self);
  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self);
  static curl_socket_t on_open_socket(void* self, curlsocktype purpose, curl_sockaddr* address);
  std::chrono::milliseconds remaining_attempt_time() const;
  std::size_t header_line(std::string_view line);
  std::size_t body_chunk(const char* data, std::size_t size);

  const DownloadPolicy& policy_;
  DownloadCompletion on_done_;
  DownloadResult result_;
  CurlEasy easy_;
  char error_buffer_[CURL_ERROR_SIZE] = {};
  int hops_ = 0;
  bool attempt_open_ = false;
  std::chrono::steady_clock::time_point attempt_start_;
  // The current request's response.
  long status_ = 0;
  std::uint64_t declared_length_ = 0;
  bool has_declared_length_ = false;
  bool too_large_ = false;
  std::optional<FetchFailure> refused_address_;
};

}  // namespace preflight
