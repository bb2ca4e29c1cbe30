#include "pipeline/shard.h"

#include <gtest/gtest.h>

namespace preflight {
namespace {

TEST(Shard, ParsesKOfN) {
  const auto parsed = parse_shard("2/8");
  ASSERT_TRUE(std::holds_alternative<Shard>(parsed));
  const Shard shard = std::get<Shard>(parsed);
  EXPECT_EQ(shard.index, 2u);
  EXPECT_EQ(shard.count, 8u);
  EXPECT_EQ(shard.text(), "2/8");
}

TEST(Shard, RefusesMalformedOrOutOfRange) {
  for (const char* text : {"", "3", "/3", "3/", "0/3", "4/3", "1/0", "a/b", "1/3x", "-1/3", "1//3"}) {
    const auto parsed = parse_shard(text);
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << text;
    EXPECT_NE(std::get<std::string>(parsed).find("--shard"), std::string::npos) << text;
  }
}

TEST(Shard, ShardsPartitionEveryPosition) {
  constexpr std::uint32_t kShards = 3;
  for (std::uint64_t position = 0; position < 100; ++position) {
    int owners = 0;
    for (std::uint32_t k = 1; k <= kShards; ++k) owners += Shard{k, kShards}.selects(position) ? 1 : 0;
    EXPECT_EQ(owners, 1) << position;
    EXPECT_TRUE((Shard{static_cast<std::uint32_t>(position % kShards + 1), kShards}.selects(position)));
  }
}

}  // namespace
}  // namespace preflight
