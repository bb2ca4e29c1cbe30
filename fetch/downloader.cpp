#include "fetch/downloader.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <variant>

#include "fetch/failure_classifier.h"
#include "fetch/transfer.h"
#include "fetch/url_policy.h"

namespace preflight {
namespace {

constexpr int kIdlePollMs = 1000;  // an upper bound only: curl_multi_wakeup ends the wait at once
constexpr long kFirstRedirectStatus = 300;
constexpr long kFirstClientErrorStatus = 400;
constexpr const char* kCancelledMessage = "cancelled by cancel() before it completed";
constexpr const char* kAbortedMessage = "aborted by shutdown(Abort) before it completed";
constexpr const char* kLoopFailedMessage = "the download loop stopped on an internal error; rerun";
constexpr const char* kAfterShutdownMessage = "submitted after shutdown(); nothing was downloaded";

struct CurlMultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;

struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("libcurl could not initialise (curl_global_init failed)");
    }
  });
}

DownloadPolicy validated(DownloadPolicy policy) {
  if (auto problem = policy.validate()) throw std::invalid_argument("download policy: " + *problem);
  return policy;
}

CurlSlist make_resolve_list(const std::vector<std::string>& overrides) {
  curl_slist* list = nullptr;
  for (const auto& entry : overrides) {
    curl_slist* grown = curl_slist_append(list, entry.c_str());
    if (grown == nullptr) {
      curl_slist_free_all(list);
      throw std::bad_alloc();
    }
    list = grown;
  }
  return CurlSlist(list);
}

CurlMulti make_multi(const DownloadPolicy& policy) {
  CurlMulti multi(curl_multi_init());
  if (!multi) throw std::runtime_error("libcurl could not create a multi handle");
  const auto connections = static_cast<long>(policy.max_in_flight);
  curl_multi_setopt(multi.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS, connections);
  curl_multi_setopt(multi.get(), CURLMOPT_MAXCONNECTS, connections);
  curl_multi_setopt(multi.get(), CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  return multi;
}

FetchFailure too_many_redirects(const std::string& url, int max_redirects) {
  return FetchFailure{FetchReason::TooManyRedirects, 0,
                      fmt::format("{}: redirects again after {} hops (the service follows at most {}); "
                                  "link the final address directly",
                                  url, max_redirects, max_redirects)};
}

FetchFailure refused_hop(const std::string& from, FetchFailure failure) {
  failure.message = fmt::format("redirect from {} refused: {}", from, failure.message);
  return failure;
}

}  // namespace

class Downloader::Loop {
  struct Pending {
    DownloadId id;
    std::string url;
    DownloadCompletion on_done;
  };

 public:
  explicit Loop(DownloadPolicy policy)
      : policy_(validated(std::move(policy))),
        multi_((init_curl_once(), make_multi(policy_))),
        resolve_(make_resolve_list(policy_.resolve_overrides)),
        thread_([this] { run_guarded(); }) {}

  ~Loop() { shutdown(ShutdownMode::Abort); }

  DownloadId submit(std::string url, DownloadCompletion on_done) {
    const DownloadId id = next_id_.fetch_add(1);
    {
      std::lock_guard lock(mutex_);
      if (accepting_) {
        incoming_.push_back(Pending{id, std::move(url), std::move(on_done)});
        curl_multi_wakeup(multi_.get());
        return id;
      }
    }
    cancel_unstarted(Pending{id, std::move(url), std::move(on_done)}, kAfterShutdownMessage);
    return id;
  }

  void cancel(DownloadId id) {
    std::lock_guard lock(mutex_);
    cancels_.push_back(id);
    curl_multi_wakeup(multi_.get());
  }

  void shutdown(ShutdownMode mode) {
    {
      std::lock_guard lock(mutex_);
      accepting_ = false;
      if (!requested_ || mode == ShutdownMode::Abort) requested_ = mode;
      curl_multi_wakeup(multi_.get());
    }
    if (std::this_thread::get_id() == loop_thread_id_.load())
      return;  // from a completion: cannot join itself
    std::lock_guard join_lock(join_mutex_);
    if (thread_.joinable()) thread_.join();
  }

