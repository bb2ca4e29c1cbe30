#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

using nlohmann::json;
using preflight::testing::preflight_binary;
using preflight::testing::run_command;
using preflight::testing::TempDir;

const std::string kCorpus = std::string(PREFLIGHT_SOURCE_DIR) + "/corpus/formats";

json read_json(const std::filesystem::path& path) {
  std::ifstream file(path);
  return json::parse(file);
}

// SPEC §8: pay-as-you-go 25 元 per 10,000 images, the day's line rounded half-up to 0.01.
std::string ims_pay_as_you_go(std::uint64_t images) {
  const std::uint64_t cents = (images * 25 * 100 + 5000) / 10000;
  return std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") + std::to_string(cents % 100);
}

TEST(CheckPlan, SummaryCarriesTheEstimatedCostOfTheBilledImages) {
  TempDir dir;
  const std::string out = (dir.path() / "run").string();
  const auto result = run_command(
      {preflight_binary(), "check", kCorpus, "--out", out, "--plan", "tencent-ims-cn", "--services", "ims"});
  ASSERT_LE(result.exit_status, 1) << result.err;
  const json summary = read_json(dir.path() / "run" / "summary.json");
  const std::uint64_t billed = summary["billed_images"];
  ASSERT_GT(billed, 0u);
  EXPECT_EQ(summary["cost"]["currency"], "CNY");
  EXPECT_EQ(summary["cost"]["total"], ims_pay_as_you_go(billed));
  EXPECT_NE(result.err.find("estimated cost under tencent-ims-cn"), std::string::npos) << result.err;
}

// Today in Asia/Shanghai, the service's settlement time zone.
std::string shanghai_today() {
  const auto now =
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + std::chrono::hours(8));
  const std::chrono::year_month_day day{now};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

TEST(CheckPlan, TrialFromTheAccountFileCoversTheBatch) {
  TempDir dir;
  const auto account =
      dir.write("account.json", R"({"activated": ")" + shanghai_today() + R"(", "trial": true})");
  const auto result =
      run_command({preflight_binary(), "check", kCorpus, "--out", (dir.path() / "run").string(), "--plan",
                   "tencent-ims-cn", "--account", account.string()});
  ASSERT_LE(result.exit_status, 1) << result.err;
  EXPECT_EQ(read_json(dir.path() / "run" / "summary.json")["cost"]["total"], "0.00");
}

TEST(CheckPlan, PlanThatDoesNotPriceTheServicesIsAUsageError) {
  const auto result = run_command({preflight_binary(), "check", kCorpus, "--plan", "tencent-face"});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("does not price service 'ims'"), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty());
}

}  // namespace
}  // namespace preflight
