#pragma once

#include <vector>

#include "billing/account.h"
#include "billing/invoice.h"
#include "billing/plan.h"
#include "billing/rounding.h"
#include "billing/usage.h"

namespace preflight::billing {

struct UsageTotal {
  UsageKey key;
  UsageCount count;
};

struct PricedUsage {
  std::vector<InvoiceLine> lines;  // by period, then service, then source
  std::vector<ExcludedUsage> excluded;
};

// Prices aggregated usage (every service must be priced by `plan`). Per service, days are taken in
// order; each day's calls are drawn from: the month's free quota → the trial (first activation, valid
// from the activation day for its days) → packs valid that day, first-expiring first → post-paid.
// Post-paid calls are settled per period (day or month, as the service's plan says) at the tier the
// period's post-paid volume reaches, each line rounded once. Days before the account's activation and
// actions that do not bill are reported in `excluded`, not priced.
PricedUsage price_usage(const Plan& plan, const Account& account, const Rounding& rounding,
                        std::vector<UsageTotal> totals);

}  // namespace preflight::billing
