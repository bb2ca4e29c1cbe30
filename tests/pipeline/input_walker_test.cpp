#include "pipeline/input_walker.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;
using preflight::testing::TempDir;

std::vector<InputEntry> walk(std::vector<std::string> roots) {
  InputWalker walker(std::move(roots));
  std::vector<InputEntry> entries;
  while (auto entry = walker.next()) entries.push_back(*entry);
  return entries;
}

std::vector<std::string> relative_paths(const std::vector<InputEntry>& entries, const fs::path& base) {
  std::vector<std::string> paths;
  for (const auto& entry : entries) paths.push_back(fs::path(entry.path).lexically_relative(base).string());
  return paths;
}

TEST(InputWalker, WalksFoldersDepthFirstInSortedOrder) {
  TempDir dir;
  for (const char* name : {"b.png", "a/z.gif", "a/b/c.jpg", "A.png", "a/a.webp", "c/d/e/f.tif"})
    dir.write(name, "x");
  const auto entries = walk({dir.path().string()});
  EXPECT_EQ(relative_paths(entries, dir.path()),
            (std::vector<std::string>{"A.png", "a/a.webp", "a/b/c.jpg", "a/z.gif", "b.png", "c/d/e/f.tif"}));
}

TEST(InputWalker, KeepsCommandLineOrderAcrossRoots) {
  TempDir dir;
  dir.write("z.png", "x");
  dir.write("f/a.png", "x");
  const auto entries = walk({(dir.path() / "z.png").string(), (dir.path() / "f").string()});
  EXPECT_EQ(relative_paths(entries, dir.path()), (std::vector<std::string>{"z.png", "f/a.png"}));
}

TEST(InputWalker, SymlinkLoopIsOneErrorEntryNotAnEndlessWalk) {
  TempDir dir;
  dir.write("f/a.png", "x");
  fs::create_directory_symlink(dir.path() / "f", dir.path() / "f" / "loop");
  const auto entries = walk({(dir.path() / "f").string()});
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_FALSE(entries[0].error_reason);
  EXPECT_EQ(entries[1].error_reason, "symlink_loop");
  EXPECT_NE(entries[1].error_message->find("loop"), std::string::npos);
}

TEST(InputWalker, BrokenAndSelfLinksAreStillInputs) {
  TempDir dir;
  fs::create_symlink(dir.path() / "missing", dir.path() / "broken");
  fs::create_symlink(dir.path() / "self", dir.path() / "self");
  const auto entries = walk({dir.path().string()});
  EXPECT_EQ(relative_paths(entries, dir.path()), (std::vector<std::string>{"broken", "self"}));
}

TEST(InputWalker, EmptyFolderYieldsNothing) {
  TempDir dir;
  fs::create_directory(dir.path() / "empty");
  EXPECT_TRUE(walk({(dir.path() / "empty").string()}).empty());
}

}  // namespace
}  // namespace preflight
