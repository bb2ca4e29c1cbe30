#pragma once

#include <array>
#include <string>
#include <string_view>

#include "billing/billable_event.h"

namespace preflight::billing {

// Parses one JSON Lines billable event (a CloudEvents 1.0 object). The whole line is checked against
// the JSON grammar (RFC 8259: strings, escapes, UTF-8, numbers, nesting), but only `specversion`, `type`,
// `id`, `time` and `data.service` / `data.units` / `data.action` are kept; other attributes and data
// fields are skipped without being stored. `data.units` defaults to 1. A hand-written scanner rather than
// a DOM, because billing reads hundreds of millions of lines. Reuse one parser for a whole stream.
class EventParser {
 public:
  // On success fills `event` and returns an empty string. The event's views point into `line` or into
  // this parser and are valid until the next call and while `line` lives. Otherwise returns what is wrong
  // with the line: "not valid JSON at column 17: …", "field \"time\" must be …, got …".
  std::string parse(std::string_view line, BillableEvent& event);

  enum Field : std::uint8_t { kSpecVersion, kType, kId, kTime, kService, kAction, kStringFields };

 private:
  std::array<std::string, kStringFields> unescaped_;  // for string fields written with escapes
};

}  // namespace preflight::billing
