#include "billing/money.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "billing/rounding.h"

namespace preflight::billing {
namespace {

constexpr std::int64_t kMicros = Money::kMicrosPerUnit;

TEST(BillMoney, ParsesDecimalStringsExactly) {
  EXPECT_EQ(Money::parse("25", Currency::CNY).micros(), 25 * kMicros);
  EXPECT_EQ(Money::parse("0.0032", Currency::CNY).micros(), 3200);
  EXPECT_EQ(Money::parse("16.5", Currency::USD).micros(), 16 * kMicros + kMicros / 2);
  EXPECT_EQ(Money::parse("0.000001", Currency::CNY).micros(), 1);
  EXPECT_EQ(Money::parse("360000", Currency::CNY).micros(), 360'000 * kMicros);
  EXPECT_EQ(Money::parse("16.5", Currency::USD).currency(), Currency::USD);
}

TEST(BillMoney, RefusesAnythingButAPlainDecimal) {
  for (const char* text : {"", ".5", "5.", "-1", "+1", "1e3", "1,000", "0.0000001", "1.2.3", " 1", "abc",
                           "99999999999999999999"}) {
    EXPECT_THROW(Money::parse(text, Currency::CNY), std::invalid_argument) << text;
  }
}

TEST(BillMoney, PrintsAtLeastTwoDecimalsAndNoTrailingZerosBeyond) {
  EXPECT_EQ(Money(148'868 * kMicros, Currency::CNY).to_string(), "148868.00");
  EXPECT_EQ(Money(3200, Currency::CNY).to_string(), "0.0032");
  EXPECT_EQ(Money(9 * kMicros, Currency::CNY).to_string(), "9.00");
  EXPECT_EQ(Money(0, Currency::CNY).to_string(), "0.00");
  EXPECT_EQ(Money(kMicros / 10, Currency::CNY).to_string(), "0.10");
  EXPECT_EQ(Money(-kMicros / 2, Currency::CNY).to_string(), "-0.50");
  EXPECT_EQ(Money::parse("0.0875", Currency::CNY).to_string(), "0.0875");
}

TEST(BillMoney, AddsOnlyTheSameCurrencyAndNeverOverflowsSilently) {
  EXPECT_EQ((Money(1, Currency::CNY) + Money(2, Currency::CNY)).micros(), 3);
  EXPECT_THROW(Money(1, Currency::CNY) + Money(1, Currency::USD), std::logic_error);
  EXPECT_THROW(Money(INT64_MAX, Currency::CNY) + Money(1, Currency::CNY), std::logic_error);
  EXPECT_EQ(currency_from_code("USD"), Currency::USD);
  EXPECT_THROW(currency_from_code("EUR"), std::invalid_argument);
}

// 35 images at 25 元 per 10,000: 0.0875 元, exactly, before rounding.
TEST(BillMoneyRounding, LineAmountIsExactThenRoundedOnce) {
  const Money per_10k = Money::parse("25", Currency::CNY);
  const Rounding exact{RoundingMode::HalfUp, 1};
  EXPECT_EQ(line_amount(35, per_10k, 10'000, exact).micros(), 35 * 25 * kMicros / 10'000);
  EXPECT_EQ(line_amount(35, per_10k, 10'000, Rounding{}).to_string(), "0.09");
  EXPECT_EQ(line_amount(1, per_10k, 10'000, Rounding{}).to_string(), "0.00");  // 0.0025 → 0.00
  EXPECT_EQ(line_amount(2, per_10k, 10'000, Rounding{}).to_string(), "0.01");  // 0.005 → 0.01 (half up)
}

struct RoundingRow {
  RoundingMode mode;
  std::uint64_t units;
  const char* expected;  // units × 0.0025 元, rounded to 0.01
};

class BillMoneyRoundingModes : public ::testing::TestWithParam<RoundingRow> {};

TEST_P(BillMoneyRoundingModes, RoundsEachLineAsTheModeSays) {
  const RoundingRow& row = GetParam();
  const Money per_call = Money::parse("0.0025", Currency::CNY);
  EXPECT_EQ(line_amount(row.units, per_call, 1, Rounding{row.mode, Rounding::kCentMicros}).to_string(),
            row.expected);
}

// 2 calls = 0.005 (a tie), 6 calls = 0.015 (a tie above an odd cent), 3 calls = 0.0075, 1 call = 0.0025.
INSTANTIATE_TEST_SUITE_P(Ties, BillMoneyRoundingModes,
                         ::testing::Values(RoundingRow{RoundingMode::HalfUp, 2, "0.01"},
                                           RoundingRow{RoundingMode::HalfEven, 2, "0.00"},
                                           RoundingRow{RoundingMode::HalfEven, 6, "0.02"},
                                           RoundingRow{RoundingMode::HalfUp, 3, "0.01"},
                                           RoundingRow{RoundingMode::HalfEven, 3, "0.01"},
                                           RoundingRow{RoundingMode::Down, 3, "0.00"},
                                           RoundingRow{RoundingMode::Up, 1, "0.01"},
                                           RoundingRow{RoundingMode::Down, 4, "0.01"},
                                           RoundingRow{RoundingMode::Up, 4, "0.01"}));

TEST(BillMoneyRounding, QuantumAndModeAreConfigurable) {
  EXPECT_EQ(Rounding::parse_quantum("0.01"), Rounding::kCentMicros);
  EXPECT_EQ(Rounding::parse_quantum("1"), kMicros);
  EXPECT_THROW(Rounding::parse_quantum("0"), std::invalid_argument);
  EXPECT_THROW(Rounding::parse_quantum("0.0000001"), std::invalid_argument);
  EXPECT_EQ(rounding_mode_from_name("half-even"), RoundingMode::HalfEven);
  EXPECT_THROW(rounding_mode_from_name("bankers"), std::invalid_argument);
  // To whole 元: 1,990,000 × 0.0032 = 6,368 exactly; 35 × 0.0025 = 0.0875 → 0.
  const Rounding whole{RoundingMode::HalfUp, kMicros};
  EXPECT_EQ(line_amount(1'990'000, Money::parse("0.0032", Currency::CNY), 1, whole).micros(),
            6'368 * kMicros);
  EXPECT_EQ(line_amount(35, Money::parse("25", Currency::CNY), 10'000, whole).micros(), 0);
  EXPECT_EQ(Rounding{}.description(), "half-up to 0.01");
}

TEST(BillMoneyRounding, HugeVolumesStayExactOrFailLoudly) {
  // 10^12 calls at 0.0032: 3.2 × 10^9 元, far beyond double's exact cents but exact here.
  const Money price = Money::parse("0.0032", Currency::CNY);
  EXPECT_EQ(line_amount(1'000'000'000'000, price, 1, Rounding{}).micros(), 3'200'000'000 * kMicros);
  EXPECT_THROW(line_amount(UINT64_MAX, Money::parse("1000", Currency::CNY), 1, Rounding{}),
               std::overflow_error);
  EXPECT_THROW(line_amount(1, price, 0, Rounding{}), std::invalid_argument);
}

}  // namespace
}  // namespace preflight::billing
