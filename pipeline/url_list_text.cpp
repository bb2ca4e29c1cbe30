#include "pipeline/url_list_text.h"

namespace preflight {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Length of the well-formed sequence at the start of `text` (Unicode Table 3-7), or 0 if there is none.
std::size_t sequence_length(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;  // bounds of the second byte, narrower after some leads
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (!is_continuation(byte(i))) return 0;
  }
  return length;
}

}  // namespace

std::size_t invalid_utf8_offset(std::string_view text) {
  for (std::size_t offset = 0; offset < text.size();) {
    const std::size_t length = sequence_length(text.substr(offset));
    if (length == 0) return offset;
    offset += length;
  }
  return std::string_view::npos;
}

std::string displayable(std::string_view text) {
  std::string shown;
  shown.reserve(text.size());
  for (std::size_t offset = 0; offset < text.size();) {
    const std::size_t length = text[offset] == '\0' ? 0 : sequence_length(text.substr(offset));
    shown += length == 0 ? kReplacement : text.substr(offset, length);
    offset += length == 0 ? 1 : length;
  }
  return shown;
}

std::string displayable_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return displayable(text);
  std::size_t cut = max_bytes;
  // Back up over at most three continuation bytes so a character is not split in two.
  while (cut > 0 && max_bytes - cut < 3 && is_continuation(static_cast<unsigned char>(text[cut]))) --cut;
  return displayable(text.substr(0, cut)) + "…";
}

}  // namespace preflight
