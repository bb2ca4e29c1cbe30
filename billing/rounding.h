#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "billing/money.h"

namespace preflight::billing {

// How an exact bill-line amount becomes a payable one. SPEC §8 leaves rounding open and sets the default:
// each bill line half-up to 0.01.
enum class RoundingMode : std::uint8_t { HalfUp, HalfEven, Up, Down };

std::string_view rounding_mode_name(RoundingMode mode);
// "half-up", "half-even", "up" or "down"; throws std::invalid_argument otherwise.
RoundingMode rounding_mode_from_name(std::string_view name);

struct Rounding {
  static constexpr std::int64_t kCentMicros = 10'000;

  RoundingMode mode = RoundingMode::HalfUp;
  std::int64_t quantum_micros = kCentMicros;  // lines are rounded to a multiple of this; 1 = no rounding

  // Parses a quantum such as "0.01", "1" or "0.000001"; throws std::invalid_argument if it is not a
  // positive decimal with at most six decimals.
  static std::int64_t parse_quantum(std::string_view text);
  std::string description() const;  // "half-up to 0.01"
};

// The amount of one bill line, `units` × `price` / `per` (e.g. 1,990,000 calls × 0.0032 元 / 1 call, or
// 35 images × 25 元 / 10,000 images), computed exactly in 128-bit integers and rounded once, to the
// quantum. Throws std::overflow_error if the result does not fit in 64-bit micro-units.
Money line_amount(std::uint64_t units, const Money& price, std::uint64_t per, const Rounding& rounding);

}  // namespace preflight::billing
