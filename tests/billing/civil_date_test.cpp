#include "billing/civil_date.h"

#include <gtest/gtest.h>

#include "billing/rfc3339.h"

namespace preflight::billing {
namespace {

Day date(const char* text) {
  Day day = 0;
  EXPECT_TRUE(parse_date(text, day)) << text;
  return day;
}

std::string local_day(const char* rfc3339) { return format_day(settlement_day(*parse_rfc3339(rfc3339))); }

TEST(BillCivilDate, SettlementDaysAreUtcPlus8) {
  // 23:59:59 and 00:00:00 Beijing time, written in UTC and with the +08:00 offset.
  EXPECT_EQ(local_day("2026-11-23T15:59:59Z"), "2026-11-23");
  EXPECT_EQ(local_day("2026-11-23T16:00:00Z"), "2026-11-24");
  EXPECT_EQ(local_day("2026-11-23T23:59:59+08:00"), "2026-11-23");
  EXPECT_EQ(local_day("2026-11-24T00:00:00+08:00"), "2026-11-24");
  EXPECT_EQ(local_day("2026-11-23T20:00:00-05:00"), "2026-11-24");  // 01:00Z next day → 09:00 Beijing
  EXPECT_EQ(local_day("1969-12-31T15:59:59Z"), "1969-12-31");       // before the epoch: floor, not truncation
  EXPECT_EQ(local_day("1969-12-31T16:00:00Z"), "1970-01-01");
}

TEST(BillCivilDate, MonthsAndFormatting) {
  EXPECT_EQ(format_month(month_of(date("2026-11-30"))), "2026-11");
  EXPECT_EQ(format_month(month_of(date("2026-12-01"))), "2026-12");
  EXPECT_EQ(first_day_of(month_of(date("2026-02-17"))), date("2026-02-01"));
  EXPECT_EQ(format_day(date("2028-02-29")), "2028-02-29");
  EXPECT_EQ(format_month(month_of(date("1969-07-20"))), "1969-07");
}

TEST(BillCivilDate, AddMonthsEndsOnTheAnniversaryOrTheFirstDayAfterAMissingOne) {
  EXPECT_EQ(add_months(date("2026-10-01"), 12), date("2027-10-01"));
  EXPECT_EQ(add_months(date("2028-02-29"), 12), date("2029-03-01"));
  EXPECT_EQ(add_months(date("2026-01-31"), 1), date("2026-03-01"));
  EXPECT_EQ(add_months(date("2026-12-15"), 1), date("2027-01-15"));
}

TEST(BillCivilDate, ParseDateRefusesImpossibleOrMisshapenDates) {
  Day day = 0;
  for (const char* text : {"2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "2026/01/01", "26-01-01",
                           "2026-01-01T00:00:00Z", ""})
    EXPECT_FALSE(parse_date(text, day)) << text;
}

TEST(BillRfc3339, AcceptsTheRfcFormsAndRefusesTheRest) {
  EXPECT_EQ(*parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*parse_rfc3339("1970-01-01T08:00:00+08:00"), 0);
  EXPECT_EQ(*parse_rfc3339("1970-01-01t00:00:01.999z"), 1);  // fractions ignored, not rounded
  EXPECT_EQ(*parse_rfc3339("1970-01-01 00:01:00Z"), 60);
  EXPECT_EQ(*parse_rfc3339("2026-11-23T08:00:00Z"), 1'795'420'800);
  EXPECT_EQ(*parse_rfc3339("2016-12-31T23:59:60Z"), *parse_rfc3339("2016-12-31T23:59:59Z"));  // leap second
  for (const char* text : {"2026-11-23T08:00:00", "2026-11-23", "2026-11-23T24:00:00Z",
                           "2026-11-23T08:60:00Z", "2026-02-30T08:00:00Z", "2026-11-23T08:00:00+8:00",
                           "2026-11-23T08:00:00.Z", "2026-11-23T08:00:00Zjunk", "1795420800", "yesterday"})
    EXPECT_FALSE(parse_rfc3339(text).has_value()) << text;
}

}  // namespace
}  // namespace preflight::billing
