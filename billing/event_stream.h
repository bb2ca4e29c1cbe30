#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "billing/rater.h"

namespace preflight::billing {

struct EventStreamOptions {
  static constexpr std::size_t kDefaultReportedBadLines = 10;

  bool skip_bad = false;  // skip malformed lines and bad events instead of failing
  std::size_t reported_bad_lines = kDefaultReportedBadLines;  // how many skipped lines to describe
};

struct EventStreamReport {
  std::uint64_t lines = 0;                     // non-blank lines read
  std::uint64_t skipped_bad = 0;               // lines skipped (skip_bad only)
  std::vector<std::string> bad_line_messages;  // "file:line: what", the first reported_bad_lines of them
};

// Reads one JSON Lines file of billable events ("-" = stdin) into `rater`, line by line in constant
// memory. Blank lines are ignored. A malformed line, or an event the rater calls bad (unknown service,
// missing action), throws std::invalid_argument "file:line: what … (pass --skip-bad …)" unless
// `skip_bad`, which counts it in `report` instead. An event whose service the plan does not price, or
// whose units overflow a 64-bit total, always throws, with the file and line. I/O errors throw
// std::runtime_error.
void read_event_stream(const std::string& path, Rater& rater, const EventStreamOptions& options,
                       EventStreamReport& report);

}  // namespace preflight::billing
