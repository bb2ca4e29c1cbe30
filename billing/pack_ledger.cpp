#include "billing/pack_ledger.h"

#include <fmt/format.h>

#include <algorithm>

#include "billing/invoice.h"
#include "billing/usage.h"

namespace preflight::billing {

std::string pack_label(const Account& account, std::size_t index) {
  const PackPurchase& pack = account.packs[index];
  std::size_t same_day = 0, position = 0;
  for (std::size_t i = 0; i < account.packs.size(); ++i) {
    const PackPurchase& other = account.packs[i];
    if (other.service != pack.service || other.bought != pack.bought) continue;
    ++same_day;
    if (i <= index) position = same_day;
  }
  const std::string label = fmt::format("{}{}", kSourcePackPrefix, format_day(pack.bought));
  return same_day > 1 ? fmt::format("{}#{}", label, position) : label;
}

PackLedger::PackLedger(const Account& account, const ServicePlan& service) {
  for (std::size_t i = 0; i < account.packs.size(); ++i) {
    const PackPurchase& pack = account.packs[i];
    if (pack.service != service.service) continue;
    const auto valid_months = static_cast<int>(service.pack_valid_months);
    packs_.push_back({pack_label(account, i), pack.bought, add_months(pack.bought, valid_months), pack.size});
  }
  std::stable_sort(packs_.begin(), packs_.end(),
                   [](const PackBalance& a, const PackBalance& b) { return a.expires < b.expires; });
}

std::uint64_t PackLedger::draw(Day day, std::uint64_t units, std::vector<std::uint64_t>& drawn) {
  drawn.resize(packs_.size());
  std::uint64_t taken = 0;
  for (std::size_t i = 0; i < packs_.size() && taken < units; ++i) {
    PackBalance& pack = packs_[i];
    if (day < pack.bought || day >= pack.expires) continue;
    const std::uint64_t take = std::min(units - taken, pack.remaining);
    pack.remaining -= take;
    add_units(drawn[i], take);
    taken += take;
  }
  return taken;
}

}  // namespace preflight::billing
