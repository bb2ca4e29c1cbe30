#include "billing/id_table.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <limits>

namespace preflight::billing {
namespace {

// How the budget is split: a share for entries (with their index at most 50% loaded), the rest for key
// bytes. Half and half suits SHA-256 ids (33-byte keys); shorter or longer ids fill one part first, which
// only makes runs spill a little earlier.
constexpr std::size_t kEntryShareNumerator = 1;
constexpr std::size_t kEntryShareDenominator = 2;
constexpr std::size_t kMinimumBudget = 4096;
constexpr std::size_t kInitialSlots = 1024;
constexpr std::size_t kMaxArenaBytes = std::numeric_limits<std::uint32_t>::max();

}  // namespace

IdTable::IdTable(std::size_t memory_budget_bytes) {
  const std::size_t budget = std::max(memory_budget_bytes, kMinimumBudget);
  const std::size_t entry_budget = budget * kEntryShareNumerator / kEntryShareDenominator;
  // An entry costs its own bytes plus up to 2 × 2 index slots (the index is at most half full and its size
  // is rounded up to a power of two).
  const std::size_t per_entry = sizeof(Entry) + 4 * sizeof(std::uint32_t);
  max_entries_ =
      std::min<std::size_t>(entry_budget / per_entry, std::numeric_limits<std::uint32_t>::max() - 1);
  entries_.reserve(max_entries_);
  slots_.assign(std::min(kInitialSlots, std::bit_ceil(2 * max_entries_ + 1)), kEmptySlot);
  arena_capacity_ = std::min(budget - entry_budget, kMaxArenaBytes);
  arena_ = std::make_unique_for_overwrite<char[]>(arena_capacity_);
}

void IdTable::grow_index() {
  std::vector<std::uint32_t> grown(slots_.size() * 2, kEmptySlot);
  slots_.swap(grown);
  for (std::uint32_t index = 0; index < entries_.size(); ++index) {
    std::size_t slot = slot_of(entries_[index].hash);
    while (slots_[slot] != kEmptySlot) slot = (slot + 1) & (slots_.size() - 1);
    slots_[slot] = index + 1;
  }
}

IdTable::Inserted IdTable::insert(std::string_view key, const Usage& usage, Usage& kept) {
  const std::uint64_t hash = hash_of(key);
  std::size_t slot = slot_of(hash);
  for (; slots_[slot] != kEmptySlot; slot = (slot + 1) & (slots_.size() - 1)) {
    const Entry& entry = entries_[slots_[slot] - 1];
    if (entry.hash == hash && this->key(slots_[slot] - 1) == key) {
      kept = entry.usage;
      return Inserted::Duplicate;
    }
  }
  if (entries_.size() == max_entries_ || arena_capacity_ - arena_used_ < key.size()) return Inserted::Full;
  if (2 * (entries_.size() + 1) > slots_.size()) {
    grow_index();
    slot = slot_of(hash);
    while (slots_[slot] != kEmptySlot) slot = (slot + 1) & (slots_.size() - 1);
  }
  std::memcpy(arena_.get() + arena_used_, key.data(), key.size());
  entries_.push_back(
      {hash, static_cast<std::uint32_t>(arena_used_), static_cast<std::uint32_t>(key.size()), usage});
  arena_used_ += key.size();
  slots_[slot] = static_cast<std::uint32_t>(entries_.size());
  return Inserted::New;
}

std::string_view IdTable::key(std::uint32_t index) const {
  const Entry& entry = entries_[index];
  return {arena_.get() + entry.key_offset, entry.key_length};
}

std::uint64_t IdTable::hash_of(std::string_view key) { return std::hash<std::string_view>{}(key); }

std::vector<std::uint32_t> IdTable::sorted_order() const {
  // Sorting (hash, index) pairs keeps the comparisons in one contiguous array.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> pairs(entries_.size());
  for (std::uint32_t i = 0; i < pairs.size(); ++i) pairs[i] = {entries_[i].hash, i};
  std::sort(pairs.begin(), pairs.end(), [this](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : key(a.second) < key(b.second);
  });
  std::vector<std::uint32_t> order(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) order[i] = pairs[i].second;
  return order;
}

void IdTable::clear() {
  entries_.clear();
  arena_used_ = 0;
  std::fill(slots_.begin(), slots_.end(), kEmptySlot);
}

}  // namespace preflight::billing
