#include "billing/account.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/support/temp_dir.h"

namespace preflight::billing {
namespace {

class BillAccount : public ::testing::Test {
 protected:
  Account load(const std::string& text) { return load_account_file(dir_.write("account.json", text)); }
  // The message of loading `text` and checking it against `plan`; "" if both pass.
  std::string error_of(const std::string& text, const std::string& plan = "tencent-face") {
    try {
      check_account_against_plan(load(text), load_plan(plan));
    } catch (const std::invalid_argument& error) {
      return error.what();
    }
    return "";
  }

  preflight::testing::TempDir dir_;
};

TEST_F(BillAccount, TheSpecExampleLoads) {
  const Account account = load(R"({"activated": "2026-11-01", "trial": true,
      "packs": [{"service": "ims", "size": 1800000, "bought": "2026-10-01"}],
      "qps": [{"group": "face.search", "qps": 10, "months": 1, "days": 5}],
      "devices": [{"sdk": "recognition", "count": 1000}]})");
  Day november_first = 0;
  ASSERT_TRUE(parse_date("2026-11-01", november_first));
  EXPECT_EQ(account.activated, november_first);
  EXPECT_TRUE(account.trial);
  ASSERT_EQ(account.packs.size(), 1u);
  EXPECT_EQ(account.packs[0].size, 1'800'000u);
  EXPECT_EQ(service_name(account.packs[0].service), "ims");
  EXPECT_EQ(account.qps[0].months, 1u);
  EXPECT_EQ(account.qps[0].days, 5u);
  EXPECT_EQ(account.devices[0].count, 1000u);
}

TEST_F(BillAccount, FieldErrorsNameTheFileAndPath) {
  const std::string file = (dir_.path() / "account.json").string();
  const auto error = [&](const std::string& text) { return error_of(text); };
  EXPECT_NE(error(R"({"activated": "2026-11-31"})").find("account " + file + ": activated: must be a date"),
            std::string::npos);
  EXPECT_NE(error(R"({"trial": true})").find("trial: is true but \"activated\" is missing"),
            std::string::npos);
  EXPECT_NE(error(R"({"pack": []})").find("pack: is not a known field"), std::string::npos);
  EXPECT_NE(
      error(R"({"packs": [{"service": "face.search", "size": 100000}]})").find("packs[0].bought: is missing"),
      std::string::npos);
  EXPECT_NE(
      error(R"({"qps": [{"group": "face.search", "qps": 1}]})").find("qps[0]: needs \"months\" or \"days\""),
      std::string::npos);
  EXPECT_NE(error(R"({"devices": [{"sdk": "vision", "count": 60}]})").find("devices[0].sdk: must be one of"),
            std::string::npos);
  EXPECT_NE(error("{\"activated\": \"2026-11-01\",\n\"trial\": yes}").find("line 2"), std::string::npos);
  EXPECT_NE(error(R"({"qps": [{"qps": 1e400}]})").find("not valid JSON"), std::string::npos);  // fuzz_plan
}

TEST_F(BillAccount, PurchasesMustBePricedByThePlan) {
  EXPECT_NE(error_of(R"({"packs": [{"service": "face.search", "size": 2000000, "bought": "2026-01-01"}]})")
                .find("packs[0].size: 2000000 is not a pack size of face.search in plan tencent-face"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"packs": [{"service": "face.liveness", "size": 100000, "bought": "2026-01-01"}]})")
                .find("is not a pack size of face.liveness"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"packs": [{"service": "ims", "size": 1800000, "bought": "2026-01-01"}]})")
                .find("packs[0].service: plan tencent-face does not price ims"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"packs": [{"service": "ims-aigc", "size": 1800000, "bought": "2026-01-01"}]})",
                     "tencent-ims-cn")
                .find("is not a pack size of ims-aigc"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"qps": [{"group": "face.search", "qps": 1, "days": 1}]})", "tencent-ims-cn")
                .find("qps[0]: plan tencent-ims-cn has no QPS prices"),
            std::string::npos);
  EXPECT_NE(
      error_of(R"({"devices": [{"sdk": "recognition", "count": 49}]})")
          .find("devices[0].count: 49 devices is outside the recognition SDK's price list (50 to 10000"),
      std::string::npos);
  EXPECT_EQ(error_of(R"({"devices": [{"sdk": "recognition", "count": 10000}]})"), "");
  EXPECT_NE(error_of(R"({"devices": [{"sdk": "recognition", "count": 10001}]})").find("outside"),
            std::string::npos);
}

TEST_F(BillAccount, AtMost300QpsPerGroup) {
  EXPECT_EQ(error_of(R"({"qps": [{"group": "face.search", "qps": 300, "months": 1}]})"), "");
  EXPECT_NE(error_of(R"({"qps": [{"group": "face.search", "qps": 200, "months": 1},
                                 {"group": "face.search", "qps": 101, "days": 3}]})")
                .find("qps[1].qps: brings face.search to 301 QPS, above the plan's maximum of 300 per group"),
            std::string::npos);
  EXPECT_EQ(error_of(R"({"qps": [{"group": "face.search", "qps": 200, "months": 1},
                                 {"group": "face.compare", "qps": 200, "months": 1}]})"),
            "");
}

}  // namespace
}  // namespace preflight::billing
