// SPEC §8's eight worked examples, each reproduced through the Rater and compared both with the
// arithmetic the SPEC shows (recomputed here from its prices, in micro-units) and with its stated total.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/billing/billing_fixtures.h"

namespace preflight::billing {
namespace {

using testing::cny;
using testing::drawn;
using testing::kMicros;
using testing::postpaid_line;
using testing::RaterFixture;

constexpr std::int64_t kFreePerMonth = 10'000;

// Example 1: 30 M compare calls in a year, three 1000万 packs: 3 × 30,400 = 91,200 元.
TEST(BillRaterSpecExamples, Example1ThreeComparePacksCoverAYear) {
  RaterFixture rater("tencent-face", R"({"packs": [
      {"service": "face.compare", "size": 10000000, "bought": "2026-01-01"},
      {"service": "face.compare", "size": 10000000, "bought": "2026-01-01"},
      {"service": "face.compare", "size": 10000000, "bought": "2026-01-01"}]})");
  constexpr std::uint64_t kCallsPerMonth = 30'000'000 / 12;
  for (int month = 1; month <= 12; ++month)
    rater.add(fmt::format("2026-{:02}-15T12:00:00+08:00", month), "face.compare", kCallsPerMonth);
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(invoice.total.micros(), 3 * 30'400 * kMicros);
  EXPECT_EQ(invoice.total, cny("91200"));
  for (const InvoiceLine& line : invoice.lines) EXPECT_NE(line.source, "postpaid") << line.period;
  EXPECT_EQ(drawn(invoice, "2026-06", "pack"), kCallsPerMonth - kFreePerMonth);
}

// Example 2: one month, 32 M face-search + 20 M person-search calls, one 5000万 search pack:
// (52,000,000 − 50,000,000 − 10,000) × 0.0032 + 142,500 = 148,868 元; the 1.99 M post-paid calls are in
// the first tier.
TEST(BillRaterSpecExamples, Example2SearchCallsMergeAndTheTierFollowsPostpaidVolume) {
  RaterFixture rater("tencent-face",
                     R"({"packs": [{"service": "face.search", "size": 50000000, "bought": "2026-11-01"}]})");
  rater.add("2026-11-10T10:00:00+08:00", "face.search", 32'000'000, "search_faces");
  rater.add("2026-11-20T10:00:00+08:00", "face.search", 20'000'000, "search_persons");
  const Invoice invoice = rater.invoice();
  constexpr std::int64_t kPostpaid = 52'000'000 - 50'000'000 - kFreePerMonth;
  EXPECT_EQ(invoice.total.micros(), kPostpaid * 3200 + 142'500 * kMicros);
  EXPECT_EQ(invoice.total, cny("148868"));
  const InvoiceLine postpaid = postpaid_line(invoice, "2026-11", "face.search");
  EXPECT_EQ(postpaid.units, static_cast<std::uint64_t>(kPostpaid));
  EXPECT_EQ(postpaid.tier, 1u);
  EXPECT_EQ(drawn(invoice, "2026-11", "pack:2026-11-01"), 50'000'000u);
  EXPECT_EQ(drawn(invoice, "2026-11", "free"), static_cast<std::uint64_t>(kFreePerMonth));
}

// Example 3: 1 M landmark calls post-paid: (1,000,000 − 10,000) × 0.002 = 1,980 元.
TEST(BillRaterSpecExamples, Example3LandmarksPostpaid) {
  RaterFixture rater("tencent-face");
  rater.add("2026-11-03T09:00:00+08:00", "face.landmarks", 1'000'000);
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(invoice.total.micros(), (1'000'000 - kFreePerMonth) * 2000);
  EXPECT_EQ(invoice.total, cny("1980"));
}

// Example 4: 3.5 M compare calls post-paid: (3,500,000 − 10,000) × 0.003 = 10,470 元 (second tier).
TEST(BillRaterSpecExamples, Example4CompareInTheSecondTier) {
  RaterFixture rater("tencent-face");
  rater.add("2026-11-03T09:00:00+08:00", "face.compare", 3'500'000);
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(invoice.total.micros(), (3'500'000 - kFreePerMonth) * 3000);
  EXPECT_EQ(invoice.total, cny("10470"));
  EXPECT_EQ(postpaid_line(invoice, "2026-11", "face.compare").tier, 2u);
}

// Example 5: 3 M create-person + 2 M add-face + 0.1 M list-groups + 1 M list-persons:
// (5,000,000 − 10,000) × 0.003 = 14,970 元; the listing calls are reported, not billed.
TEST(BillRaterSpecExamples, Example5GroupManagementBillsOnlyCreatePersonAndAddFace) {
  RaterFixture rater("tencent-face");
  rater.add("2026-11-03T09:00:00+08:00", "face.group", 3'000'000, "create_person");
  rater.add("2026-11-04T09:00:00+08:00", "face.group", 2'000'000, "add_face");
  rater.add("2026-11-05T09:00:00+08:00", "face.group", 100'000, "list_groups");
  rater.add("2026-11-06T09:00:00+08:00", "face.group", 1'000'000, "list_persons");
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(invoice.total.micros(), (5'000'000 - kFreePerMonth) * 3000);
  EXPECT_EQ(invoice.total, cny("14970"));
  EXPECT_EQ(invoice.excluded_units("action_not_billable"), 1'100'000u);
}

// Example 6: QPS for 1 month + 5 days: 280 × 1 + 5 × 18 = 370 元 per QPS. The document labels it
// "10 QPS" but its arithmetic is for one QPS; the rater prices per QPS: 1 QPS → 370, 10 QPS → 3,700.
TEST(BillRaterSpecExamples, Example6QpsIsPricedPerQps) {
  for (const auto& [qps, expected] : {std::pair{1, "370"}, std::pair{10, "3700"}}) {
    RaterFixture rater(
        "tencent-face",
        fmt::format(R"({{"qps": [{{"group": "face.search", "qps": {}, "months": 1, "days": 5}}]}})", qps));
    const Invoice invoice = rater.invoice();
    EXPECT_EQ(invoice.total.micros(), qps * (280 * 1 + 5 * 18) * kMicros) << qps;
    EXPECT_EQ(invoice.total, cny(expected)) << qps;
  }
}

// Example 7: offline recognition SDK, 1,000 devices: 1,000 × 118 = 118,000 元.
TEST(BillRaterSpecExamples, Example7OfflineSdkPerDevice) {
  RaterFixture rater("tencent-face", R"({"devices": [{"sdk": "recognition", "count": 1000}]})");
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(invoice.total.micros(), 1000 * 118 * kMicros);
  EXPECT_EQ(invoice.total, cny("118000"));
}

// Example 8: AI-generated-image detection, 90 images in one day: 90 × 0.10 = 9.00 元.
TEST(BillRaterSpecExamples, Example8AigcPayAsYouGo) {
  RaterFixture rater("tencent-ims-cn");
  for (int i = 0; i < 90; ++i) rater.add(fmt::format("2026-11-23T{:02}:00:00+08:00", i % 24), "ims-aigc");
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(invoice.total.micros(), 90 * kMicros / 10);
  EXPECT_EQ(invoice.total.to_string(), "9.00");
  EXPECT_EQ(postpaid_line(invoice, "2026-11-23", "ims-aigc").units, 90u);
}

}  // namespace
}  // namespace preflight::billing
