#pragma once

#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "billing/id_table.h"
#include "billing/usage.h"

namespace preflight::billing {

struct DedupeOptions {
  static constexpr std::size_t kDefaultMemoryBytes = 64u << 20;

  std::size_t memory_budget_bytes = kDefaultMemoryBytes;
  std::filesystem::path spill_dir;  // where sorted runs go; empty: the system temp folder
};

// Exactly-once by event id in bounded memory.
//
// Ids are held in an IdTable of fixed budget. An id already in the table is a duplicate at once. When
// the table fills it is written out as a run sorted by (hash of id, id) (a temp file) and cleared, so an id
// may repeat one that was spilled earlier: such an event is counted when it arrives and corrected at the end.
// finish() k-way merges the runs (oldest run first among equal ids, at most kMaxFanIn files open; more
// runs are first merged in consecutive groups into one run that keeps only each id's first occurrence)
// and reports every later occurrence of an id, whose usage the caller then subtracts. Since totals are
// sums, subtracting is exact: the result is what counting each id once, at its first occurrence in input
// order, gives. Memory: the budget plus kMaxFanIn read buffers, whatever the number of events; disk:
// about (key + 27) bytes per distinct id when spilling.
class EventDeduplicator {
 public:
  static constexpr std::size_t kMaxFanIn = 64;

  // `dropped` was counted but repeats an earlier id whose first occurrence was counted as `kept`.
  using LateDuplicate = std::function<void(const Usage& dropped, const Usage& kept)>;
  enum class Seen { First, Duplicate };

  explicit EventDeduplicator(DedupeOptions options = {});
  ~EventDeduplicator();
  EventDeduplicator(const EventDeduplicator&) = delete;
  EventDeduplicator& operator=(const EventDeduplicator&) = delete;

  // First: count the event now. Duplicate: its id is in memory; `kept` is the first occurrence's usage.
  Seen insert(std::string_view id, const Usage& usage, Usage& kept);
  // Merges the spilled runs and reports the late duplicates. Call once, after the last insert().
  void finish(const LateDuplicate& late);

  std::size_t runs_spilled() const { return runs_spilled_; }

 private:
  void spill();
  std::filesystem::path next_run_path();
  void merge_runs(const std::vector<std::filesystem::path>& runs, const std::filesystem::path* output,
                  const LateDuplicate& late);

  DedupeOptions options_;
  IdTable table_;
  std::string key_;
  std::filesystem::path folder_;  // created at the first spill, removed with everything in it
  std::deque<std::filesystem::path> runs_;
  std::size_t runs_spilled_ = 0;
  std::size_t files_made_ = 0;
  bool finished_ = false;
};

}  // namespace preflight::billing
