#include "billing/plan.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "tests/support/temp_dir.h"

namespace preflight::billing {
namespace {

using nlohmann::json;

// A small valid plan, to be broken one field at a time.
json valid_plan() {
  return json::parse(R"({"name": "t", "currency": "CNY", "services": {
      "face.detect": {"settlement": "month", "free_per_month": 10,
                      "packs": [{"size": 100, "price": "1"}], "pack_valid_months": 12,
                      "tiers": [{"up_to": 1000, "price": "0.0005", "per": 1}, {"price": "0.0004", "per": 1}]}},
      "qps": {"max_per_group": 300, "tiers": [{"up_to": 10, "per_month": "280", "per_day": "18"},
                                               {"per_month": "145", "per_day": "10"}]},
      "sdk": {"recognition": [{"min_devices": 50, "max_devices": 1000, "price": "118"}]}})");
}

class BillPlanFile : public ::testing::Test {
 protected:
  std::string load_error(const std::string& text) {
    const auto path = dir_.write("plan.json", text);
    try {
      load_plan_file(path);
    } catch (const std::invalid_argument& error) {
      return error.what();
    }
    return "";
  }
  std::string load_error_of(const json& doc) { return load_error(doc.dump(2)); }

  preflight::testing::TempDir dir_;
};

TEST_F(BillPlanFile, ShippedPlansCoverEverySpecPlan) {
  const Plan ims = load_plan("tencent-ims-cn");
  EXPECT_EQ(ims.currency, Currency::CNY);
  const ServicePlan& moderation = *ims.find(*service_id("ims"));
  EXPECT_EQ(moderation.trial->units, 3000u);
  EXPECT_EQ(moderation.trial->days, 15u);
  EXPECT_EQ(moderation.packs.size(), 5u);
  EXPECT_EQ(moderation.pack_of_size(1'800'000)->price.to_string(), "4000.00");
  EXPECT_EQ(moderation.pack_of_size(360'000'000)->price.to_string(), "360000.00");
  EXPECT_EQ(moderation.pack_valid_months, 12u);
  EXPECT_EQ(moderation.settlement, Settlement::Day);
  EXPECT_FALSE(ims.find(*service_id("ims-aigc"))->trial.has_value());

  const Plan intl = load_plan("tencent-ims-intl");
  EXPECT_EQ(intl.currency, Currency::USD);
  EXPECT_EQ(intl.find(*service_id("ims"))->tiers[0].price.to_string(), "16.50");

  const Plan tiia = load_plan("tencent-tiia");
  EXPECT_EQ(tiia.services.size(), 9u);
  for (const ServicePlan& service : tiia.services) {
    EXPECT_EQ(service.free_per_month, 10'000u);
    EXPECT_EQ(service.tiers.size(), 4u);
    EXPECT_EQ(service.settlement, Settlement::Month);
  }

  const Plan face = load_plan("tencent-face");
  EXPECT_EQ(face.services.size(), 7u);
  EXPECT_EQ(face.find(*service_id("face.liveness"))->packs.size(), 4u);  // no 10万 liveness pack
  EXPECT_TRUE(face.find(*service_id("face.group"))->bills_action("add_face"));
  EXPECT_FALSE(face.find(*service_id("face.group"))->bills_action("list_groups"));
  EXPECT_EQ(face.qps->max_per_group, 300u);
  EXPECT_EQ(face.sdk.at("recognition").size(), 3u);
}

TEST_F(BillPlanFile, TierForIsInclusiveAtEachUpperBound) {
  const Plan face = load_plan("tencent-face");
  const ServicePlan& compare = *face.find(*service_id("face.compare"));
  EXPECT_EQ(compare.tier_for(0), 0u);
  EXPECT_EQ(compare.tier_for(3'000'000), 0u);
  EXPECT_EQ(compare.tier_for(3'000'001), 1u);
  EXPECT_EQ(compare.tier_for(15'000'000), 1u);
  EXPECT_EQ(compare.tier_for(15'000'001), 2u);
}

TEST_F(BillPlanFile, PlanIsFoundByNameOrPath) {
  EXPECT_EQ(load_plan(dir_.write("mine.json", valid_plan().dump()).string()).name, "t");
  try {
    load_plan("tencent-nope");
    FAIL() << "an unknown plan name loaded";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("tencent-face"), std::string::npos) << error.what();
  }
}

struct BrokenPlan {
  const char* what;
  std::function<void(json&)> edit;
  const char* message;  // must appear in the error
};

class BillPlanSchema : public BillPlanFile, public ::testing::WithParamInterface<BrokenPlan> {};

TEST_P(BillPlanSchema, NamesTheFileAndTheFieldPath) {
  json doc = valid_plan();
  GetParam().edit(doc);
  const std::string error = load_error_of(doc);
  EXPECT_NE(error.find("plan " + (dir_.path() / "plan.json").string()), std::string::npos) << error;
  EXPECT_NE(error.find(GetParam().message), std::string::npos) << error;
}

