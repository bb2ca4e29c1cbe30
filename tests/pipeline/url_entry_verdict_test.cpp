#include "pipeline/url_entry_verdict.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace preflight {
namespace {

using ::testing::HasSubstr;

UrlListEntry good_entry(std::optional<std::string> data_id = std::nullopt) {
  return UrlListEntry{7, "https://a.example/x.png", std::move(data_id)};
}

UrlListEntry bad_url_entry(std::optional<std::string> data_id = std::nullopt) {
  return UrlListEntry{3, "https://a.example/\xEF\xBF\xBD.png", std::move(data_id), "bad_url",
                      "line 3 of urls.txt is not valid UTF-8 (byte 0xff)"};
}

TEST(UrlEntryVerdict, UsableLineIsLeftToTheDownloader) {
  EXPECT_FALSE(reject_url_entry(good_entry(), 0));
  EXPECT_FALSE(reject_url_entry(good_entry("order_42@shop#1"), 0));
}

TEST(UrlEntryVerdict, BadLineIsRejectedAsBadUrl) {
  const auto verdict = reject_url_entry(bad_url_entry(), 12);
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->seq, 12u);
  EXPECT_EQ(verdict->input, "https://a.example/\xEF\xBF\xBD.png");
  EXPECT_EQ(verdict->mode, InputMode::Url);
  EXPECT_EQ(verdict->outcome, Outcome::Rejected);
  EXPECT_EQ(verdict->code, "InvalidParameterValue.InvalidImageContent");
  EXPECT_EQ(verdict->reason, "bad_url");
  EXPECT_EQ(verdict->message, "line 3 of urls.txt is not valid UTF-8 (byte 0xff)");
  EXPECT_EQ(verdict->data_id, std::nullopt);
  EXPECT_EQ(verdict->billable_units, 0u);
  EXPECT_FALSE(verdict->timing.fetch_us);  // nothing was downloaded
}

TEST(UrlEntryVerdict, BadLineKeepsItsDataIdAndIsJudgedOnTheUrl) {
  const auto verdict = reject_url_entry(bad_url_entry("not valid"), 1);
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->reason, "bad_url");
  EXPECT_EQ(verdict->data_id, "not valid");
}

TEST(UrlEntryVerdict, UnreadableListIsAnErrorRecord) {
  const UrlListEntry entry{5, "urls.txt", std::nullopt, "unreadable",
                           "reading urls.txt failed at line 5: Input/output error"};
  const auto verdict = reject_url_entry(entry, 4);
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->outcome, Outcome::Error);
  EXPECT_EQ(verdict->code, "Error");
  EXPECT_EQ(verdict->reason, "unreadable");
  EXPECT_EQ(verdict->message, entry.error_message);
  EXPECT_EQ(verdict->input, "urls.txt");
}

TEST(UrlEntryVerdict, InvalidDataIdIsRejectedWithItsOwnCode) {
  UrlListEntry entry = good_entry("order 42");
  entry.error_reason = "invalid_data_id";
  entry.error_message = "line 7 of urls.txt: DataId \"order 42\" has ' ' at position 6";
  const auto verdict = reject_url_entry(entry, 9);
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->seq, 9u);
  EXPECT_EQ(verdict->input, "https://a.example/x.png");
  EXPECT_EQ(verdict->mode, InputMode::Url);
  EXPECT_EQ(verdict->outcome, Outcome::Rejected);
  EXPECT_EQ(verdict->code, "InvalidParameterValue.InvalidDataId");
  EXPECT_EQ(verdict->reason, "invalid_data_id");
  EXPECT_EQ(verdict->data_id, "order 42");
  EXPECT_EQ(verdict->message, entry.error_message);
  EXPECT_FALSE(verdict->timing.fetch_us);  // nothing was downloaded
}

}  // namespace
}  // namespace preflight
