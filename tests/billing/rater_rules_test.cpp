// The deduction and settlement rules of SPEC §8 and issue 5, each on both sides of its boundary.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "billing/rating_errors.h"
#include "tests/billing/billing_fixtures.h"

namespace preflight::billing {
namespace {

using testing::cny;
using testing::drawn;
using testing::kMicros;
using testing::postpaid_line;
using testing::RaterFixture;

constexpr std::uint64_t kFreePerMonth = 10'000;
constexpr std::int64_t kImsMicrosPerImage = 25 * kMicros / 10'000;  // 25 元 per 10,000 images
constexpr const char* kTrialAccount = R"({"activated": "2026-11-01", "trial": true})";

// Cents of `micros`, rounded half-up, the SPEC's default for one bill line.
std::int64_t half_up_cents(std::int64_t micros) { return (micros + 5'000) / 10'000; }

TEST(BillRaterTrial, CoversFifteenDaysFromActivationAndExpiresOnDay16) {
  RaterFixture rater("tencent-ims-cn", kTrialAccount);
  rater.add("2026-11-15T23:59:59+08:00", "ims", 1000);  // day 15, last second
  rater.add("2026-11-16T00:00:00+08:00", "ims", 1000);  // day 16, first second
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(drawn(invoice, "2026-11-15", "trial"), 1000u);
  EXPECT_EQ(drawn(invoice, "2026-11-16", "trial"), 0u);
  EXPECT_EQ(postpaid_line(invoice, "2026-11-16", "ims").units, 1000u);
  EXPECT_EQ(invoice.total.micros(), 1000 * kImsMicrosPerImage);  // 2.50
}

TEST(BillRaterTrial, HoldsThreeThousandImagesThenPostpaid) {
  RaterFixture rater("tencent-ims-cn", kTrialAccount);
  rater.add("2026-11-01T09:00:00+08:00", "ims", 5000);
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(drawn(invoice, "2026-11-01", "trial"), 3000u);
  EXPECT_EQ(postpaid_line(invoice, "2026-11-01", "ims").units, 2000u);
  EXPECT_EQ(invoice.total.micros(), 2000 * kImsMicrosPerImage);  // 5.00
}

TEST(BillRaterTrial, OnlyOnFirstActivationAndNeverForAigc) {
  RaterFixture not_first("tencent-ims-cn", R"({"activated": "2026-11-01", "trial": false})");
  not_first.add("2026-11-02T09:00:00+08:00", "ims", 1000);
  EXPECT_EQ(drawn(not_first.invoice(), "2026-11-02", "trial"), 0u);
  EXPECT_EQ(not_first.invoice().total.micros(), 1000 * kImsMicrosPerImage);

  RaterFixture aigc("tencent-ims-cn", kTrialAccount);
  aigc.add("2026-11-02T09:00:00+08:00", "ims-aigc", 90);
  EXPECT_EQ(drawn(aigc.invoice(), "2026-11-02", "trial"), 0u);
  EXPECT_EQ(aigc.invoice().total, cny("9"));

  RaterFixture no_account("tencent-ims-cn");
  no_account.add("2026-11-02T09:00:00+08:00", "ims", 1000);
  EXPECT_EQ(drawn(no_account.invoice(), "2026-11-02", "trial"), 0u);
}

// A 100万 face-detection pack bought 2025-11-15 is valid through 2026-11-14 (Beijing time).
TEST(BillRaterPacks, PackExpiringMidMonthLeavesTheRestOfTheMonthPostpaid) {
  RaterFixture rater("tencent-face",
                     R"({"packs": [{"service": "face.detect", "size": 1000000, "bought": "2025-11-15"}]})");
  rater.add("2026-11-10T12:00:00+08:00", "face.detect", 600'000);
  rater.add("2026-11-14T23:59:59+08:00", "face.detect", 300'000);  // last second of validity
  rater.add("2026-11-15T00:00:00+08:00", "face.detect", 200'000);  // expired
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(drawn(invoice, "2026-11", "free"), kFreePerMonth);
  EXPECT_EQ(drawn(invoice, "2026-11", "pack:2025-11-15"), 600'000 - kFreePerMonth + 300'000);
  EXPECT_EQ(postpaid_line(invoice, "2026-11", "face.detect").units, 200'000u);
  // 200,000 × 0.0005 post-paid + the pack's 450 元.
  EXPECT_EQ(invoice.total.micros(), 200'000 * 500 + 450 * kMicros);
}

// Two 180万 IMS packs: B (bought 2025-12-10) expires before A (bought 2026-03-01), so B is drawn first
// even though the account lists A first; what B still holds on 2026-12-10 is lost.
TEST(BillRaterPacks, StackedPacksDrawTheFirstExpiringFirst) {
  RaterFixture rater("tencent-ims-cn", R"({"packs": [
      {"service": "ims", "size": 1800000, "bought": "2026-03-01"},
      {"service": "ims", "size": 1800000, "bought": "2025-12-10"}]})");
  rater.add("2026-11-20T12:00:00+08:00", "ims", 1'000'000);
  rater.add("2026-11-21T12:00:00+08:00", "ims", 1'000'000);
  rater.add("2026-12-10T00:00:00+08:00", "ims", 1'000'000);
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(drawn(invoice, "2026-11-20", "pack:2025-12-10"), 1'000'000u);
  EXPECT_EQ(drawn(invoice, "2026-11-21", "pack:2025-12-10"), 800'000u);
  EXPECT_EQ(drawn(invoice, "2026-11-21", "pack:2026-03-01"), 200'000u);
  EXPECT_EQ(drawn(invoice, "2026-12-10", "pack:2026-03-01"), 1'000'000u);
  EXPECT_EQ(invoice.total.micros(), 2 * 4000 * kMicros);  // no post-paid, two packs
}

TEST(BillRaterPacks, PackIsNotUsableBeforeItsPurchaseDay) {
  RaterFixture rater("tencent-ims-cn",
                     R"({"packs": [{"service": "ims", "size": 1800000, "bought": "2026-11-10"}]})");
  rater.add("2026-11-09T23:59:59+08:00", "ims", 100);
  rater.add("2026-11-10T00:00:00+08:00", "ims", 100);
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(postpaid_line(invoice, "2026-11-09", "ims").units, 100u);
  EXPECT_EQ(drawn(invoice, "2026-11-10", "pack"), 100u);
}

TEST(BillRaterPacks, SameDayPacksGetDistinctLabels) {
  RaterFixture rater("tencent-face", R"({"packs": [
      {"service": "face.verify", "size": 100000, "bought": "2026-11-01"},
      {"service": "face.verify", "size": 100000, "bought": "2026-11-01"}]})");
  rater.add("2026-11-02T12:00:00+08:00", "face.verify", 150'000 + kFreePerMonth);
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(drawn(invoice, "2026-11", "pack:2026-11-01#1"), 100'000u);
  EXPECT_EQ(drawn(invoice, "2026-11", "pack:2026-11-01#2"), 50'000u);
}

struct TierRow {
  const char* service;
  std::uint64_t postpaid;  // the month's post-paid calls (after the 10,000 free)
  std::size_t tier;        // 1-based
  std::int64_t micros_per_call;
};

class BillRaterTiers : public ::testing::TestWithParam<TierRow> {};

TEST_P(BillRaterTiers, TierIsReachedByTheMonthsPostpaidVolume) {
  const TierRow& row = GetParam();
  RaterFixture rater(std::string(row.service).starts_with("face") ? "tencent-face" : "tencent-tiia");
  // Two events on two days of the month: the tier follows the month's total, not each day's.
  rater.add("2026-11-01T00:00:00+08:00", row.service, kFreePerMonth + row.postpaid / 2);
  rater.add("2026-11-30T23:59:59+08:00", row.service, row.postpaid - row.postpaid / 2);
  const Invoice invoice = rater.invoice();
  const InvoiceLine line = postpaid_line(invoice, "2026-11", row.service);
  EXPECT_EQ(line.units, row.postpaid);
  EXPECT_EQ(line.tier, row.tier);
  EXPECT_EQ(line.amount.micros(),
            half_up_cents(static_cast<std::int64_t>(row.postpaid) * row.micros_per_call) * 10'000);
}

// Face: ≤3 M / 3–15 M / >15 M at 0.0032 / 0.003 / 0.0027. Image analysis: 0–1 M / 1–3 M / 3–15 M / >15 M
// at 2.5 / 2.2 / 2 / 1.5 per 1,000.
INSTANTIATE_TEST_SUITE_P(
    Boundaries, BillRaterTiers,
    ::testing::Values(TierRow{"face.compare", 3'000'000, 1, 3200},
                      TierRow{"face.compare", 3'000'001, 2, 3000},
                      TierRow{"face.compare", 15'000'000, 2, 3000},
                      TierRow{"face.compare", 15'000'001, 3, 2700}, TierRow{"tiia.label", 1'000'000, 1, 2500},
                      TierRow{"tiia.label", 1'000'001, 2, 2200}, TierRow{"tiia.label", 3'000'000, 2, 2200},
                      TierRow{"tiia.label", 3'000'001, 3, 2000}, TierRow{"tiia.label", 15'000'000, 3, 2000},
                      TierRow{"tiia.label", 15'000'001, 4, 1500},
                      TierRow{"tiia.celebrity", 15'000'001, 4, 1000}));

TEST(BillRaterSettlement, DaysSplitAtBeijingMidnight) {
  // Two images at 23:59:59 and two at 00:00:00 Beijing time: two daily lines of 0.005 → 0.01 each. Billed
  // as one day they would be 4 × 0.0025 = 0.01 in total.
  RaterFixture rater("tencent-ims-cn");
  rater.add("2026-11-23T15:59:59Z", "ims", 2);
  rater.add("2026-11-23T16:00:00Z", "ims", 2);
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(postpaid_line(invoice, "2026-11-23", "ims").units, 2u);
  EXPECT_EQ(postpaid_line(invoice, "2026-11-24", "ims").units, 2u);
  EXPECT_EQ(invoice.total.micros(), 2 * half_up_cents(2 * kImsMicrosPerImage) * 10'000);
}

TEST(BillRaterSettlement, FreeQuotaResetsAtBeijingMonthStart) {
  RaterFixture rater("tencent-face");
  rater.add("2026-11-30T23:59:59+08:00", "face.detect", kFreePerMonth);
  rater.add("2026-11-30T16:00:00Z", "face.detect", kFreePerMonth);  // 2026-12-01 00:00:00 in Beijing
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(drawn(invoice, "2026-11", "free"), kFreePerMonth);
  EXPECT_EQ(drawn(invoice, "2026-12", "free"), kFreePerMonth);
  EXPECT_EQ(invoice.total.micros(), 0);
}

TEST(BillRaterSettlement, FreeQuotaIsPerService) {
  RaterFixture rater("tencent-tiia");
  rater.add("2026-11-02T10:00:00+08:00", "tiia.label", kFreePerMonth + 1000);
  rater.add("2026-11-02T10:00:00+08:00", "tiia.porn", kFreePerMonth);
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(drawn(invoice, "2026-11", "free", "tiia.porn"), kFreePerMonth);
  EXPECT_EQ(invoice.total.micros(), 1000 * 2500);  // 1,000 label calls at 2.5 per 1,000
}

TEST(BillRaterSettlement, RoundingModeIsAnOption) {
  // 3 images in a day: 0.0075 元 → 0.01 half-up, 0.00 down.
  for (const auto& [mode, cents] : {std::pair{RoundingMode::HalfUp, 1}, std::pair{RoundingMode::Down, 0}}) {
    RaterFixture rater("tencent-ims-cn", "", RaterOptions{Rounding{mode, Rounding::kCentMicros}, {}});
    rater.add("2026-11-02T10:00:00+08:00", "ims", 3);
    EXPECT_EQ(rater.invoice().total.micros(), cents * 10'000);
  }
}

TEST(BillRaterSettlement, InternationalPlanIsInUsd) {
  RaterFixture rater("tencent-ims-intl");
  rater.add("2026-11-02T10:00:00+08:00", "ims", 10'000);
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(invoice.currency, Currency::USD);
  EXPECT_EQ(invoice.total, Money::parse("16.5", Currency::USD));
}

TEST(BillRaterAccount, EventsBeforeActivationAreReportedNotDropped) {
  RaterFixture rater("tencent-ims-cn", R"({"activated": "2026-11-10"})");
  rater.add("2026-11-09T23:59:59+08:00", "ims", 5);
  rater.add("2026-11-10T00:00:00+08:00", "ims", 7);
  const Invoice invoice = rater.invoice();
  ASSERT_EQ(invoice.excluded.size(), 1u);
  EXPECT_EQ(invoice.excluded[0].period, "2026-11-09");
  EXPECT_EQ(invoice.excluded[0].reason, "before_activation");
  EXPECT_EQ(invoice.excluded[0].units, 5u);
  EXPECT_EQ(invoice.excluded[0].events, 1u);
  EXPECT_EQ(postpaid_line(invoice, "2026-11-10", "ims").units, 7u);
}

TEST(BillRaterErrors, UnknownAndUnpricedServicesAreClearErrors) {
  RaterFixture rater("tencent-ims-cn");
  EXPECT_THROW(rater.add("2026-11-02T10:00:00+08:00", "ims.v2"), BadEventError);
  try {
    rater.add("2026-11-02T10:00:00+08:00", "face.detect");
    FAIL() << "an unpriced service was accepted";
  } catch (const UnpricedServiceError& error) {
    EXPECT_NE(std::string(error.what())
                  .find("service face.detect is not priced by plan tencent-ims-cn (it prices: "
                        "ims, ims-aigc)"),
              std::string::npos)
        << error.what();
  }
  RaterFixture face("tencent-face");
  EXPECT_THROW(face.add("2026-11-02T10:00:00+08:00", "face.group", 1), BadEventError);  // no action
  EXPECT_EQ(rater.invoice().stats.events_rated, 0u);                                    // nothing was counted
}

TEST(BillRaterErrors, TotalsThatWouldWrapAreRefused) {
  RaterFixture rater("tencent-ims-cn");
  constexpr std::uint64_t kHalf = std::uint64_t{1} << 63;
  rater.add("2026-11-02T10:00:00+08:00", "ims", kHalf);
  EXPECT_THROW(rater.add("2026-11-02T11:00:00+08:00", "ims", kHalf), std::overflow_error);
}

TEST(BillRaterDedupe, DuplicateIdsAreBilledOnce) {
  RaterFixture rater("tencent-ims-cn");
  EXPECT_TRUE(rater.add("2026-11-02T10:00:00+08:00", "ims", 4, {}, "same-id"));
  EXPECT_FALSE(rater.add("2026-11-02T10:00:00+08:00", "ims", 4, {}, "same-id"));
  EXPECT_FALSE(rater.add("2026-11-03T10:00:00+08:00", "ims", 9, {}, "same-id"));  // conflicting copy
  const Invoice invoice = rater.invoice();
  EXPECT_EQ(postpaid_line(invoice, "2026-11-02", "ims").units, 4u);
  EXPECT_EQ(drawn(invoice, "2026-11-03", "postpaid"), 0u);
  EXPECT_EQ(invoice.stats.duplicates, 2u);
  EXPECT_EQ(invoice.stats.conflicting_duplicates, 1u);
  EXPECT_EQ(invoice.stats.events_rated, 1u);
}

TEST(BillRaterDedupe, DuplicatesAcrossASpillToDiskAreBilledOnce) {
  preflight::testing::TempDir spill;
  RaterFixture rater("tencent-ims-cn", "", RaterOptions{{}, DedupeOptions{4096, spill.path()}});
  rater.add("2026-11-02T10:00:00+08:00", "ims", 4, {}, "same-id");
  for (int i = 0; i < 2000; ++i)
    rater.add("2026-11-05T10:00:00+08:00", "ims", 1, {}, fmt::format("filler-{}", i));
  EXPECT_TRUE(rater.add("2026-11-03T10:00:00+08:00", "ims", 9, {}, "same-id"));  // only known on disk now
  for (int i = 0; i < 2000; ++i)
    rater.add("2026-11-05T10:00:00+08:00", "ims", 1, {}, fmt::format("filler-{}", i));
  const Invoice invoice = rater.invoice();
  EXPECT_GT(invoice.stats.spilled_runs, 0u);
  EXPECT_EQ(postpaid_line(invoice, "2026-11-02", "ims").units, 4u);
  EXPECT_EQ(drawn(invoice, "2026-11-03", "postpaid"), 0u);
  EXPECT_EQ(postpaid_line(invoice, "2026-11-05", "ims").units, 2000u);
  EXPECT_EQ(invoice.stats.duplicates, 2001u);
  EXPECT_EQ(invoice.stats.conflicting_duplicates, 1u);
  EXPECT_EQ(invoice.stats.events_rated, 2001u);
  EXPECT_TRUE(std::filesystem::is_empty(spill.path()));
}

TEST(BillRaterApi, InvoiceEndsTheStreamAndIsStable) {
  RaterFixture rater("tencent-ims-cn");
  rater.add("2026-11-02T10:00:00+08:00", "ims", 10'000);
  const Invoice first = rater.invoice();
  EXPECT_EQ(first.total, cny("25"));
  EXPECT_EQ(rater.invoice().total, first.total);
  EXPECT_THROW(rater.add("2026-11-02T10:00:00+08:00", "ims"), std::logic_error);
}

}  // namespace
}  // namespace preflight::billing
