#include "billing/id_key.h"

#include <array>

namespace preflight::billing {
namespace {

constexpr char kVerbatimMarker = '\0';
constexpr char kPackedHexMarker = '\1';
constexpr std::uint8_t kNotHex = 0xFF;

// Lowercase hex digit values by byte; a table, because random digits make a branchy test mispredict
// about every other character (ids are digests).
constexpr std::array<std::uint8_t, 256> kHexValue = [] {
  std::array<std::uint8_t, 256> table{};
  table.fill(kNotHex);
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<std::uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<std::uint8_t>(c - 'a' + 10);
  return table;
}();

std::uint8_t hex_value(char c) { return kHexValue[static_cast<unsigned char>(c)]; }

bool is_lowercase_hex(std::string_view id) {
  if (id.empty() || id.size() % 2 != 0) return false;
  std::uint8_t any_bad = 0;
  for (const char c : id) any_bad |= hex_value(c) & 0xF0;  // kNotHex has high bits set, digits do not
  return any_bad == 0;
}

}  // namespace

void encode_id_key(std::string_view id, std::string& key) {
  if (!is_lowercase_hex(id)) {
    key.assign(1, kVerbatimMarker);
    key.append(id);
    return;
  }
  key.resize(1 + id.size() / 2);
  key[0] = kPackedHexMarker;
  for (std::size_t i = 0; i < id.size(); i += 2)
    key[1 + i / 2] = static_cast<char>(hex_value(id[i]) << 4 | hex_value(id[i + 1]));
}

}  // namespace preflight::billing
