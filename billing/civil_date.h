#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace preflight::billing {

// A calendar day as a count of days since 1970-01-01. Billing days and months are Asia/Shanghai days
// (UTC+8, no daylight saving) taken from the event time (SPEC §8).
using Day = std::int32_t;
// A calendar month as year × 12 + (month − 1).
using Month = std::int32_t;

inline constexpr std::int64_t kSettlementUtcOffsetSeconds = 8 * 3600;
inline constexpr std::int64_t kSecondsPerDay = 86'400;

// The UTC+8 day an instant (seconds since the Unix epoch, UTC) falls on.
Day settlement_day(std::int64_t unix_seconds);

Day day_from_civil(int year, unsigned month, unsigned day);
Month month_of(Day day);
// 2026-11-23 → 2026-11-01.
Day first_day_of(Month month);
// The first day not covered by something that starts on `start` and lasts `months` calendar months:
// 2026-10-01 + 12 → 2027-10-01; a start day missing from the target month rolls to the next month's first
// day (2028-02-29 + 12 → 2029-03-01).
Day add_months(Day start, int months);

// Parses "YYYY-MM-DD" (a real calendar date); returns false otherwise.
bool parse_date(std::string_view text, Day& day);
std::string format_day(Day day);        // "2026-11-23"
std::string format_month(Month month);  // "2026-11"

}  // namespace preflight::billing