const json::json_pointer kDetect("/services/face.detect");

INSTANTIATE_TEST_SUITE_P(
    Fields, BillPlanSchema,
    ::testing::Values(
        BrokenPlan{"unknown top field", [](json& d) { d["curency"] = "CNY"; },
                   "curency: is not a known field"},
        BrokenPlan{"misspelt nested field", [](json& d) { d[kDetect]["free_per_mont"] = 1; },
                   "services[\"face.detect\"].free_per_mont: is not a known field"},
        BrokenPlan{"price as a JSON number", [](json& d) { d[kDetect]["tiers"][0]["price"] = 0.0005; },
                   "services[\"face.detect\"].tiers[0].price: must be a decimal string"},
        BrokenPlan{"price with too many decimals",
                   [](json& d) { d[kDetect]["tiers"][0]["price"] = "0.0000001"; },
                   "tiers[0].price: \"0.0000001\" is not an amount"},
        BrokenPlan{"missing tiers", [](json& d) { d[kDetect].erase("tiers"); },
                   "services[\"face.detect\"].tiers: is missing"},
        BrokenPlan{"missing name", [](json& d) { d.erase("name"); }, "name: is missing"},
        BrokenPlan{"per of zero", [](json& d) { d[kDetect]["tiers"][1]["per"] = 0; },
                   "tiers[1].per: must be a positive integer, got 0"},
        BrokenPlan{"last tier bounded", [](json& d) { d[kDetect]["tiers"][1]["up_to"] = 5000; },
                   "tiers[1].up_to: must be absent"},
        BrokenPlan{"tiers out of order",
                   [](json& d) {
                     d[kDetect]["tiers"] = json::parse(
                         R"([{"up_to": 10, "price": "1", "per": 1}, {"up_to": 5, "price": "1", "per": 1},
                             {"price": "1", "per": 1}])");
                   },
                   "tiers[1].up_to: must be greater"},
        BrokenPlan{"settlement value", [](json& d) { d[kDetect]["settlement"] = "week"; },
                   "settlement: must be one of \"day\", \"month\", got \"week\""},
        BrokenPlan{"unknown service", [](json& d) { d["services"]["face.detection"] = d[kDetect]; },
                   "\"face.detection\" is not a service name"},
        BrokenPlan{"packs without validity", [](json& d) { d[kDetect].erase("pack_valid_months"); },
                   "pack_valid_months: is missing"},
        BrokenPlan{"duplicate pack size",
                   [](json& d) {
                     d[kDetect]["packs"].push_back(json{{"size", 100}, {"price", "2"}});
                   },
                   "packs[1].size: 100 is listed twice"},
        BrokenPlan{"currency", [](json& d) { d["currency"] = "EUR"; },
                   "currency: \"EUR\" is not a supported"},
        BrokenPlan{"free quota type", [](json& d) { d[kDetect]["free_per_month"] = "10"; },
                   "free_per_month: must be a positive integer, got \"10\""},
        BrokenPlan{"qps tier field", [](json& d) { d["qps"]["tiers"][0]["monthly"] = "1"; },
                   "qps.tiers[0].monthly: is not a known field"},
        BrokenPlan{"sdk kind", [](json& d) { d["sdk"]["recognitoin"] = d["sdk"]["recognition"]; },
                   "sdk.recognitoin: is not a known field"},
        BrokenPlan{"sdk overlap",
                   [](json& d) {
                     d["sdk"]["recognition"].push_back(
                         json{{"min_devices", 900}, {"max_devices", 5000}, {"price", "95"}});
                   },
                   "sdk.recognition[1].min_devices: must be above"},
        BrokenPlan{"services not an object", [](json& d) { d["services"] = json::array(); },
                   "services: must be a non-empty object"}),
    [](const ::testing::TestParamInfo<BrokenPlan>& info) {
      std::string name = info.param.what;
      for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return name;
    });

TEST_F(BillPlanFile, SyntaxErrorsGiveTheLine) {
  const std::string error = load_error(std::string("{\n  \"name\": \"t\",\n  \"currency\": CNY\n}"));
  EXPECT_NE(error.find("line 3"), std::string::npos) << error;
  EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
}

// nlohmann reports a number beyond a double as out_of_range, not parse_error (found by fuzz_plan).
TEST_F(BillPlanFile, NumberBeyondADoubleIsASyntaxError) {
  const std::string error = load_error(R"({"name": "t", "currency": "CNY", "services": {}, "qps": 1e400})");
  EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
  EXPECT_NE(error.find("1e400"), std::string::npos) << error;
}

TEST_F(BillPlanFile, UnreadableFileSaysSo) {
  try {
    load_plan_file(dir_.path() / "absent.json");
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("cannot be read"), std::string::npos);
  }
}

}  // namespace
}  // namespace preflight::billing
