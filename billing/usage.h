#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>

#include "billing/civil_date.h"
#include "billing/service_names.h"

namespace preflight::billing {

// What the rater aggregates events by: the settlement (UTC+8) day, the service, and whether the event's
// action bills (face.group bills only some actions; every other service always bills).
struct UsageKey {
  Day day = 0;
  ServiceId service = 0;
  bool billable = true;

  auto operator<=>(const UsageKey&) const = default;
};

// One event's contribution: `units` calls under `key`.
struct Usage {
  UsageKey key;
  std::uint64_t units = 0;

  bool operator==(const Usage&) const = default;
};

// Totals under one key.
struct UsageCount {
  std::uint64_t units = 0;
  std::uint64_t events = 0;
};

// `total += more`, refusing to wrap: totals beyond 2^64 calls are an input error, not a bill.
inline void add_units(std::uint64_t& total, std::uint64_t more) {
  if (__builtin_add_overflow(total, more, &total))
    throw std::overflow_error("usage total overflows 64 bits (more than 1.8e19 calls): check data.units");
}

struct UsageKeyHash {
  std::size_t operator()(const UsageKey& key) const {
    const std::uint64_t packed = (std::uint64_t(std::uint32_t(key.day)) << 32) |
                                 (std::uint64_t(key.service) << 1) | std::uint64_t(key.billable);
    return std::hash<std::uint64_t>{}(packed);
  }
};

}  // namespace preflight::billing
