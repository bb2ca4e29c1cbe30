#include "pipeline/batch_graph.h"

#include <tbb/flow_graph.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <tuple>

#include "fetch/downloader.h"
#include "pipeline/downloaded_input.h"
#include "pipeline/local_input.h"
#include "pipeline/url_entry_verdict.h"

namespace preflight {
namespace {

namespace flow = tbb::flow;

// Inputs in flight beyond the downloads: enough that a slow URL at the head of the line does not idle
// the workers while the sequencer holds what finished behind it (facts, not bodies).
constexpr std::size_t kWindowPerDownload = 4;
constexpr std::size_t kWindowPerThread = 16;
constexpr auto kStopPoll = std::chrono::milliseconds(20);

// A verdict on its way back into input order; nullopt when the input was abandoned by a stop.
struct Ordered {
  std::uint64_t ordinal = 0;
  std::optional<Verdict> verdict;
};

struct Fetched {
  BatchInput input;
  DownloadResult result;
};

using RouteNode = flow::multifunction_node<BatchInput, std::tuple<BatchInput, BatchInput, Ordered>>;
using FetchNode = flow::async_node<BatchInput, Fetched>;
using CheckUrlNode = flow::multifunction_node<Fetched, std::tuple<Ordered, flow::continue_msg>>;

// No exception crosses a node: an internal failure becomes the input's error record.
template <typename Body>
std::optional<Verdict> guarded(const BatchInput& input, Body&& body) {
  try {
    return body();
  } catch (const std::exception& failure) {
    return error_verdict(input.seq, input.name(), "internal_error",
                         std::string("preflight failed on this input: ") + failure.what());
  }
}

const UrlListEntry& url_entry(const BatchInput& input) { return std::get<UrlListEntry>(input.source); }

CheckRequest url_request(const BatchInput& input) {
  return CheckRequest{input.seq, input.name(), InputMode::Url};
}

std::optional<Verdict> check_url(const Fetched& fetched, const Checker& checker) {
  return guarded(fetched.input, [&] {
    auto verdict = check_downloaded_input(fetched.result, url_request(fetched.input), checker);
    if (verdict) verdict->data_id = url_entry(fetched.input).data_id;
    return verdict;
  });
}

unsigned worker_count(unsigned requested) {
  return requested ? requested : static_cast<unsigned>(tbb::info::default_concurrency());
}

// Watches `stop` (and the sink's own failure) while the graph runs; on either, stops the input and
// abandons the downloads in flight.
class StopWatcher final {
 public:
  StopWatcher(const std::atomic<bool>& stop, const std::atomic<bool>& failed, InputSource& source,
              Downloader& downloader)
      : thread_([&, this] { watch(stop, failed, source, downloader); }) {}
  // Stops watching without sitting out a poll interval; true if a stop was acted upon.
  bool finish() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_one();
    thread_.join();
    return interrupted_;
  }

 private:
  void watch(const std::atomic<bool>& stop, const std::atomic<bool>& failed, InputSource& source,
             Downloader& downloader) {
    std::unique_lock lock(mutex_);
    // Polled: `stop` is set by a signal handler, which cannot notify.
    while (!stop.load() && !failed.load()) {
      if (wake_.wait_for(lock, kStopPoll, [this] { return done_; })) return;
    }
    lock.unlock();
    interrupted_ = true;
    source.stop();
    downloader.shutdown(ShutdownMode::Abort);
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  bool interrupted_ = false;
  std::thread thread_;  // last: starts once everything above is built
};

}  // namespace

BatchResult run_batch(InputSource& source, const Checker& checker, const BatchOptions& options,
                      BatchSink& sink, const std::atomic<bool>& stop) {
  const unsigned threads = worker_count(options.threads);
  const DownloadPolicy& policy = options.download;
  Downloader downloader(policy);
  const std::size_t window = kWindowPerDownload * policy.max_in_flight + kWindowPerThread * threads;
  std::atomic<bool> output_failed{false};
  std::optional<std::string> output_error;
  StopWatcher watcher(stop, output_failed, source, downloader);

  tbb::task_arena arena(static_cast<int>(threads));
  arena.execute([&] {
    flow::graph graph;
    flow::input_node<BatchInput> inputs(graph, [&](tbb::flow_control& control) -> BatchInput {
      auto input = source.next();
      if (!input) control.stop();
      return input ? std::move(*input) : BatchInput{};
    });
    flow::limiter_node<BatchInput> in_flight(graph, window);
    RouteNode route(graph, flow::unlimited, [](const BatchInput& input, RouteNode::output_ports_type& ports) {
      if (std::holds_alternative<InputEntry>(input.source)) {
        std::get<0>(ports).try_put(input);
      } else if (auto rejected = reject_url_entry(url_entry(input), input.seq)) {
        std::get<2>(ports).try_put(Ordered{input.ordinal, std::move(rejected)});
      } else {
        std::get<1>(ports).try_put(input);
      }
    });
    flow::function_node<BatchInput, Ordered> check_file(graph, threads, [&](const BatchInput& input) {
      const auto& entry = std::get<InputEntry>(input.source);
      return Ordered{input.ordinal,
                     guarded(input, [&] { return check_local_input(entry, input.seq, checker); })};
    });
    flow::queue_node<BatchInput> url_queue(graph);
    // Downloads and the bodies they leave until checked are bounded by the downloader's own limit.
    flow::limiter_node<BatchInput> download_slots(graph, policy.max_in_flight);
    FetchNode fetch(graph, flow::unlimited, [&](const BatchInput& input, FetchNode::gateway_type& gateway) {
      gateway.reserve_wait();
      downloader.submit(input.name(), [&gateway, input](DownloadResult&& result) {
        gateway.try_put(Fetched{input, std::move(result)});
        gateway.release_wait();
      });
    });
    CheckUrlNode check_downloaded(
        graph, threads, [&](const Fetched& fetched, CheckUrlNode::output_ports_type& ports) {
          std::get<0>(ports).try_put(Ordered{fetched.input.ordinal, check_url(fetched, checker)});
          std::get<1>(ports).try_put(flow::continue_msg());
        });
    flow::sequencer_node<Ordered> in_order(graph, [](const Ordered& item) { return item.ordinal; });
    flow::function_node<Ordered, flow::continue_msg> write(graph, flow::serial, [&](const Ordered& item) {
      try {
        if (!output_failed.load()) sink.accept(item.verdict);
      } catch (const std::exception& failure) {
        output_error = failure.what();
        output_failed.store(true);
        sink.accept(std::nullopt);  // nothing more is written: the output ends with a whole record
      }
      return flow::continue_msg();
    });

    flow::make_edge(inputs, in_flight);
    flow::make_edge(in_flight, route);
    flow::make_edge(flow::output_port<0>(route), check_file);
    flow::make_edge(flow::output_port<1>(route), url_queue);
    flow::make_edge(flow::output_port<2>(route), in_order);
    flow::make_edge(check_file, in_order);
    flow::make_edge(url_queue, download_slots);
    flow::make_edge(download_slots, fetch);
    flow::make_edge(fetch, check_downloaded);
    flow::make_edge(flow::output_port<0>(check_downloaded), in_order);
    flow::make_edge(flow::output_port<1>(check_downloaded), download_slots.decrementer());
    flow::make_edge(in_order, write);
    flow::make_edge(write, in_flight.decrementer());
    inputs.activate();
    graph.wait_for_all();
  });
  const bool interrupted = watcher.finish();
  downloader.shutdown(ShutdownMode::Drain);
  return BatchResult{interrupted || sink.truncated(), output_error};
}

}  // namespace preflight
