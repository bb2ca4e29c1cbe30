#include "pipeline/progress.h"

#include <fmt/format.h>

#include <cmath>

#include "pipeline/duration_text.h"

namespace preflight {
namespace {

std::string grouped(std::uint64_t value) {
  std::string digits = std::to_string(value);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(at, ",");
  return digits;
}

}  // namespace

std::string progress_line(std::uint64_t done, std::optional<std::uint64_t> total, double elapsed_seconds) {
  const double rate = elapsed_seconds > 0 ? static_cast<double>(done) / elapsed_seconds : 0.0;
  if (!total)
    return fmt::format("{} inputs · {}/s", grouped(done), grouped(static_cast<std::uint64_t>(rate)));
  const double percent = *total ? 100.0 * static_cast<double>(done) / static_cast<double>(*total) : 100.0;
  const std::uint64_t left = *total > done ? *total - done : 0;
  return fmt::format(
      "{} / {} inputs ({:.1f}%) · {}/s · ETA {}", grouped(done), grouped(*total), percent,
      grouped(static_cast<std::uint64_t>(rate)),
      rate > 0 ? duration_text(static_cast<std::uint64_t>(std::ceil(static_cast<double>(left) / rate)))
               : std::string("unknown"));
}

}  // namespace preflight
