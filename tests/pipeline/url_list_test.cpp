#include "pipeline/url_list.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/url_list_text.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

using preflight::testing::TempDir;
using ::testing::HasSubstr;
using namespace std::string_literals;

std::vector<UrlListEntry> read_all(int fd, const std::string& name) {
  UrlListReader reader(fd, name);
  std::vector<UrlListEntry> entries;
  while (auto entry = reader.next()) entries.push_back(*entry);
  return entries;
}

// The list as a file named urls.txt.
std::vector<UrlListEntry> read_list(const std::string& content) {
  TempDir dir;
  const int fd = ::open(dir.write("urls.txt", content).c_str(), O_RDONLY);
  EXPECT_GE(fd, 0);
  auto entries = read_all(fd, "urls.txt");
  ::close(fd);
  return entries;
}

// The list as standard input would deliver it: through a pipe, written `chunk` bytes at a time, so lines
// arrive split across reads.
std::vector<UrlListEntry> read_through_pipe(const std::string& content, std::size_t chunk) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    for (std::size_t at = 0; at < content.size();) {
      const ssize_t wrote = ::write(fds[1], content.data() + at, std::min(chunk, content.size() - at));
      if (wrote <= 0) break;
      at += static_cast<std::size_t>(wrote);
    }
    ::close(fds[1]);
  });
  auto entries = read_all(fds[0], "stdin");
  writer.join();
  ::close(fds[0]);
  return entries;
}

std::vector<std::string> urls(const std::vector<UrlListEntry>& entries) {
  std::vector<std::string> result;
  for (const auto& entry : entries) result.push_back(entry.url);
  return result;
}

std::vector<std::uint64_t> line_numbers(const std::vector<UrlListEntry>& entries) {
  std::vector<std::uint64_t> result;
  for (const auto& entry : entries) result.push_back(entry.line_number);
  return result;
}

TEST(UrlListReader, SkipsCommentsAndBlankLinesAndTrimsCrlf) {
  const auto entries = read_list(
      "# exported 2024-05-01\n\nhttps://a.example/1.png\r\n   \r\n  # indented comment\n"
      "  https://a.example/2.png  \n\t\n\r\n");
  EXPECT_EQ(urls(entries), (std::vector<std::string>{"https://a.example/1.png", "https://a.example/2.png"}));
  EXPECT_EQ(line_numbers(entries), (std::vector<std::uint64_t>{3, 6}));
  for (const auto& entry : entries) {
    EXPECT_FALSE(entry.error_reason);
    EXPECT_FALSE(entry.data_id);
  }
}

TEST(UrlListReader, TabSeparatesTheDataId) {
  const auto entries = read_list(
      "https://a.example/x.png\tabc-123\n"
      "https://a.example/y.png\t\n"
      "https://a.example/z.png \t id@1 \r\n"
      "https://a.example/w.png\tid one\tand two\n");
  EXPECT_EQ(urls(entries), (std::vector<std::string>{"https://a.example/x.png", "https://a.example/y.png",
                                                     "https://a.example/z.png", "https://a.example/w.png"}));
  EXPECT_EQ(entries[0].data_id, "abc-123");
  EXPECT_EQ(entries[1].data_id, std::nullopt);  // nothing after the TAB: no DataId
  EXPECT_EQ(entries[2].data_id, "id@1");
  EXPECT_EQ(entries[3].data_id, "id one\tand two");  // only the first TAB separates
  EXPECT_FALSE(entries[0].error_reason);
}

