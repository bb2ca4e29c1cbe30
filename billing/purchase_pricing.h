#pragma once

#include <vector>

#include "billing/account.h"
#include "billing/invoice.h"
#include "billing/plan.h"
#include "billing/rounding.h"

namespace preflight::billing {

inline constexpr const char* kAccountPeriod = "account";

// Lines for what the account bought, priced from the plan (the account must have passed
// check_account_against_plan):
// - each pack at its list price (period: the day it was bought);
// - each QPS purchase per QPS: qps × (months × monthly price + days × daily price), the band chosen by the
//   purchase's QPS (SPEC §8 example 6: 1 QPS for 1 month + 5 days = 280 + 5 × 18 = 370 元; 10 QPS = 3,700);
// - each offline-SDK purchase per device, the band chosen by the device count (1,000 recognition devices
//   = 118,000 元).
std::vector<InvoiceLine> price_purchases(const Plan& plan, const Account& account, const Rounding& rounding);

}  // namespace preflight::billing
