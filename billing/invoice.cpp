#include "billing/invoice.h"

namespace preflight::billing {

std::uint64_t Invoice::excluded_units(std::string_view reason) const {
  std::uint64_t units = 0;
  for (const ExcludedUsage& entry : excluded)
    if (entry.reason == reason) units += entry.units;
  return units;
}

}  // namespace preflight::billing