TEST(UrlListReader, InvalidDataIdIsFlaggedNamingListLineAndCharacter) {
  const auto entries = read_list("https://a.example/x.png\tok_1\nhttps://a.example/y.png\torder 42\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_FALSE(entries[0].error_reason);
  EXPECT_EQ(entries[1].error_reason, "invalid_data_id");
  EXPECT_EQ(entries[1].data_id, "order 42");
  EXPECT_THAT(*entries[1].error_message, HasSubstr("line 2 of urls.txt: "));
  EXPECT_THAT(*entries[1].error_message, HasSubstr("' ' at position 6"));
}

TEST(UrlListReader, LastLineWithoutNewlineIsAnInput) {
  EXPECT_EQ(urls(read_list("https://a.example/1.png\nhttps://a.example/2.png")),
            (std::vector<std::string>{"https://a.example/1.png", "https://a.example/2.png"}));
  EXPECT_EQ(urls(read_list("https://a.example/only.png")),
            (std::vector<std::string>{"https://a.example/only.png"}));
}

TEST(UrlListReader, ListWithoutInputsYieldsNothing) {
  EXPECT_TRUE(read_list("").empty());
  EXPECT_TRUE(read_list("\n\n# only a comment").empty());
}

TEST(UrlListReader, OverlongLineIsOneBadEntryAndTheNextLineStillReads) {
  const std::string long_line = "https://a.example/" + std::string(100 * 1024, 'a');
  for (const auto& entries :
       {read_list("https://a.example/1.png\n" + long_line + "\nhttps://a.example/3.png\n"),
        read_through_pipe("https://a.example/1.png\n" + long_line + "\nhttps://a.example/3.png\n", 1000)}) {
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(line_numbers(entries), (std::vector<std::uint64_t>{1, 2, 3}));
    EXPECT_EQ(entries[1].error_reason, "bad_url");
    EXPECT_THAT(*entries[1].error_message, HasSubstr("line 2 of "));
    EXPECT_THAT(*entries[1].error_message, HasSubstr("is longer than 8192 bytes"));
    EXPECT_TRUE(entries[1].url.starts_with("https://a.example/aaaa"));
    EXPECT_TRUE(entries[1].url.ends_with("…"));
    EXPECT_LE(entries[1].url.size(), 200u + std::string_view("…").size());
    EXPECT_EQ(entries[2].url, "https://a.example/3.png");
    EXPECT_FALSE(entries[2].error_reason);
  }
}

TEST(UrlListReader, OverlongCommentIsStillAComment) {
  const auto entries = read_list("# " + std::string(20000, 'c') + "\nhttps://a.example/2.png\n");
  EXPECT_EQ(urls(entries), (std::vector<std::string>{"https://a.example/2.png"}));
  EXPECT_EQ(line_numbers(entries), (std::vector<std::uint64_t>{2}));
}

TEST(UrlListReader, LineLimitIsExactlyEightKibibytes) {
  const std::string at_limit = "https://a.example/" + std::string(kMaxUrlListLine - 18, 'b');
  const auto entries = read_list(at_limit + "\r\n" + at_limit + "c\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_FALSE(entries[0].error_reason);  // 8192 bytes, its CR not counted
  EXPECT_EQ(entries[0].url, at_limit);
  EXPECT_EQ(entries[1].error_reason, "bad_url");
}

TEST(UrlListReader, OverlongLinePrefixDoesNotSplitACharacter) {
  std::string line = "https://ab/";  // 11 bytes, so byte 200 falls inside a two-byte character
  for (int i = 0; i < 5000; ++i) line += "é";
  const auto entries = read_list(line + "\n");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].error_reason, "bad_url");
  EXPECT_EQ(invalid_utf8_offset(entries[0].url), std::string_view::npos);
  EXPECT_EQ(entries[0].url.find("\xEF\xBF\xBD"), std::string::npos);  // no replacement character
}

TEST(UrlListReader, NulByteMakesABadEntryThatCanBeSerialised) {
  const auto entries = read_list("https://a.example/\0b.png\tid7\nhttps://a.example/ok.png\n"s);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].error_reason, "bad_url");
  EXPECT_EQ(entries[0].error_message, "line 1 of urls.txt contains a NUL byte");
  EXPECT_EQ(entries[0].url,
            "https://a.example/\xEF\xBF\xBD"
            "b.png");
  EXPECT_EQ(entries[0].data_id, "id7");
  EXPECT_FALSE(entries[1].error_reason);
}

struct Utf8Case {
  const char* name;
  std::string bytes;
  const char* shown_byte;
};

