#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace preflight::billing {

// Parses an RFC 3339 timestamp, the CloudEvents `time` attribute: "2026-11-23T08:00:00Z",
// "2026-11-23T16:00:00.250+08:00" (fractional seconds are allowed and ignored; 't', 'z' and a space
// separator are accepted). Returns seconds since the Unix epoch (UTC), or nothing if `text` is not one.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

}  // namespace preflight::billing
