// Covers EventParser::parse(): the hand-written JSON scanner, string unescaping, RFC 3339 times and the
// CloudEvents envelope checks, on each line of the input with one parser reused (as billing does).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "billing/event_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  preflight::billing::EventParser parser;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    preflight::billing::BillableEvent event;
    const std::string problem = parser.parse(rest.substr(0, end), event);
    if (problem.empty() && (event.id.empty() || event.service.empty() || event.units == 0)) {
      std::fprintf(stderr, "fuzz_event: accepted an event without id, service or units\n");
      std::abort();
    }
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  return 0;
}
