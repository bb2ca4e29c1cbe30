#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/verdict.h"

namespace preflight {

// `--units`: what one billable event counts (SPEC §7).
enum class BillingUnit {
  Image,  // 1 per accepted image
  Frame,  // 1 per sampled frame
};

// What the events of a batch carry besides each verdict.
struct EventOptions {
  std::vector<std::string> services{"ims"};  // `--services`: one event per service per billed image
  BillingUnit unit = BillingUnit::Image;
  std::string profile;  // the rule profile's name
};

// The units the service bills for this verdict: 0 unless accepted.
std::uint32_t billable_units_for(const Verdict& verdict, BillingUnit unit);

// SPEC §7's deterministic id: a hash of the service, the input and its content hash, so that re-running
// or resuming a batch produces the same ids.
std::string billable_event_id(std::string_view service, std::string_view input, std::string_view sha256);

// "2026-11-23T08:00:00Z"
std::string utc_timestamp(std::chrono::system_clock::time_point time);

// The CloudEvents 1.0 lines (no newline) for one verdict: one per service when it bills any unit, none
// otherwise. `data.seq` is the record's seq, which joins an event to its record.
std::vector<std::string> billable_event_lines(const Verdict& verdict, const EventOptions& options,
                                              std::string_view time);

// The `data.seq` of an event line written by billable_event_lines(), without parsing the whole line.
std::optional<std::uint64_t> billable_event_seq(std::string_view line);

}  // namespace preflight
