#include "billing/money.h"

#include <fmt/format.h>

#include <stdexcept>

namespace preflight::billing {
namespace {

constexpr int kMinShownDecimals = 2;

std::int64_t checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) throw std::logic_error("money: sum overflows 64-bit micro-units");
  return sum;
}

[[noreturn]] void fail_parse(std::string_view text) {
  throw std::invalid_argument(fmt::format(
      "\"{}\" is not an amount: write a decimal string with at most {} decimals, like \"0.0032\" or \"25\"",
      text, Money::kMaxDecimals));
}

bool all_digits(std::string_view text) {
  for (const char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

std::int64_t digits_value(std::string_view digits, std::string_view whole_text) {
  std::int64_t value = 0;
  for (const char c : digits) {
    if (__builtin_mul_overflow(value, 10, &value) || __builtin_add_overflow(value, c - '0', &value))
      fail_parse(whole_text);
  }
  return value;
}

}  // namespace

std::string_view currency_code(Currency currency) { return currency == Currency::CNY ? "CNY" : "USD"; }

Currency currency_from_code(std::string_view code) {
  if (code == "CNY") return Currency::CNY;
  if (code == "USD") return Currency::USD;
  throw std::invalid_argument(fmt::format("\"{}\" is not a supported currency (CNY, USD)", code));
}

Money Money::parse(std::string_view text, Currency currency) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  const bool well_formed = !whole.empty() && all_digits(whole) && all_digits(fraction) &&
                           (dot == std::string_view::npos || !fraction.empty()) &&
                           fraction.size() <= static_cast<std::size_t>(kMaxDecimals);
  if (!well_formed) fail_parse(text);
  std::int64_t micros = digits_value(whole, text);
  if (__builtin_mul_overflow(micros, kMicrosPerUnit, &micros)) fail_parse(text);
  std::int64_t fraction_micros = digits_value(fraction, text);
  for (std::size_t i = fraction.size(); i < static_cast<std::size_t>(kMaxDecimals); ++i)
    fraction_micros *= 10;
  return Money(checked_add(micros, fraction_micros), currency);
}

Money Money::operator+(const Money& other) const {
  if (currency_ != other.currency_) {
    throw std::logic_error(
        fmt::format("money: cannot add {} to {}", currency_code(other.currency_), currency_code(currency_)));
  }
  return Money(checked_add(micros_, other.micros_), currency_);
}

Money& Money::operator+=(const Money& other) { return *this = *this + other; }

std::string Money::to_string() const {
  const std::uint64_t magnitude =
      micros_ < 0 ? static_cast<std::uint64_t>(-(micros_ + 1)) + 1 : static_cast<std::uint64_t>(micros_);
  std::string fraction = fmt::format("{:06}", magnitude % kMicrosPerUnit);
  while (fraction.size() > static_cast<std::size_t>(kMinShownDecimals) && fraction.back() == '0')
    fraction.pop_back();
  return fmt::format("{}{}.{}", micros_ < 0 ? "-" : "", magnitude / kMicrosPerUnit, fraction);
}

}  // namespace preflight::billing
