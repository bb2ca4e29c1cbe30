#include "billing/civil_date.h"

#include <fmt/format.h>

#include <chrono>

namespace preflight::billing {
namespace {

namespace chr = std::chrono;

constexpr int kMonthsPerYear = 12;

chr::year_month_day civil(Day day) { return chr::year_month_day{chr::sys_days{chr::days{day}}}; }

bool parse_digits(std::string_view text, std::size_t from, std::size_t count, int& value) {
  value = 0;
  for (std::size_t i = from; i < from + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

Day settlement_day(std::int64_t unix_seconds) {
  const std::int64_t local = unix_seconds + kSettlementUtcOffsetSeconds;
  std::int64_t day = local / kSecondsPerDay;
  if (local % kSecondsPerDay < 0) --day;  // floor, for instants before 1970
  return static_cast<Day>(day);
}

Day day_from_civil(int year, unsigned month, unsigned day) {
  const chr::year_month_day date{chr::year{year}, chr::month{month}, chr::day{day}};
  return static_cast<Day>(chr::sys_days{date}.time_since_epoch().count());
}

Month month_of(Day day) {
  const chr::year_month_day date = civil(day);
  return static_cast<int>(date.year()) * kMonthsPerYear + static_cast<int>(unsigned(date.month())) - 1;
}

Day first_day_of(Month month) {
  const int year = month >= 0 ? month / kMonthsPerYear : (month - kMonthsPerYear + 1) / kMonthsPerYear;
  return day_from_civil(year, static_cast<unsigned>(month - year * kMonthsPerYear + 1), 1);
}

Day add_months(Day start, int months) {
  const chr::year_month_day from = civil(start);
  const chr::year_month_day target = from + chr::months{months};
  if (target.ok()) return static_cast<Day>(chr::sys_days{target}.time_since_epoch().count());
  const chr::year_month next_month = chr::year_month{target.year(), target.month()} + chr::months{1};
  return static_cast<Day>(chr::sys_days{next_month / chr::day{1}}.time_since_epoch().count());
}

bool parse_date(std::string_view text, Day& day) {
  constexpr std::size_t kLength = 10;  // YYYY-MM-DD
  int year = 0, month = 0, mday = 0;
  if (text.size() != kLength || text[4] != '-' || text[7] != '-') return false;
  if (!parse_digits(text, 0, 4, year) || !parse_digits(text, 5, 2, month) || !parse_digits(text, 8, 2, mday))
    return false;
  const chr::year_month_day date{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                                 chr::day{static_cast<unsigned>(mday)}};
  if (!date.ok()) return false;
  day = static_cast<Day>(chr::sys_days{date}.time_since_epoch().count());
  return true;
}

std::string format_day(Day day) {
  const chr::year_month_day date = civil(day);
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()), unsigned(date.month()),
                     unsigned(date.day()));
}

std::string format_month(Month month) {
  const chr::year_month_day date = civil(first_day_of(month));
  return fmt::format("{:04}-{:02}", static_cast<int>(date.year()), unsigned(date.month()));
}

}  // namespace preflight::billing
