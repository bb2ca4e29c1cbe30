#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "billing/civil_date.h"
#include "billing/plan.h"
#include "billing/service_names.h"

namespace preflight::billing {

struct PackPurchase {
  ServiceId service = 0;
  std::uint64_t size = 0;
  Day bought = 0;
};

// Concurrency bought for a service group: `qps` QPS for `months` months plus `days` days.
struct QpsPurchase {
  ServiceId group = 0;
  std::uint64_t qps = 0;
  std::uint64_t months = 0;
  std::uint64_t days = 0;
};

struct DevicePurchase {
  std::string sdk;  // detection, liveness or recognition
  std::uint64_t count = 0;
};

// What the plan cannot know (SPEC §8, the account file). Without one: no activation date, no trial, no
// packs, no purchases.
struct Account {
  std::string source;  // the file it was loaded from ("" when there is none)
  std::optional<Day> activated;
  bool trial = false;  // this is the account's first activation, so the plan's trial applies
  std::vector<PackPurchase> packs;
  std::vector<QpsPurchase> qps;
  std::vector<DevicePurchase> devices;
};

// Parses and validates an account's JSON text; throws std::invalid_argument naming `source` (the file, or
// the caller's name for the text) and the field path.
Account parse_account(std::string_view text, std::string_view source);

// Reads an account file and parses it with parse_account(); throws std::invalid_argument naming the file.
Account load_account_file(const std::filesystem::path& path);

// Checks that `plan` prices everything `account` bought (pack services and sizes, QPS groups and their
// per-group maximum, SDK kinds and device counts); throws std::invalid_argument naming the account file,
// the field and what the plan offers.
void check_account_against_plan(const Account& account, const Plan& plan);

}  // namespace preflight::billing
