#pragma once

#include <cstdint>
#include <string>

namespace preflight {

// "42 s", "3 min 48 s", "2 h 5 min": a duration for people.
std::string duration_text(std::uint64_t seconds);

}  // namespace preflight