 private:
  // No exception may leave the loop thread: if one does (memory exhausted), everything still pending
  // completes as Cancelled and later submits are refused the same way.
  void run_guarded() noexcept {
    loop_thread_id_ = std::this_thread::get_id();
    try {
      run();
    } catch (const std::exception& error) {
      std::fprintf(stderr, "preflight: the download loop stopped: %s\n", error.what());
      stop_after_failure();
    } catch (...) {
      std::fprintf(stderr, "preflight: the download loop stopped on an unknown error\n");
      stop_after_failure();
    }
  }

  void stop_after_failure() noexcept {
    try {
      {
        std::lock_guard lock(mutex_);
        accepting_ = false;
        move_incoming_to_waiting();
      }
      abort_all(kLoopFailedMessage);
    } catch (...) {
      std::fprintf(stderr, "preflight: some downloads could not be completed after the loop stopped\n");
    }
  }

  void run() {
    for (;;) {
      take_commands();
      if (mode_ == ShutdownMode::Abort) return abort_all(kAbortedMessage);
      start_waiting();
      int running = 0;
      curl_multi_perform(multi_.get(), &running);
      finish_done();
      start_waiting();
      if (mode_ == ShutdownMode::Drain && waiting_.empty() && active_.empty() && nothing_incoming()) return;
      curl_multi_poll(multi_.get(), nullptr, 0, kIdlePollMs, nullptr);
    }
  }

  void take_commands() {
    std::vector<DownloadId> cancels;
    {
      std::lock_guard lock(mutex_);
      move_incoming_to_waiting();
      cancels.swap(cancels_);
      mode_ = requested_;
    }
    for (const DownloadId id : cancels) cancel_now(id);
  }

  // Caller holds mutex_.
  void move_incoming_to_waiting() {
    for (auto& pending : incoming_) waiting_.emplace(pending.id, std::move(pending));
    incoming_.clear();
  }

  bool nothing_incoming() {
    std::lock_guard lock(mutex_);
    return incoming_.empty();
  }

  void cancel_now(DownloadId id) {
    if (const auto found = active_.find(id); found != active_.end()) {
      std::unique_ptr<Transfer> transfer = std::move(found->second);
      active_.erase(found);
      curl_multi_remove_handle(multi_.get(), transfer->easy());
      transfer->complete_cancelled(kCancelledMessage);
      return;
    }
    if (auto node = waiting_.extract(id)) cancel_unstarted(std::move(node.mapped()), kCancelledMessage);
  }

  static void cancel_unstarted(Pending&& pending, const char* message) {
    DownloadResult result;
    result.id = pending.id;
    result.final_url = pending.url;
    result.url = std::move(pending.url);
    result.status = DownloadStatus::Cancelled;
    result.cancel_message = message;
    deliver_download(pending.on_done, std::move(result));
  }

