#include "pipeline/shard.h"

#include <fmt/format.h>

#include <charconv>

namespace preflight {
namespace {

bool parse_number(std::string_view text, std::uint32_t& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string Shard::text() const { return fmt::format("{}/{}", index, count); }

std::variant<Shard, std::string> parse_shard(std::string_view text) {
  const std::size_t slash = text.find('/');
  Shard shard;
  if (slash == std::string_view::npos || !parse_number(text.substr(0, slash), shard.index) ||
      !parse_number(text.substr(slash + 1), shard.count)) {
    return fmt::format("--shard {}: expected K/N with whole numbers, e.g. 2/8", text);
  }
  if (shard.count == 0 || shard.index == 0 || shard.index > shard.count)
    return fmt::format("--shard {}: K must be between 1 and N (shards are numbered 1..N)", text);
  return shard;
}

}  // namespace preflight
