#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>

#include "billing/event_deduplicator.h"
#include "billing/id_key.h"
#include "billing/id_table.h"
#include "tests/support/temp_dir.h"

namespace preflight::billing {
namespace {

constexpr std::size_t kTinyBudget = 4096;  // a few dozen ids: forces many spills

Usage usage_of(int day, std::uint64_t units) { return Usage{UsageKey{day, 0, true}, units}; }

// Feeds `ids` (with units = position + 1) through a deduplicator and returns the units counted per
// day, the way the rater counts: add on First, subtract on late duplicates.
struct Counted {
  std::int64_t units = 0;
  std::uint64_t in_memory_duplicates = 0;
  std::uint64_t late_duplicates = 0;
  std::size_t runs = 0;
};

Counted count(const std::vector<std::string>& ids, std::size_t budget,
              const std::filesystem::path& spill_dir) {
  EventDeduplicator dedupe(DedupeOptions{budget, spill_dir});
  Counted counted;
  Usage kept;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const Usage usage = usage_of(1, i + 1);
    if (dedupe.insert(ids[i], usage, kept) == EventDeduplicator::Seen::First) {
      counted.units += static_cast<std::int64_t>(usage.units);
    } else {
      ++counted.in_memory_duplicates;
    }
  }
  dedupe.finish([&](const Usage& dropped, const Usage&) {
    counted.units -= static_cast<std::int64_t>(dropped.units);
    ++counted.late_duplicates;
  });
  counted.runs = dedupe.runs_spilled();
  return counted;
}

// The reference: the units of each id's first occurrence.
std::int64_t first_occurrence_units(const std::vector<std::string>& ids) {
  std::set<std::string> seen;
  std::int64_t units = 0;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (seen.insert(ids[i]).second) units += static_cast<std::int64_t>(i + 1);
  return units;
}

std::vector<std::string> ids_with_repeats(std::size_t count, std::size_t distinct, bool hex) {
  std::mt19937_64 random(42);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t n = random() % distinct;
    ids.push_back(hex ? fmt::format("{:064x}", n * 0x9E3779B97F4A7C15ull) : fmt::format("input-{}", n));
  }
  return ids;
}

TEST(BillDedupe, InMemoryDuplicatesAreCaughtAtOnce) {
  preflight::testing::TempDir dir;
  const std::vector<std::string> ids = {"a", "b", "a", "c", "b", "a"};
  const Counted counted = count(ids, DedupeOptions::kDefaultMemoryBytes, dir.path());
  EXPECT_EQ(counted.units, first_occurrence_units(ids));  // 1 + 2 + 4
  EXPECT_EQ(counted.in_memory_duplicates, 3u);
  EXPECT_EQ(counted.late_duplicates, 0u);
  EXPECT_EQ(counted.runs, 0u);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));  // nothing spilled, no folder made
}

class BillDedupeSpill : public ::testing::TestWithParam<bool> {};

// Thousands of ids, a few hundred distinct, through a 4 KiB table: more than kMaxFanIn runs, so the
// merge goes through intermediate runs too; the result must equal counting first occurrences.
TEST_P(BillDedupeSpill, AcrossSpilledRunsEachIdCountsOnceAtItsFirstOccurrence) {
  preflight::testing::TempDir dir;
  const bool hex = GetParam();
  const std::vector<std::string> ids = ids_with_repeats(20'000, 3'000, hex);
  const Counted counted = count(ids, kTinyBudget, dir.path());
  EXPECT_GT(counted.runs, EventDeduplicator::kMaxFanIn);
  EXPECT_GT(counted.late_duplicates, 0u);
  EXPECT_EQ(counted.units, first_occurrence_units(ids));
  EXPECT_EQ(counted.in_memory_duplicates + counted.late_duplicates,
            ids.size() - std::set<std::string>(ids.begin(), ids.end()).size());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));  // spill folder removed
}

INSTANTIATE_TEST_SUITE_P(IdShapes, BillDedupeSpill, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "hex" : "text";
                         });

TEST(BillDedupe, LateDuplicateReportsTheFirstOccurrencesUsage) {
  preflight::testing::TempDir dir;
  EventDeduplicator dedupe(DedupeOptions{kTinyBudget, dir.path()});
  Usage kept;
  ASSERT_EQ(dedupe.insert("same", usage_of(5, 7), kept), EventDeduplicator::Seen::First);
  for (int i = 0; i < 1000; ++i) dedupe.insert(fmt::format("filler-{}", i), usage_of(1, 1), kept);
  ASSERT_GT(dedupe.runs_spilled(), 0u);
  ASSERT_EQ(dedupe.insert("same", usage_of(6, 9), kept),
            EventDeduplicator::Seen::First);  // "same" was spilled
  std::vector<std::pair<Usage, Usage>> late;
  dedupe.finish([&](const Usage& dropped, const Usage& first) { late.emplace_back(dropped, first); });
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].first, usage_of(6, 9));
  EXPECT_EQ(late[0].second, usage_of(5, 7));
}

TEST(BillDedupe, IdTableNeverExceedsItsBudget) {
  IdTable table(kTinyBudget);
  Usage kept;
  std::size_t inserted = 0;
  while (table.insert(fmt::format("id-{}", inserted), usage_of(1, 1), kept) == IdTable::Inserted::New)
    ++inserted;
  EXPECT_GT(inserted, 10u);
  EXPECT_EQ(table.size(), inserted);
  const std::vector<std::uint32_t> order = table.sorted_order();
  for (std::size_t i = 1; i < order.size(); ++i) {
    const auto previous = std::pair(table.hash(order[i - 1]), table.key(order[i - 1]));
    EXPECT_LT(previous, std::pair(table.hash(order[i]), table.key(order[i])));
  }
  table.clear();
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.insert("id-0", usage_of(1, 1), kept), IdTable::Inserted::New);
}

TEST(BillDedupe, IdKeysAreOneToOne) {
  std::string a, b;
  const std::vector<std::string> ids = {"ab", "AB", "aB", "abc", "0ab", "", "\x01\xab", "00", "0"};
  std::set<std::string> keys;
  for (const std::string& id : ids) {
    encode_id_key(id, a);
    keys.insert(a);
  }
  EXPECT_EQ(keys.size(), ids.size());
  encode_id_key(std::string(64, 'f'), b);
  EXPECT_EQ(b.size(), 33u);  // a SHA-256 hex id packs into 1 + 32 bytes
}

}  // namespace
}  // namespace preflight::billing
