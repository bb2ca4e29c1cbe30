#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace preflight {

// The progress line shown on a terminal: "12,345 / 1,000,000 inputs (1.2%) · 4,321/s · ETA 3 min 48 s",
// or without the total and ETA when the number of inputs is not known in advance.
std::string progress_line(std::uint64_t done, std::optional<std::uint64_t> total, double elapsed_seconds);

}  // namespace preflight
