#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace preflight {

// `--shard K/N`: this run takes the inputs whose position p (0-based, counted over every input of the
// batch) has p % N == K - 1, so N runs over the same inputs split them without overlap or gap.
struct Shard {
  std::uint32_t index = 1;  // K, 1-based
  std::uint32_t count = 1;  // N

  bool selects(std::uint64_t position) const { return position % count == index - 1; }
  bool is_whole() const { return count == 1; }
  std::string text() const;  // "K/N"
};

// Parses "K/N" (1 <= K <= N); on failure, a message saying what is wrong and the form expected.
std::variant<Shard, std::string> parse_shard(std::string_view text);

}  // namespace preflight
