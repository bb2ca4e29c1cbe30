// Events per second of the billing path over generated event lines held in memory: parse only,
// rate only (pre-parsed events through de-duplication and aggregation), and the whole line → Rater path,
// the last one also with a small de-duplication budget so that sorted runs spill to disk and are merged.
// Run: build/billing_throughput [--benchmark_min_time=1]
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <openssl/sha.h>

#include <string>
#include <vector>

#include "billing/event_parser.h"
#include "billing/plan.h"
#include "billing/rater.h"

namespace preflight::billing {
namespace {

constexpr std::size_t kLines = 1 << 18;
constexpr int kDaysInMonth = 30;
constexpr std::int64_t kFirstDay = 1'796'083'200;  // 2026-12-01T00:00:00Z

std::string hex_sha256(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  std::string hex;
  for (const unsigned char byte : digest) hex += fmt::format("{:02x}", byte);
  return hex;
}

// Event lines as `preflight check` writes them: SHA-256 ids, one month of times, one image each.
const std::vector<std::string>& event_lines() {
  static const std::vector<std::string> lines = [] {
    std::vector<std::string> result;
    result.reserve(kLines);
    for (std::size_t i = 0; i < kLines; ++i) {
      const std::string id = hex_sha256(fmt::format("ims|/data/{}.jpg", i));
      const std::int64_t time = kFirstDay + static_cast<std::int64_t>(i % kDaysInMonth) * 86'400 +
                                static_cast<std::int64_t>(i % 86'400);
      result.push_back(fmt::format(
          R"({{"specversion":"1.0","type":"preflight.billable.v1","source":"preflight","id":"{}",)"
          R"("time":"@{}","subject":"/data/{}.jpg","data":{{"service":"ims","units":1,"frames_sampled":1,)"
          R"("sha256":"{}","bytes":183422,"profile":"tencent-ims"}}}})",
          id, time, i, id));
    }
    return result;
  }();
  return lines;
}

// The generated lines carry "@<unix seconds>" as a placeholder; replace it with RFC 3339 once.
const std::vector<std::string>& lines_with_times() {
  static const std::vector<std::string> lines = [] {
    std::vector<std::string> result = event_lines();
    for (std::string& line : result) {
      const std::size_t at = line.find("\"@") + 1;
      const std::size_t end = line.find('"', at);
      const std::int64_t seconds = std::stoll(line.substr(at + 1, end - at - 1));
      const std::int64_t day_seconds = seconds % 86'400;
      const int day = static_cast<int>((seconds - kFirstDay) / 86'400) + 1;
      line.replace(at, end - at,
                   fmt::format("2026-12-{:02}T{:02}:{:02}:{:02}Z", day, day_seconds / 3600,
                               day_seconds / 60 % 60, day_seconds % 60));
    }
    return result;
  }();
  return lines;
}

void set_rate(benchmark::State& state) {
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void parse_only(benchmark::State& state) {
  const auto& lines = lines_with_times();
  EventParser parser;
  BillableEvent event;
  std::size_t i = 0;
  for (auto _ : state) {
    if (!parser.parse(lines[i++ % lines.size()], event).empty())
      state.SkipWithError("a generated line failed");
    benchmark::DoNotOptimize(event);
  }
  set_rate(state);
}

// Each iteration rates one event; once every line was used the stream is ended (invoice(): merging any
// spilled runs, timed too, as it is part of the cost) and a new rater starts, so no id repeats in one.
void rate_lines(benchmark::State& state, std::size_t dedupe_bytes) {
  const auto& lines = lines_with_times();
  const Plan plan = load_plan("tencent-ims-cn");
  EventParser parser;
  BillableEvent event;
  std::size_t i = 0;
  auto rater = std::make_unique<Rater>(plan, Account{}, RaterOptions{{}, {dedupe_bytes, {}}});
  for (auto _ : state) {
    if (i == lines.size()) {
      benchmark::DoNotOptimize(rater->invoice());
      rater = std::make_unique<Rater>(plan, Account{}, RaterOptions{{}, {dedupe_bytes, {}}});
      i = 0;
    }
    parser.parse(lines[i++], event);
    rater->add(event);
  }
  benchmark::DoNotOptimize(rater->invoice());
  set_rate(state);
}

void rate_parsed(benchmark::State& state) {
  const auto& lines = lines_with_times();
  std::vector<std::string> ids;
  for (const std::string& line : lines) ids.push_back(line.substr(line.find("\"id\":\"") + 6, 64));
  const Plan plan = load_plan("tencent-ims-cn");
  auto rater = std::make_unique<Rater>(plan);
  std::size_t i = 0;
  for (auto _ : state) {
    if (i == ids.size()) {
      benchmark::DoNotOptimize(rater->invoice());
      rater = std::make_unique<Rater>(plan);
      i = 0;
    }
    rater->add({ids[i], kFirstDay + static_cast<std::int64_t>(i % kDaysInMonth) * 86'400, "ims", 1, {}});
    ++i;
  }
  set_rate(state);
}

BENCHMARK(parse_only);
BENCHMARK(rate_parsed);
BENCHMARK_CAPTURE(rate_lines, default_budget, DedupeOptions::kDefaultMemoryBytes);
BENCHMARK_CAPTURE(rate_lines, spilling_4MiB, std::size_t{4} << 20);

}  // namespace
}  // namespace preflight::billing

BENCHMARK_MAIN();
