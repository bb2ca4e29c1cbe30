#include "billing/rounding.h"

#include <fmt/format.h>

#include <array>
#include <limits>
#include <stdexcept>
#include <utility>

namespace preflight::billing {
namespace {

using Wide = unsigned __int128;

constexpr std::array<std::pair<RoundingMode, std::string_view>, 4> kModeNames = {{
    {RoundingMode::HalfUp, "half-up"},
    {RoundingMode::HalfEven, "half-even"},
    {RoundingMode::Up, "up"},
    {RoundingMode::Down, "down"},
}};

// Whether `quotient` + `remainder`/`divisor` rounds away from `quotient` under `mode`.
bool rounds_up(RoundingMode mode, Wide quotient, Wide remainder, Wide divisor) {
  if (remainder == 0) return false;
  switch (mode) {
    case RoundingMode::HalfUp:
      return 2 * remainder >= divisor;
    case RoundingMode::HalfEven:
      return 2 * remainder > divisor || (2 * remainder == divisor && quotient % 2 == 1);
    case RoundingMode::Up:
      return true;
    case RoundingMode::Down:
      return false;
  }
  return false;
}

}  // namespace

std::string_view rounding_mode_name(RoundingMode mode) {
  for (const auto& [known, name] : kModeNames)
    if (known == mode) return name;
  return "?";
}

RoundingMode rounding_mode_from_name(std::string_view name) {
  for (const auto& [mode, known] : kModeNames)
    if (known == name) return mode;
  throw std::invalid_argument(
      fmt::format("\"{}\" is not a rounding mode (half-up, half-even, up, down)", name));
}

std::int64_t Rounding::parse_quantum(std::string_view text) {
  const Money quantum = Money::parse(text, Currency::CNY);
  if (quantum.micros() <= 0)
    throw std::invalid_argument(fmt::format("rounding quantum \"{}\" must be positive (e.g. 0.01)", text));
  return quantum.micros();
}

std::string Rounding::description() const {
  return fmt::format("{} to {}", rounding_mode_name(mode), Money(quantum_micros, Currency::CNY).to_string());
}

Money line_amount(std::uint64_t units, const Money& price, std::uint64_t per, const Rounding& rounding) {
  if (per == 0 || rounding.quantum_micros <= 0 || price.micros() < 0)
    throw std::invalid_argument("line_amount: per and quantum must be positive, price non-negative");
  const Wide numerator = Wide{units} * static_cast<Wide>(price.micros());
  const Wide divisor = Wide{per} * static_cast<Wide>(rounding.quantum_micros);
  Wide quanta = numerator / divisor;
  if (rounds_up(rounding.mode, quanta, numerator % divisor, divisor)) ++quanta;
  const Wide micros = quanta * static_cast<Wide>(rounding.quantum_micros);
  if (micros > static_cast<Wide>(std::numeric_limits<std::int64_t>::max()))
    throw std::overflow_error(fmt::format("bill line of {} units overflows 64-bit micro-units", units));
  return Money(static_cast<std::int64_t>(micros), price.currency());
}

}  // namespace preflight::billing
