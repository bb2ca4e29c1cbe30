#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "billing/account.h"
#include "billing/invoice.h"
#include "billing/money.h"
#include "billing/plan.h"
#include "billing/rater.h"
#include "billing/rfc3339.h"
#include "tests/support/temp_dir.h"

namespace preflight::billing::testing {

inline constexpr std::int64_t kMicros = Money::kMicrosPerUnit;

// A CloudEvents line as `preflight check` writes it.
inline std::string event_line(std::string_view id, std::string_view time, std::string_view service,
                              std::uint64_t units = 1, std::string_view action = {}) {
  const std::string action_field = action.empty() ? "" : fmt::format(R"(,"action":"{}")", action);
  return fmt::format(
      R"({{"specversion":"1.0","type":"preflight.billable.v1","source":"preflight","id":"{}","time":"{}",)"
      R"("subject":"/data/{}.jpg","data":{{"service":"{}","units":{}{},"sha256":"00","bytes":1000,)"
      R"("profile":"tencent-ims"}}}})",
      id, time, id, service, units, action_field);
}

inline std::int64_t at(std::string_view rfc3339) {
  const auto seconds = parse_rfc3339(rfc3339);
  EXPECT_TRUE(seconds.has_value()) << rfc3339;
  return seconds.value_or(0);
}

inline Money cny(std::string_view amount) { return Money::parse(amount, Currency::CNY); }

// A rater for a shipped plan and an account given as JSON text ("" = no account file), with helpers that
// add events by time and read the invoice back.
class RaterFixture {
 public:
  explicit RaterFixture(const std::string& plan, const std::string& account_json = "",
                        RaterOptions options = {})
      : rater_(load_plan(plan),
               account_json.empty() ? Account{} : load_account_file(dir_.write("account.json", account_json)),
               std::move(options)) {}

  // Adds one event standing for `units` calls; ids are generated unless given.
  bool add(std::string_view time, std::string_view service, std::uint64_t units = 1,
           std::string_view action = {}, std::string id = {}) {
    if (id.empty()) id = fmt::format("event-{}", next_id_++);
    return rater_.add({id, at(time), service, units, action});
  }
  Invoice invoice() { return rater_.invoice(); }
  Rater& rater() { return rater_; }

 private:
  preflight::testing::TempDir dir_;
  Rater rater_;
  int next_id_ = 0;
};

// The units a period's lines drew from `source` ("free", "trial", "postpaid", a pack label, or "pack" for
// every pack) for `service` ("" = any).
inline std::uint64_t drawn(const Invoice& invoice, std::string_view period, std::string_view source,
                           std::string_view service = {}) {
  std::uint64_t units = 0;
  for (const InvoiceLine& line : invoice.lines) {
    if (line.kind != LineKind::Usage || line.period != period) continue;
    if (!service.empty() && line.service != service) continue;
    const bool match = line.source == source || (source == "pack" && line.source.starts_with("pack:"));
    if (match) units += line.units;
  }
  return units;
}

// The post-paid line of one period and service; fails the test if there is none.
inline InvoiceLine postpaid_line(const Invoice& invoice, std::string_view period, std::string_view service) {
  for (const InvoiceLine& line : invoice.lines)
    if (line.kind == LineKind::Usage && line.period == period && line.service == service &&
        line.source == "postpaid")
      return line;
  ADD_FAILURE() << "no postpaid line for " << period << " " << service;
  return {};
}

}  // namespace preflight::billing::testing