class UrlListInvalidUtf8 : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(UrlListInvalidUtf8, IsABadEntryWithDisplayableUrl) {
  const auto entries = read_list("https://a.example/" + GetParam().bytes + ".png\n");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].error_reason, "bad_url");
  EXPECT_EQ(*entries[0].error_message,
            std::string("line 1 of urls.txt is not valid UTF-8 (byte ") + GetParam().shown_byte + ")");
  EXPECT_EQ(invalid_utf8_offset(entries[0].url), std::string_view::npos);
  EXPECT_TRUE(entries[0].url.starts_with("https://a.example/\xEF\xBF\xBD"));
}

INSTANTIATE_TEST_SUITE_P(Bytes, UrlListInvalidUtf8,
                         ::testing::Values(Utf8Case{"Ff", "\xff", "0xff"},
                                           Utf8Case{"LoneContinuation", "\x80", "0x80"},
                                           Utf8Case{"TruncatedThreeByte", "\xe2\x82", "0xe2"},
                                           Utf8Case{"TruncatedFourByte", "\xf0\x9f\x98", "0xf0"},
                                           Utf8Case{"OverlongSlash", "\xc0\xaf", "0xc0"},
                                           Utf8Case{"OverlongThreeByte", "\xe0\x80\xaf", "0xe0"},
                                           Utf8Case{"Surrogate", "\xed\xa0\x80", "0xed"},
                                           Utf8Case{"AboveUnicode", "\xf4\x90\x80\x80", "0xf4"}),
                         [](const auto& info) { return info.param.name; });

TEST(UrlListReader, CharacterCutByTheEndOfTheListIsInvalid) {
  const auto entries = read_list("https://a.example/\xe2\x82");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].error_reason, "bad_url");
  EXPECT_EQ(entries[0].url, "https://a.example/\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(UrlListReader, ValidMultibyteUrlsAreInputs) {
  const auto entries = read_list("https://例え.jp/画像.png\nhttps://a.example/😀.gif\n");
  EXPECT_EQ(urls(entries), (std::vector<std::string>{"https://例え.jp/画像.png", "https://a.example/😀.gif"}));
  EXPECT_FALSE(entries[0].error_reason);
  EXPECT_FALSE(entries[1].error_reason);
}

TEST(UrlListReader, TenThousandLinesThroughAPipeInOrder) {
  std::string list;
  for (int i = 0; i < 10000; ++i)
    list += "https://cdn.example.com/i/" + std::to_string(i) + ".jpg\tid" + std::to_string(i) + "\n";
  const auto entries = read_through_pipe(list, 4093);  // a prime: lines split at every offset
  ASSERT_EQ(entries.size(), 10000u);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ASSERT_EQ(entries[i].line_number, i + 1);
    ASSERT_EQ(entries[i].url, "https://cdn.example.com/i/" + std::to_string(i) + ".jpg");
    ASSERT_EQ(entries[i].data_id, "id" + std::to_string(i));
    ASSERT_FALSE(entries[i].error_reason);
  }
}

TEST(UrlListReader, ReadErrorIsOneEntryThenTheEnd) {
  TempDir dir;
  const int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);  // read(2) fails with EISDIR
  ASSERT_GE(fd, 0);
  UrlListReader reader(fd, "list-dir");
  const auto entry = reader.next();
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->error_reason, "unreadable");
  EXPECT_EQ(entry->url, "list-dir");
  EXPECT_THAT(*entry->error_message, HasSubstr("reading list-dir failed at line 1: Is a directory"));
  EXPECT_FALSE(reader.next());
  EXPECT_FALSE(reader.next());
  ::close(fd);
}

TEST(UrlListReader, LeavesTheDescriptorOpen) {
  TempDir dir;
  const int fd = ::open(dir.write("urls.txt", "https://a.example/1.png\n").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(read_all(fd, "urls.txt").size(), 1u);
  EXPECT_NE(::fcntl(fd, F_GETFD), -1);
  EXPECT_EQ(::close(fd), 0);
}

}  // namespace
}  // namespace preflight
