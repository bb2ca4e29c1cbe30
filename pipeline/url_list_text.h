#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace preflight {

// Offset of the first byte of `text` that does not start a well-formed UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or npos when all of it is valid.
std::size_t invalid_utf8_offset(std::string_view text);

// `text` made safe to show and serialise: NUL bytes and bytes that are not valid UTF-8 become U+FFFD.
std::string displayable(std::string_view text);

// At most `max_bytes` of `text`, cut on a character boundary, made displayable, with "…" when cut.
std::string displayable_prefix(std::string_view text, std::size_t max_bytes);

}  // namespace preflight
