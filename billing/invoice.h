#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "billing/money.h"
#include "billing/rounding.h"

namespace preflight::billing {

enum class LineKind : std::uint8_t { Usage, Purchase };

// The `source` of a line.
inline constexpr std::string_view kSourceFree = "free";
inline constexpr std::string_view kSourceTrial = "trial";
inline constexpr std::string_view kSourcePackPrefix = "pack:";  // + the day it was bought
inline constexpr std::string_view kSourcePostpaid = "postpaid";
inline constexpr std::string_view kSourcePurchase = "purchase";
// The `item` of a purchase line.
inline constexpr std::string_view kItemQps = "qps";
inline constexpr std::string_view kItemSdk = "sdk";
// Why usage was reported but not billed.
inline constexpr std::string_view kReasonBeforeActivation = "before_activation";
inline constexpr std::string_view kReasonActionNotBillable = "action_not_billable";

// One bill line. Usage lines: the calls of one service in one settlement period (a UTC+8 day
// "2026-11-23" or month "2026-11") drawn from one source ("free", "trial", "pack:<bought>", "postpaid").
// Purchase lines: what the account bought (source "purchase"; item "pack", "qps" or "sdk").
struct InvoiceLine {
  LineKind kind = LineKind::Usage;
  std::string period;       // usage: day or month; pack purchase: its day; QPS and SDK: "account"
  std::string service;      // service name (QPS: the group); SDK purchase: the SDK kind
  std::uint64_t units = 0;  // calls; pack: its size; QPS: QPS bought; SDK: devices
  std::string source;
  std::string item;                 // purchases only
  std::optional<std::size_t> tier;  // 1-based band of post-paid, QPS and SDK lines
  std::optional<Money> unit_price;  // price per `per` units, where a tier applies
  std::uint64_t per = 1;
  std::uint64_t months = 0, days = 0;  // QPS purchases
  Money amount;
};

// Usage reported rather than billed: events before the account's activation ("before_activation"), and
// face.group actions that do not bill ("action_not_billable").
struct ExcludedUsage {
  std::string period;
  std::string service;
  std::string reason;
  std::uint64_t units = 0;
  std::uint64_t events = 0;
};

struct InvoiceStats {
  std::uint64_t events_rated = 0;            // distinct events counted
  std::uint64_t duplicates = 0;              // events dropped because their id was seen before
  std::uint64_t conflicting_duplicates = 0;  // … whose service, day, action or units differed from the first
  std::uint64_t skipped_bad_lines = 0;       // malformed lines skipped by the reader (--skip-bad)
  std::uint64_t spilled_runs = 0;            // de-duplication runs written to disk
};

struct Invoice {
  std::string plan;
  Currency currency = Currency::CNY;
  Rounding rounding;
  std::vector<InvoiceLine> lines;  // usage lines by period, service, source; then purchases
  std::vector<ExcludedUsage> excluded;
  Money total;
  InvoiceStats stats;

  std::uint64_t excluded_units(std::string_view reason) const;
};

}  // namespace preflight::billing
