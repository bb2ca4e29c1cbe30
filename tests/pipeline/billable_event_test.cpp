#include "pipeline/billable_event.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/duplicate_content.h"

namespace preflight {
namespace {

Verdict accepted_gif(std::uint64_t seq, std::string sha256) {
  Verdict verdict = new_verdict(seq, "https://cdn.example.com/a.gif", InputMode::Url);
  verdict.outcome = Outcome::Accepted;
  verdict.code = "OK";
  verdict.frames_sampled = std::vector<std::uint32_t>{0, 5, 10, 15, 20};
  verdict.sha256 = std::move(sha256);
  verdict.bytes = 183422;
  return verdict;
}

const std::string kSha = std::string(64, 'a');

TEST(BillableEvent, UnitsPerImageOrPerSampledFrame) {
  Verdict verdict = accepted_gif(0, kSha);
  EXPECT_EQ(billable_units_for(verdict, BillingUnit::Image), 1u);
  EXPECT_EQ(billable_units_for(verdict, BillingUnit::Frame), 5u);
  verdict.outcome = Outcome::Rejected;
  EXPECT_EQ(billable_units_for(verdict, BillingUnit::Frame), 0u);
}

TEST(BillableEvent, IdIsDeterministicAndDependsOnServiceInputAndContent) {
  const std::string id = billable_event_id("ims", "a.gif", kSha);
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id, billable_event_id("ims", "a.gif", kSha));
  EXPECT_NE(id, billable_event_id("ims-aigc", "a.gif", kSha));
  EXPECT_NE(id, billable_event_id("ims", "b.gif", kSha));
  EXPECT_NE(id, billable_event_id("ims", "a.gif", std::string(64, 'b')));
  // The separator keeps the parts apart: moving a character between them changes the id.
  EXPECT_NE(billable_event_id("ims", "ab", "c"), billable_event_id("ims", "a", "bc"));
}

TEST(BillableEvent, OneCloudEventPerServiceWithSpecFields) {
  Verdict verdict = accepted_gif(7, kSha);
  verdict.billable_units = 1;
  const EventOptions options{{"ims", "ims-aigc"}, BillingUnit::Image, "tencent-ims"};
  const auto lines = billable_event_lines(verdict, options, "2026-11-23T08:00:00Z");
  ASSERT_EQ(lines.size(), 2u);
  const auto event = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(event["specversion"], "1.0");
  EXPECT_EQ(event["type"], "preflight.billable.v1");
  EXPECT_EQ(event["source"], "preflight");
  EXPECT_EQ(event["id"], billable_event_id("ims", verdict.input, kSha));
  EXPECT_EQ(event["time"], "2026-11-23T08:00:00Z");
  EXPECT_EQ(event["subject"], verdict.input);
  EXPECT_EQ(event["data"]["service"], "ims");
  EXPECT_EQ(event["data"]["units"], 1);
  EXPECT_EQ(event["data"]["frames_sampled"], 5);
  EXPECT_EQ(event["data"]["bytes"], 183422);
  EXPECT_EQ(event["data"]["profile"], "tencent-ims");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["data"]["service"], "ims-aigc");
  EXPECT_EQ(billable_event_seq(lines[1]), 7u);
  verdict.billable_units = 0;
  EXPECT_TRUE(billable_event_lines(verdict, options, "t").empty());
}

TEST(BillableEvent, SeqIsFoundEvenWhenTheSubjectMentionsIt) {
  Verdict verdict = accepted_gif(42, kSha);
  verdict.input = "https://x.test/\"seq\":99";
  verdict.billable_units = 1;
  const auto lines = billable_event_lines(verdict, EventOptions{}, "t");
  EXPECT_EQ(billable_event_seq(lines.at(0)), 42u);
  EXPECT_EQ(billable_event_seq("{\"no\":1}"), std::nullopt);
}

TEST(DuplicateContent, SecondCopyIsNotBilledAndNamesTheFirst) {
  DuplicateContent seen;
  Verdict first = accepted_gif(3, kSha);
  Verdict second = accepted_gif(9, kSha);
  Verdict other = accepted_gif(10, std::string(64, 'c'));
  settle_billing(first, BillingUnit::Frame, &seen);
  settle_billing(second, BillingUnit::Frame, &seen);
  settle_billing(other, BillingUnit::Frame, &seen);
  EXPECT_EQ(first.billable_units, 5u);
  EXPECT_TRUE(first.warnings.empty());
  EXPECT_EQ(second.billable_units, 0u);
  EXPECT_EQ(second.warnings, std::vector<std::string>{"duplicate_of:3"});
  EXPECT_EQ(other.billable_units, 5u);
  clear_duplicate_warning(second);
  EXPECT_TRUE(second.warnings.empty());
}

TEST(DuplicateContent, WithoutDedupeEveryCopyBills) {
  Verdict first = accepted_gif(3, kSha);
  Verdict second = accepted_gif(9, kSha);
  settle_billing(first, BillingUnit::Image, nullptr);
  settle_billing(second, BillingUnit::Image, nullptr);
  EXPECT_EQ(second.billable_units, 1u);
}

}  // namespace
}  // namespace preflight

namespace preflight {
namespace {

// Event times are UTC ("…Z") whatever the process's time zone.
TEST(BillableEvent, TimestampIsUtcInAnyTimeZone) {
  const char* saved = std::getenv("TZ");
  const std::string previous = saved != nullptr ? saved : "";
  ::setenv("TZ", "Asia/Shanghai", 1);
  ::tzset();
  const auto time = std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours{1} +
                    std::chrono::milliseconds{1500};
  const std::string stamp = utc_timestamp(time);
  if (saved != nullptr) {
    ::setenv("TZ", previous.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
  EXPECT_EQ(stamp, "2026-11-23T01:00:01Z");
}

}  // namespace
}  // namespace preflight
