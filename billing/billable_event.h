#pragma once

#include <cstdint>
#include <string_view>

namespace preflight::billing {

// One billable event (SPEC §7) as the rater needs it. The views must stay valid only for the duration of
// the call they are passed to.
struct BillableEvent {
  std::string_view id;            // de-duplication key (exactly-once by id)
  std::int64_t unix_seconds = 0;  // the event `time`, UTC
  std::string_view service;       // `data.service`: ims, tiia.label, face.search, …
  std::uint64_t units = 1;        // `data.units`: how many billable calls this event stands for
  std::string_view action;        // `data.action`, empty when absent (face.group: create_person, …)
};

inline constexpr std::string_view kBillableEventType = "preflight.billable.v1";
inline constexpr std::string_view kCloudEventsSpecVersion = "1.0";

}  // namespace preflight::billing
