// `preflight bill` through the built binary: output formats, exit statuses, error messages, and
// streaming in bounded memory.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/billing/billing_fixtures.h"
#include "tests/support/run_command.h"
#include "tests/support/sanitized_build.h"
#include "tests/support/temp_dir.h"

namespace preflight::billing {
namespace {

using nlohmann::json;
using preflight::testing::preflight_binary;
using preflight::testing::run_command;
using preflight::testing::TempDir;
using testing::event_line;

constexpr int kExitInvoice = 0;
constexpr int kExitIncomplete = 1;
constexpr int kExitError = 2;

std::string lines(const std::vector<std::string>& events) {
  std::string text;
  for (const std::string& event : events) text += event + "\n";
  return text;
}

const json* find_line(const json& invoice, const std::string& period, const std::string& source) {
  for (const json& line : invoice["lines"])
    if (line["period"] == period && line["source"] == source) return &line;
  return nullptr;
}

class BillCommand : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    return dir_.write(name, text).string();
  }
  preflight::testing::CommandResult bill(std::vector<std::string> args) {
    args.insert(args.begin(), {preflight_binary(), "bill"});
    return run_command(args);
  }
  TempDir dir_;
};

// SPEC example 2 from a file: 32 M + 20 M search calls, one 5000万 pack → 148,868 元.
TEST_F(BillCommand, PricesSpecExample2AsJsonAndAsATable) {
  const std::string events =
      write("events.jsonl",
            lines({event_line("a", "2026-11-10T02:00:00Z", "face.search", 32'000'000, "search_faces"),
                   event_line("b", "2026-11-20T02:00:00Z", "face.search", 20'000'000, "search_persons")}));
  const std::string account = write(
      "account.json", R"({"packs": [{"service": "face.search", "size": 50000000, "bought": "2026-11-01"}]})");

  const auto as_json = bill({"--plan", "tencent-face", "--account", account, "--json", events});
  ASSERT_EQ(as_json.exit_status, kExitInvoice) << as_json.err;
  const json invoice = json::parse(as_json.out);
  EXPECT_EQ(invoice["plan"], "tencent-face");
  EXPECT_EQ(invoice["currency"], "CNY");
  EXPECT_EQ(invoice["total"], "148868.00");
  const json* postpaid = find_line(invoice, "2026-11", "postpaid");
  ASSERT_NE(postpaid, nullptr) << as_json.out;
  EXPECT_EQ((*postpaid)["units"], 52'000'000 - 50'000'000 - 10'000);
  EXPECT_EQ((*postpaid)["tier"], 1);
  EXPECT_EQ((*postpaid)["amount"], "6368.00");
  ASSERT_NE(find_line(invoice, "2026-11", "pack:2026-11-01"), nullptr);
  EXPECT_EQ((*find_line(invoice, "2026-11-01", "purchase"))["amount"], "142500.00");

  const auto as_table = bill({"--plan", "tencent-face", "--account", account, events});
  ASSERT_EQ(as_table.exit_status, kExitInvoice) << as_table.err;
  EXPECT_NE(as_table.out.find("total 148868.00 CNY"), std::string::npos) << as_table.out;
  EXPECT_NE(as_table.out.find("2026-11  face.search  52000000  10000"), std::string::npos) << as_table.out;
  EXPECT_NE(as_table.out.find("pack:2026-11-01"), std::string::npos);
  EXPECT_NE(as_table.err.find("2 events rated"), std::string::npos) << as_table.err;
}

TEST_F(BillCommand, MalformedLineStopsWithFileAndLineAndNoInvoice) {
  const std::string events = write("events.jsonl", lines({event_line("a", "2026-11-10T02:00:00Z", "ims"), "",
                                                          R"({"specversion":"1.0", "id": )",
                                                          event_line("b", "2026-11-10T02:00:00Z", "ims")}));
  const auto result = bill({"--plan", "tencent-ims-cn", events});
  EXPECT_EQ(result.exit_status, kExitError);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find(events + ":3: not valid JSON"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--skip-bad"), std::string::npos);
  EXPECT_NE(result.err.find("no invoice"), std::string::npos);
}

TEST_F(BillCommand, SkipBadPricesTheRestAndSaysHowManyWereSkipped) {
  const std::string events = write(
      "events.jsonl",
      lines({event_line("a", "2026-11-10T02:00:00Z", "ims-aigc", 30), "not json",
             event_line("b", "yesterday", "ims-aigc"), event_line("c", "2026-11-10T02:00:00Z", "ims-agic"),
             event_line("d", "2026-11-10T03:00:00Z", "ims-aigc", 60)}));
  const auto result = bill({"--plan", "tencent-ims-cn", "--json", "--skip-bad", events});
  EXPECT_EQ(result.exit_status, kExitIncomplete) << result.err;
  const json invoice = json::parse(result.out);
  EXPECT_EQ(invoice["total"], "9.00");  // (30 + 60) × 0.10
  EXPECT_EQ(invoice["events"]["skipped_bad_lines"], 3);
  EXPECT_NE(result.err.find("3 malformed lines skipped"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(events + ":2: the line must be a JSON object"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(events + ":4: field \"data.service\": \"ims-agic\" is not a service name"),
            std::string::npos)
      << result.err;
}

TEST_F(BillCommand, UnknownServiceFailsAndUnpricedServiceFailsEvenWithSkipBad) {
  const std::string unknown = write("unknown.jsonl", lines({event_line("a", "2026-11-10T02:00:00Z", "imz")}));
  const auto unknown_result = bill({"--plan", "tencent-ims-cn", unknown});
  EXPECT_EQ(unknown_result.exit_status, kExitError);
  EXPECT_NE(
      unknown_result.err.find(unknown + ":1: field \"data.service\": \"imz\" is not a service name (ims, "),
      std::string::npos)
      << unknown_result.err;

  const std::string unpriced =
      write("unpriced.jsonl", lines({event_line("a", "2026-11-10T02:00:00Z", "ims-aigc")}));
  const auto result = bill({"--plan", "tencent-ims-intl", "--skip-bad", unpriced});
  EXPECT_EQ(result.exit_status, kExitError);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find(unpriced +
                            ":1: service ims-aigc is not priced by plan tencent-ims-intl (it prices: ims)"),
            std::string::npos)
      << result.err;
}

TEST_F(BillCommand, DuplicateIdsAcrossFilesAreBilledOnce) {
  const std::string first =
      write("a.jsonl", lines({event_line("x", "2026-11-10T02:00:00Z", "ims-aigc", 10),
                              event_line("y", "2026-11-10T02:00:00Z", "ims-aigc", 10)}));
  const std::string second =
      write("b.jsonl", lines({event_line("y", "2026-11-10T02:00:00Z", "ims-aigc", 10),
                              event_line("z", "2026-11-10T02:00:00Z", "ims-aigc", 10)}));
  const auto result = bill({"--plan", "tencent-ims-cn", "--json", first, second});
  ASSERT_EQ(result.exit_status, kExitInvoice) << result.err;
  const json invoice = json::parse(result.out);
  EXPECT_EQ(invoice["total"], "3.00");  // 30 images, not 40
  EXPECT_EQ(invoice["events"]["duplicates"], 1);
}

TEST_F(BillCommand, EventsBeforeActivationAreReportedWithExitOne) {
  const std::string events =
      write("events.jsonl", lines({event_line("a", "2026-10-31T02:00:00Z", "ims", 5),
                                   event_line("b", "2026-11-02T02:00:00Z", "ims", 5)}));
  const std::string account = write("account.json", R"({"activated": "2026-11-01"})");
  const auto result = bill({"--plan", "tencent-ims-cn", "--account", account, events});
  EXPECT_EQ(result.exit_status, kExitIncomplete) << result.err;
  EXPECT_NE(result.out.find("not billed"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("before_activation"), std::string::npos);
  EXPECT_NE(result.err.find("5 units before activation not billed"), std::string::npos) << result.err;
}

TEST_F(BillCommand, RoundingIsAnOption) {
  // 3 images on one day: 0.0075 元.
  const std::string events =
      write("events.jsonl", lines({event_line("a", "2026-11-02T02:00:00Z", "ims", 3)}));
  const auto rounded = [&](std::vector<std::string> options) {
    options.insert(options.begin(), {"--plan", "tencent-ims-cn", "--json"});
    options.push_back(events);
    const auto result = bill(options);
    EXPECT_EQ(result.exit_status, kExitInvoice) << result.err;
    return result.exit_status == kExitInvoice ? json::parse(result.out)["total"].get<std::string>() : "";
  };
  EXPECT_EQ(rounded({}), "0.01");
  EXPECT_EQ(rounded({"--rounding", "down"}), "0.00");
  EXPECT_EQ(rounded({"--round-to", "0.0001"}), "0.0075");
  EXPECT_EQ(rounded({"--round-to", "0.001", "--rounding", "half-even"}), "0.008");
}

TEST_F(BillCommand, UsageAndInputErrorsExitTwo) {
  const std::string events = write("events.jsonl", lines({event_line("a", "2026-11-02T02:00:00Z", "ims")}));
  const std::string bad_account =
      write("bad.json", R"({"activated": "2026-11-01", "packs": [{"service": "ims"}]})");
  const std::string bad_plan = write("plan.json", R"({"name": "p", "currency": "CNY", "services": {}})");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{events}, "--plan is required"},
      {{"--plan", "tencent-nope", events}, "no such plan"},
      {{"--plan", bad_plan, events}, "services: must be a non-empty object"},
      {{"--plan", "tencent-ims-cn", "--account", bad_account, events}, "packs[0].size: is missing"},
      {{"--plan", "tencent-ims-cn", (dir_.path() / "absent.jsonl").string()}, "cannot be opened"},
      {{"--plan", "tencent-ims-cn", "--rounding", "bankers", events}, "bankers"},
      {{"--plan", "tencent-ims-cn", "--round-to", "0", events}, "must be positive"},
  };
  for (const auto& [args, message] : cases) {
    const auto result = bill(args);
    EXPECT_EQ(result.exit_status, kExitError) << message;
    EXPECT_NE(result.err.find(message), std::string::npos) << result.err;
    EXPECT_EQ(result.out, "");
  }
}

// Streaming: 20,000 and 200,000 events (a third of them repeated) through a 1 MiB de-duplication budget,
// so both spill runs to disk. Ten times the events must not need more memory, and every id is billed once.
TEST_F(BillCommand, StreamsInBoundedMemoryAndDedupesAcrossSpills) {
  const auto write_events = [&](const std::string& name, int distinct) {
    const std::string path = (dir_.path() / name).string();
    std::ofstream out(path);
    for (int i = 0; i < distinct; ++i) {
      const std::string id = fmt::format("{:064x}", static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ull);
      const std::string line = event_line(id, fmt::format("2026-11-{:02}T02:00:00Z", 1 + i % 28), "ims-aigc");
      out << line << "\n";
      if (i % 3 == 0) out << line << "\n";
    }
    return path;
  };
  long rss_kb[2] = {0, 0};
  const int sizes[2] = {20'000, 200'000};
  for (int run = 0; run < 2; ++run) {
    const std::string events = write_events(fmt::format("events-{}.jsonl", run), sizes[run]);
    const auto result = bill({"--plan", "tencent-ims-cn", "--json", "--dedupe-memory", "1", "--spill-dir",
                              dir_.path().string(), events});
    ASSERT_EQ(result.exit_status, kExitInvoice) << result.err;
    const json invoice = json::parse(result.out);
    EXPECT_EQ(invoice["events"]["rated"], sizes[run]);
    EXPECT_EQ(invoice["events"]["duplicates"], (sizes[run] + 2) / 3);
    EXPECT_GT(invoice["events"]["spilled_runs"], 0);
    EXPECT_EQ(invoice["total"], Money(std::int64_t{sizes[run]} * 100'000, Currency::CNY).to_string());
    rss_kb[run] = result.peak_rss_kb;
  }
  constexpr long kAllowedGrowthKb = 8 * 1024;
  if (preflight::testing::kMemoryFiguresMeaningful) {
    EXPECT_LT(rss_kb[1] - rss_kb[0], kAllowedGrowthKb) << rss_kb[0] << " KB vs " << rss_kb[1] << " KB";
  }
  RecordProperty("peak_rss_kb_20k", std::to_string(rss_kb[0]));
  RecordProperty("peak_rss_kb_200k", std::to_string(rss_kb[1]));
}

}  // namespace
}  // namespace preflight::billing
