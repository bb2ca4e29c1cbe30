#pragma once

#include <string>

#include "billing/invoice.h"

namespace preflight::billing {

// The invoice for people: one row per period and service (units, drawn from free / trial / pack /
// post-paid, tier and unit price, amount), then the account's purchases, the usage that was reported but
// not billed, and the total.
std::string invoice_to_table(const Invoice& invoice);

}  // namespace preflight::billing
