#pragma once

#include <string_view>

namespace preflight {

// How the content would reach the service (SPEC §2): by URL (R3 applies) or inline as base64 (R4 applies).
enum class InputMode { Url, Inline };

inline std::string_view input_mode_name(InputMode mode) { return mode == InputMode::Url ? "url" : "inline"; }

}  // namespace preflight