  void abort_all(const char* message) {
    auto active = std::move(active_);
    active_.clear();
    for (auto& [id, transfer] : active) {
      curl_multi_remove_handle(multi_.get(), transfer->easy());
      transfer->complete_cancelled(message);
    }
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& [id, pending] : waiting) cancel_unstarted(std::move(pending), message);
  }

  void start_waiting() {
    while (!waiting_.empty() && active_.size() < policy_.max_in_flight) {
      start(std::move(waiting_.extract(waiting_.begin()).mapped()));
    }
  }

  void start(Pending&& pending) {
    auto transfer = std::make_unique<Transfer>(pending.id, pending.url, std::move(pending.on_done), policy_);
    const UrlCheck checked = check_url(pending.url);
    if (const auto* failure = std::get_if<FetchFailure>(&checked)) return transfer->complete_failed(*failure);
    if (!transfer->prepare(resolve_.get())) {
      return transfer->complete_failed(FetchFailure{
          FetchReason::ConnectFailed, 0,
          fmt::format("{}: libcurl refused the transfer options; check the libcurl build", pending.url)});
    }
    transfer->start_request(std::get<ParsedUrl>(checked).url);
    add(std::move(transfer));
  }

  void add(std::unique_ptr<Transfer> transfer) {
    if (curl_multi_add_handle(multi_.get(), transfer->easy()) != CURLM_OK) {
      return transfer->complete_failed(FetchFailure{
          FetchReason::ConnectFailed, 0,
          fmt::format("{}: libcurl could not start the transfer; retry the run", transfer->current_url())});
    }
    const DownloadId id = transfer->id();
    active_.emplace(id, std::move(transfer));
  }

  void finish_done() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_.get(), &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode code = message->data.result;
      Transfer* raw = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &raw);
      curl_multi_remove_handle(multi_.get(), easy);
      const auto found = active_.find(raw->id());
      std::unique_ptr<Transfer> transfer = std::move(found->second);
      active_.erase(found);
      request_done(std::move(transfer), code);
    }
  }

  void request_done(std::unique_ptr<Transfer> transfer, CURLcode code) {
    TransferOutcome outcome = transfer->outcome(code);
    std::string next_url;
    if (code == CURLE_OK && outcome.http_status >= kFirstRedirectStatus &&
        outcome.http_status < kFirstClientErrorStatus) {
      char* location = nullptr;
      curl_easy_getinfo(transfer->easy(), CURLINFO_REDIRECT_URL, &location);
      outcome.has_redirect = location != nullptr;
      if (location != nullptr) next_url = location;
    }
    std::optional<FetchFailure> failure = classify_outcome(outcome);
    if (!failure && outcome.has_redirect) return follow_redirect(std::move(transfer), next_url);
    if (!failure) return transfer->complete_ok();
    if (is_retryable(*failure) && transfer->attempts() <= policy_.retries) {
      transfer->start_retry();
      return add(std::move(transfer));
    }
    transfer->complete_failed(std::move(*failure));
  }

  void follow_redirect(std::unique_ptr<Transfer> transfer, const std::string& next_url) {
    if (transfer->hops() >= policy_.max_redirects) {
      return transfer->complete_failed(too_many_redirects(transfer->current_url(), policy_.max_redirects));
    }
    const UrlCheck checked = check_url(next_url);
    if (const auto* failure = std::get_if<FetchFailure>(&checked)) {
      return transfer->complete_failed(refused_hop(transfer->current_url(), *failure));
    }
    transfer->note_redirect();
    transfer->start_request(std::get<ParsedUrl>(checked).url);
    add(std::move(transfer));
  }

  const DownloadPolicy policy_;
  CurlMulti multi_;
  CurlSlist resolve_;

  std::mutex mutex_;  // guards the four members below
  std::deque<Pending> incoming_;
  std::vector<DownloadId> cancels_;
  std::optional<ShutdownMode> requested_;
  bool accepting_ = true;

  std::atomic<DownloadId> next_id_{1};

  // Loop thread only.
  std::optional<ShutdownMode> mode_;
  // Keyed by id: cancel() finds an entry in O(log n), and ids rise in submit order, so begin() is the oldest.
  std::map<DownloadId, Pending> waiting_;
  std::unordered_map<DownloadId, std::unique_ptr<Transfer>> active_;

  std::atomic<std::thread::id> loop_thread_id_{};
  std::mutex join_mutex_;
  std::thread thread_;  // last: starts once everything above is built
};

Downloader::Downloader(DownloadPolicy policy) : loop_(std::make_unique<Loop>(std::move(policy))) {}

Downloader::~Downloader() = default;

DownloadId Downloader::submit(std::string url, DownloadCompletion on_done) {
  return loop_->submit(std::move(url), std::move(on_done));
}

void Downloader::cancel(DownloadId id) { loop_->cancel(id); }

void Downloader::shutdown(ShutdownMode mode) { loop_->shutdown(mode); }

}  // namespace preflight
