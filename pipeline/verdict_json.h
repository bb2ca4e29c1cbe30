#pragma once

#include <string>

#include "pipeline/verdict.h"

namespace preflight {

// The verdict as one JSON Lines record (SPEC §6), fields in the documented order, no trailing newline.
std::string verdict_to_json_line(const Verdict& verdict);

}  // namespace preflight
