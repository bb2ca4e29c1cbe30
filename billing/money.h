#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace preflight::billing {

// The currencies the shipped plans are priced in.
enum class Currency : std::uint8_t { CNY, USD };

std::string_view currency_code(Currency currency);
// "CNY" or "USD"; throws std::invalid_argument naming the accepted codes otherwise.
Currency currency_from_code(std::string_view code);

// An exact amount of money: a whole number of micro-units (1e-6 of the currency's major unit: 元, dollar).
// Per-call prices have at most 4 decimals (0.0032 元), so every plan price is an exact integer here and
// every bill line is computed by integer arithmetic before it is rounded (see rounding.h). No floating
// point anywhere.
class Money {
 public:
  static constexpr std::int64_t kMicrosPerUnit = 1'000'000;
  static constexpr int kMaxDecimals = 6;

  constexpr Money() = default;
  constexpr Money(std::int64_t micros, Currency currency) : micros_(micros), currency_(currency) {}

  // Parses a non-negative decimal string with at most six decimals ("25", "0.0032", "16.5"); throws
  // std::invalid_argument otherwise. Exponents, signs and thousands separators are refused.
  static Money parse(std::string_view text, Currency currency);

  constexpr std::int64_t micros() const { return micros_; }
  constexpr Currency currency() const { return currency_; }

  // Adds two amounts of the same currency; throws std::logic_error on mixed currencies or overflow.
  Money operator+(const Money& other) const;
  Money& operator+=(const Money& other);
  bool operator==(const Money&) const = default;

  // Decimal text with at least two decimals and no trailing zeros beyond them: "148868.00", "0.0032".
  std::string to_string() const;

 private:
  std::int64_t micros_ = 0;
  Currency currency_ = Currency::CNY;
};

}  // namespace preflight::billing
