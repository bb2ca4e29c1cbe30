#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "billing/usage.h"

namespace preflight::billing {

// The in-memory part of event de-duplication: a set of id keys (with the usage each was counted under)
// whose memory can never exceed its budget: one arena for the key bytes and one entry array, reserved
// from the budget up front (pages are touched only as they fill), and an open-addressing index that
// doubles up to the size the entry cap needs. When the arena or the entries are full, insert() says so
// and the owner spills the table to disk as a sorted run and clears it.
class IdTable {
 public:
  enum class Inserted { New, Duplicate, Full };

  explicit IdTable(std::size_t memory_budget_bytes);

  // Adds `key` (with its usage). Duplicate: the key is already here, `kept` receives its usage.
  Inserted insert(std::string_view key, const Usage& usage, Usage& kept);

  std::size_t size() const { return entries_.size(); }
  // Entry indices in run order — ascending (hash, key), a total order that is cheap to sort and merge
  // (hashes are compared first, keys only when hashes tie) — for writing a sorted run.
  std::vector<std::uint32_t> sorted_order() const;
  std::string_view key(std::uint32_t index) const;
  std::uint64_t hash(std::uint32_t index) const { return entries_[index].hash; }
  static std::uint64_t hash_of(std::string_view key);
  const Usage& usage(std::uint32_t index) const { return entries_[index].usage; }
  void clear();

 private:
  struct Entry {
    std::uint64_t hash;
    std::uint32_t key_offset;
    std::uint32_t key_length;
    Usage usage;
  };
  static constexpr std::uint32_t kEmptySlot = 0;  // slots hold entry index + 1

  std::size_t slot_of(std::uint64_t hash) const { return hash & (slots_.size() - 1); }
  void grow_index();

  std::unique_ptr<char[]> arena_;
  std::size_t arena_capacity_ = 0;
  std::size_t arena_used_ = 0;
  std::vector<Entry> entries_;
  std::size_t max_entries_ = 0;
  std::vector<std::uint32_t> slots_;
};

}  // namespace preflight::billing
