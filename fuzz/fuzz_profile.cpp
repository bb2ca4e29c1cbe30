// Covers parse_profile(): the JSON parser, field validation and the consistency checks of a rule profile.
#include <cstdint>
#include <string_view>

#include "pipeline/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    preflight::parse_profile({reinterpret_cast<const char*>(data), size}, "fuzz.json");
  } catch (const preflight::ProfileError&) {
  }
  return 0;
}
