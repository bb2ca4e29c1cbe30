// Covers parse_plan(): the JSON parser and the field-by-field validation of a price plan.
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "billing/plan.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    preflight::billing::parse_plan({reinterpret_cast<const char*>(data), size}, "fuzz.json");
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
