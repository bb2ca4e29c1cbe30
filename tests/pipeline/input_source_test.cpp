#include "pipeline/input_source.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

using testing::TempDir;

struct Seen {
  std::uint64_t seq;
  std::uint64_t ordinal;
  std::string name;
  bool is_url;
};

std::vector<Seen> drain(InputSource& source) {
  std::vector<Seen> seen;
  while (auto input = source.next())
    seen.push_back(
        {input->seq, input->ordinal, input->name(), std::holds_alternative<UrlListEntry>(input->source)});
  return seen;
}

class InputSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("files/a.png", "a");
    dir_.write("files/b.png", "b");
    list_ = dir_.write("urls.txt", "# comment\nhttp://x.test/1\n\nhttp://x.test/2\nhttp://x.test/3\n");
  }
  std::unique_ptr<InputSource> open(Shard shard = {}) {
    fd_ = ::open(list_.c_str(), O_RDONLY);
    return std::make_unique<InputSource>(std::vector<std::string>{(dir_.path() / "files").string()},
                                         UrlListSource{fd_, list_.string()}, shard);
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
  }

  TempDir dir_;
  std::filesystem::path list_;
  int fd_ = -1;
};

TEST_F(InputSourceTest, PathsThenUrlsNumberedInOrder) {
  const auto seen = drain(*open());
  ASSERT_EQ(seen.size(), 5u);
  for (std::uint64_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].seq, i);
    EXPECT_EQ(seen[i].ordinal, i);
  }
  EXPECT_TRUE(seen[0].name.ends_with("a.png"));
  EXPECT_FALSE(seen[1].is_url);
  EXPECT_EQ(seen[2].name, "http://x.test/1");
  EXPECT_TRUE(seen[4].is_url);
}

TEST_F(InputSourceTest, ShardKeepsGlobalSeqAndCountsItsOwnOrdinals) {
  const auto seen = drain(*open(Shard{2, 2}));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].seq, 1u);
  EXPECT_EQ(seen[0].ordinal, 0u);
  EXPECT_EQ(seen[1].seq, 3u);
  EXPECT_EQ(seen[1].name, "http://x.test/2");
  EXPECT_EQ(seen[1].ordinal, 1u);
}

TEST_F(InputSourceTest, SkipPassesOverRecordedInputsAndNamesTheLast) {
  auto source = open(Shard{1, 2});  // seqs 0, 2, 4
  EXPECT_EQ(source->skip(2), 2u);
  EXPECT_EQ(source->last_skipped(), "http://x.test/1");
  const auto seen = drain(*source);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].seq, 4u);
  EXPECT_EQ(seen[0].ordinal, 0u);
  EXPECT_EQ(open()->skip(9), 5u);  // fewer inputs than asked for: says how many there were
}

TEST_F(InputSourceTest, StopEndsTheInput) {
  auto source = open();
  ASSERT_TRUE(source->next());
  source->stop();
  EXPECT_FALSE(source->next());
}

}  // namespace
}  // namespace preflight
