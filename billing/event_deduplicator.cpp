#include "billing/event_deduplicator.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <queue>
#include <stdexcept>

#include "billing/id_key.h"
#include "billing/spill_run.h"

namespace preflight::billing {
namespace {

std::filesystem::path make_spill_folder(const std::filesystem::path& parent) {
  const std::filesystem::path base = parent.empty() ? std::filesystem::temp_directory_path() : parent;
  std::string pattern = (base / "preflight-bill-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(
        fmt::format("cannot create a de-duplication spill folder in {} ({}); choose another "
                    "with --spill-dir",
                    base.string(), std::strerror(errno)));
  }
  return pattern;
}

}  // namespace

EventDeduplicator::EventDeduplicator(DedupeOptions options)
    : options_(std::move(options)), table_(options_.memory_budget_bytes) {}

EventDeduplicator::~EventDeduplicator() {
  if (folder_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

EventDeduplicator::Seen EventDeduplicator::insert(std::string_view id, const Usage& usage, Usage& kept) {
  if (finished_) throw std::logic_error("EventDeduplicator::insert after finish");
  encode_id_key(id, key_);
  IdTable::Inserted inserted = table_.insert(key_, usage, kept);
  if (inserted == IdTable::Inserted::Full) {
    spill();
    inserted = table_.insert(key_, usage, kept);
    if (inserted == IdTable::Inserted::Full) {
      throw std::invalid_argument(
          fmt::format("event id of {} bytes does not fit the de-duplication memory budget", id.size()));
    }
  }
  return inserted == IdTable::Inserted::Duplicate ? Seen::Duplicate : Seen::First;
}

std::filesystem::path EventDeduplicator::next_run_path() {
  if (folder_.empty()) folder_ = make_spill_folder(options_.spill_dir);
  return folder_ / fmt::format("run-{:06}.bin", files_made_++);
}

void EventDeduplicator::spill() {
  const std::filesystem::path path = next_run_path();
  RunWriter writer(path);
  for (const std::uint32_t index : table_.sorted_order())
    writer.write(table_.hash(index), table_.key(index), table_.usage(index));
  writer.close();
  runs_.push_back(path);
  ++runs_spilled_;
  table_.clear();
}

void EventDeduplicator::merge_runs(const std::vector<std::filesystem::path>& runs,
                                   const std::filesystem::path* output, const LateDuplicate& late) {
  std::vector<std::unique_ptr<RunReader>> readers;
  for (const auto& run : runs) readers.push_back(std::make_unique<RunReader>(run));
  // The heap's top is the smallest (hash, key); among equal keys, the oldest run (lowest index).
  const auto later = [&readers](std::size_t a, std::size_t b) {
    const RunReader& x = *readers[a];
    const RunReader& y = *readers[b];
    if (x.hash() != y.hash()) return x.hash() > y.hash();
    const int order = x.key().compare(y.key());
    return order != 0 ? order > 0 : a > b;
  };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heap(later);
  for (std::size_t i = 0; i < readers.size(); ++i)
    if (readers[i]->next()) heap.push(i);
  std::unique_ptr<RunWriter> writer = output ? std::make_unique<RunWriter>(*output) : nullptr;
  std::string first_key;
  std::uint64_t first_hash = 0;
  Usage first_usage;
  bool any = false;
  while (!heap.empty()) {
    const std::size_t top = heap.top();
    heap.pop();
    RunReader& reader = *readers[top];
    if (any && reader.hash() == first_hash && reader.key() == first_key) {
      late(reader.usage(), first_usage);
    } else {
      first_hash = reader.hash();
      first_key = reader.key();
      first_usage = reader.usage();
      any = true;
      if (writer) writer->write(first_hash, first_key, first_usage);
    }
    if (reader.next()) heap.push(top);
  }
  if (writer) writer->close();
}

void EventDeduplicator::finish(const LateDuplicate& late) {
  if (finished_) return;
  finished_ = true;
  if (runs_.empty()) return;  // nothing was spilled: every duplicate was caught in memory
  spill();
  while (runs_.size() > kMaxFanIn) {
    const std::vector<std::filesystem::path> group(runs_.begin(), runs_.begin() + kMaxFanIn);
    const std::filesystem::path merged = next_run_path();
    merge_runs(group, &merged, late);
    runs_.erase(runs_.begin(), runs_.begin() + kMaxFanIn);
    runs_.push_front(merged);
    for (const auto& run : group) std::filesystem::remove(run);
  }
  merge_runs({runs_.begin(), runs_.end()}, nullptr, late);
  runs_.clear();
  std::filesystem::remove_all(folder_);
  folder_.clear();
}

}  // namespace preflight::billing
