#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/billable_event.h"
#include "pipeline/duplicate_content.h"
#include "pipeline/record_output.h"
#include "pipeline/summary.h"
#include "pipeline/verdict.h"

namespace preflight {

// The end of a batch: takes verdicts in input order, settles what each bills (`--units`, `--dedupe`),
// builds its events, writes events and record to the output and counts it in the summary.
class BatchSink final {
 public:
  BatchSink(EventOptions events, bool dedupe, RecordOutput& output, Summary& summary);

  // The next verdict in input order. nullopt marks an input abandoned because the run was interrupted:
  // nothing from it on is written, so the output stays a gap-free prefix that --resume continues.
  void accept(std::optional<Verdict> verdict);
  // A record an earlier run of this batch wrote (--resume): counted again and remembered for --dedupe.
  void restore(const Verdict& recorded);

  // Called with every verdict that bills (this run's and restored ones), e.g. to price them as they come.
  void on_billed(std::function<void(const Verdict&)> callback) { on_billed_ = std::move(callback); }

  std::uint64_t written() const { return written_.load(std::memory_order_relaxed); }
  bool truncated() const { return truncated_; }

 private:
  // The verdict's billable events, if the output writes them.
  std::vector<std::string> event_lines(const Verdict& verdict) const;

  EventOptions events_;
  bool dedupe_;
  RecordOutput& output_;
  Summary& summary_;
  DuplicateContent seen_;
  std::function<void(const Verdict&)> on_billed_;
  std::atomic<std::uint64_t> written_{0};  // read by the progress line from another thread
  bool truncated_ = false;
};

}  // namespace preflight
