#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "billing/money.h"
#include "billing/service_names.h"

namespace preflight::billing {

// One post-paid price band: volumes up to `up_to` calls (inclusive; none on the last band) cost
// `price` per `per` calls. The band is chosen by the period's whole post-paid volume ("tier reached").
struct Tier {
  std::optional<std::uint64_t> up_to;
  Money price;
  std::uint64_t per = 1;
};

struct PackOffer {
  std::uint64_t size = 0;  // calls
  Money price;
};

struct Trial {
  std::uint64_t units = 0;
  std::uint32_t days = 0;  // valid on the activation day and the days - 1 days after it
};

// How post-paid usage is settled: each day on its own (pay-as-you-go) or each calendar month (tiered).
enum class Settlement : std::uint8_t { Day, Month };

// How one service is priced.
struct ServicePlan {
  ServiceId service = 0;
  Settlement settlement = Settlement::Day;
  std::uint64_t free_per_month = 0;
  std::optional<Trial> trial;
  std::vector<PackOffer> packs;
  std::uint32_t pack_valid_months = 0;
  std::vector<Tier> tiers;
  std::vector<std::string> billable_actions;  // empty: every event bills; else only these `data.action`s

  const PackOffer* pack_of_size(std::uint64_t size) const;
  // The 0-based tier a period's post-paid volume reaches.
  std::size_t tier_for(std::uint64_t volume) const;
  bool bills_action(std::string_view action) const;
};

// Per-QPS prices of a concurrency purchase; the band is chosen by the purchase's QPS.
struct QpsTier {
  std::optional<std::uint64_t> up_to;
  Money per_month;
  Money per_day;
};

struct QpsPrices {
  std::uint64_t max_per_group = 0;
  std::vector<QpsTier> tiers;
  std::size_t tier_for(std::uint64_t qps) const;
};

// A per-device price for an offline SDK purchase of `min_devices`..`max_devices` devices.
struct DeviceTier {
  std::uint64_t min_devices = 0;
  std::uint64_t max_devices = 0;
  Money price;
};

// A price plan (SPEC §8), loaded from a data file in billing/plans/.
struct Plan {
  std::string name;
  std::string source;  // the file it was loaded from
  Currency currency = Currency::CNY;
  std::vector<ServicePlan> services;  // in ServiceId order
  std::optional<QpsPrices> qps;
  std::map<std::string, std::vector<DeviceTier>> sdk;  // by SDK kind: detection, liveness, recognition

  const ServicePlan* find(ServiceId service) const;
  std::string priced_services_text() const;  // "ims, ims-aigc"
};

// Parses and validates a plan's JSON text. Throws std::invalid_argument naming `source` (the file, or the
// caller's name for the text) and the field path (unknown or misspelt fields, wrong types, missing fields,
// inconsistent tiers), or the line of a JSON syntax error.
Plan parse_plan(std::string_view text, std::string_view source);

// Reads a plan file and parses it with parse_plan(); throws std::invalid_argument naming the file.
Plan load_plan_file(const std::filesystem::path& path);

// `name_or_path` is a shipped plan name ("tencent-face"), looked up in $PREFLIGHT_PLAN_DIR or else the
// source tree's billing/plans/, or the path of a plan file (it contains '/' or ends in ".json").
Plan load_plan(const std::string& name_or_path);

}  // namespace preflight::billing
