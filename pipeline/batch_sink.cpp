#include "pipeline/batch_sink.h"

#include <chrono>

#include "pipeline/verdict_json.h"

namespace preflight {

BatchSink::BatchSink(EventOptions events, bool dedupe, RecordOutput& output, Summary& summary)
    : events_(std::move(events)), dedupe_(dedupe), output_(output), summary_(summary) {}

void BatchSink::accept(std::optional<Verdict> verdict) {
  if (truncated_ || !verdict) {
    truncated_ = true;
    return;
  }
  settle_billing(*verdict, events_.unit, dedupe_ ? &seen_ : nullptr);
  output_.append(verdict_to_json_line(*verdict), event_lines(*verdict));
  summary_.add(*verdict);
  if (on_billed_ && verdict->billable_units > 0) on_billed_(*verdict);
  written_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::string> BatchSink::event_lines(const Verdict& verdict) const {
  if (!output_.writes_events()) return {};
  return billable_event_lines(verdict, events_, utc_timestamp(std::chrono::system_clock::now()));
}

void BatchSink::restore(const Verdict& recorded) {
  if (dedupe_ && recorded.billable_units > 0 && recorded.sha256)
    seen_.find_or_add(*recorded.sha256, recorded.seq);
  summary_.add(recorded);
  if (on_billed_ && recorded.billable_units > 0) on_billed_(recorded);
}

}  // namespace preflight
