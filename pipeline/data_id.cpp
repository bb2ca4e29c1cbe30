#include "pipeline/data_id.h"

#include <fmt/format.h>

#include <algorithm>

namespace preflight {
namespace {

bool is_allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '@' || c == '#';
}

// A character as a message shows it: 'x' when printable ASCII, else its byte value.
std::string shown_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x20 && byte < 0x7F ? fmt::format("'{}'", c) : fmt::format("byte 0x{:02x}", byte);
}

}  // namespace

std::optional<Rejection> check_data_id(std::string_view data_id) {
  if (data_id.size() > kMaxDataIdLength) {
    return Rejection{Reason::InvalidDataId,
                     {},
                     fmt::format("DataId is {} characters long; the service allows at most {}",
                                 data_id.size(), kMaxDataIdLength)};
  }
  const auto bad = std::find_if_not(data_id.begin(), data_id.end(), is_allowed);
  if (bad == data_id.end()) return std::nullopt;
  return Rejection{Reason::InvalidDataId,
                   {},
                   fmt::format("DataId \"{}\" has {} at position {}; the service allows only letters, digits "
                               "and _ - @ #",
                               data_id, shown_char(*bad), bad - data_id.begin() + 1)};
}

}  // namespace preflight
