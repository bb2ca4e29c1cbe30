#include "pipeline/jsonl_reader.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

using testing::TempDir;

TEST(JsonlReader, ReturnsCompleteLinesAndNeverATornOne) {
  TempDir dir;
  const auto path = dir.write("a.jsonl", "{\"a\":1}\n{\"b\":2}\n{\"torn\":");
  JsonlReader reader(path.string());
  EXPECT_EQ(reader.next(), "{\"a\":1}");
  EXPECT_EQ(reader.offset(), 8u);
  EXPECT_EQ(reader.next(), "{\"b\":2}");
  EXPECT_EQ(reader.line_number(), 2u);
  EXPECT_EQ(reader.next(), std::nullopt);
  EXPECT_EQ(reader.offset(), 16u);  // where to cut the torn line off
}

TEST(JsonlReader, LinesLongerThanItsBufferAndManyLines) {
  TempDir dir;
  const std::string long_line(200000, 'x');
  std::string content = long_line + "\n";
  for (int i = 0; i < 20000; ++i) content += std::to_string(i) + "\n";
  JsonlReader reader(dir.write("b.jsonl", content).string());
  EXPECT_EQ(reader.next(), long_line);
  for (int i = 0; i < 20000; ++i) ASSERT_EQ(reader.next(), std::to_string(i));
  EXPECT_EQ(reader.next(), std::nullopt);
  EXPECT_EQ(reader.offset(), content.size());
}

TEST(JsonlReader, MissingFileIsAnErrorUnlessAllowed) {
  TempDir dir;
  const std::string path = (dir.path() / "none.jsonl").string();
  EXPECT_THROW(JsonlReader{path}, std::runtime_error);
  JsonlReader reader(path, true);
  EXPECT_EQ(reader.next(), std::nullopt);
}

}  // namespace
}  // namespace preflight
