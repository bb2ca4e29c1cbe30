#pragma once

#include <string>

#include "billing/invoice.h"

namespace preflight::billing {

// The invoice as SPEC §8's JSON (one document, with a trailing newline): plan, currency, total, lines
// (period, service, units, source, tier, amount, and where they apply unit_price/per, item, months/days),
// plus rounding, excluded usage and event counts. Amounts are decimal strings.
std::string invoice_to_json(const Invoice& invoice);

}  // namespace preflight::billing
