#pragma once

#include <string>
#include <string_view>

#include "pipeline/verdict.h"

namespace preflight {

// The verdict as one JSON Lines record (SPEC §6), fields in the documented order, no trailing newline.
std::string verdict_to_json_line(const Verdict& verdict);

// One record written by verdict_to_json_line, read back (for --resume and merge). Throws
// std::invalid_argument naming the field when the line is not such a record: not a JSON object, a field
// missing, of the wrong type or out of range, an unknown mode/verdict/format name, or an unknown field.
Verdict verdict_from_json(std::string_view line);

// What a record holds for `text` once written and read back: bytes that are not UTF-8 replaced.
std::string record_text(std::string_view text);

}  // namespace preflight
