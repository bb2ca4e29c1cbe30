#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "billing/account.h"
#include "billing/civil_date.h"
#include "billing/plan.h"

namespace preflight::billing {

// The account's packs for one service, with what is left of each.
struct PackBalance {
  std::string label;  // "pack:2026-10-01" ("#2", "#3"… when several were bought the same day)
  Day bought = 0;
  Day expires = 0;  // first day it can no longer be used
  std::uint64_t remaining = 0;
};

// Draws calls from a service's packs: only packs valid on the day (bought ≤ day < expiry), the one that
// expires first drawn first (SPEC §8 default; ties: the order of the account file).
class PackLedger {
 public:
  PackLedger(const Account& account, const ServicePlan& service);

  // Takes up to `units` from the packs valid on `day`; adds what each pack gave to `drawn` (one slot per
  // pack, in packs() order) and returns the total taken.
  std::uint64_t draw(Day day, std::uint64_t units, std::vector<std::uint64_t>& drawn);
  const std::vector<PackBalance>& packs() const { return packs_; }

 private:
  std::vector<PackBalance> packs_;
};

// The label of the account's `index`-th pack, as usage lines and purchase lines show it.
std::string pack_label(const Account& account, std::size_t index);

}  // namespace preflight::billing
