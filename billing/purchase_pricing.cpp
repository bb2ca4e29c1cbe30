#include "billing/purchase_pricing.h"

#include <limits>
#include <stdexcept>

#include "billing/pack_ledger.h"

namespace preflight::billing {
namespace {

InvoiceLine purchase_line(std::string period, std::string service, std::uint64_t units, std::string item) {
  InvoiceLine line;
  line.kind = LineKind::Purchase;
  line.period = std::move(period);
  line.service = std::move(service);
  line.units = units;
  line.source = kSourcePurchase;
  line.item = std::move(item);
  return line;
}

InvoiceLine pack_line(const Plan& plan, const Account& account, std::size_t index, const Rounding& rounding) {
  const PackPurchase& pack = account.packs[index];
  const PackOffer* offer = plan.find(pack.service)->pack_of_size(pack.size);
  InvoiceLine line = purchase_line(format_day(pack.bought), std::string(service_name(pack.service)),
                                   pack.size, pack_label(account, index));
  line.amount = line_amount(1, offer->price, 1, rounding);
  return line;
}

Money scaled(const Money& price, std::uint64_t count) {
  std::int64_t micros = 0;
  if (count > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
      __builtin_mul_overflow(price.micros(), static_cast<std::int64_t>(count), &micros))
    throw std::overflow_error("QPS purchase price overflows 64-bit micro-units");
  return Money(micros, price.currency());
}

InvoiceLine qps_line(const QpsPrices& prices, const QpsPurchase& purchase, const Rounding& rounding) {
  const std::size_t tier = prices.tier_for(purchase.qps);
  const QpsTier& band = prices.tiers[tier];
  const Money per_qps = scaled(band.per_month, purchase.months) + scaled(band.per_day, purchase.days);
  InvoiceLine line = purchase_line(kAccountPeriod, std::string(service_name(purchase.group)), purchase.qps,
                                   std::string(kItemQps));
  line.tier = tier + 1;
  line.unit_price = per_qps;
  line.months = purchase.months;
  line.days = purchase.days;
  line.amount = line_amount(purchase.qps, per_qps, 1, rounding);
  return line;
}

InvoiceLine device_line(const std::vector<DeviceTier>& tiers, const DevicePurchase& purchase,
                        const Rounding& rounding) {
  std::size_t tier = 0;
  while (purchase.count > tiers[tier].max_devices) ++tier;
  InvoiceLine line = purchase_line(kAccountPeriod, purchase.sdk, purchase.count, std::string(kItemSdk));
  line.tier = tier + 1;
  line.unit_price = tiers[tier].price;
  line.amount = line_amount(purchase.count, tiers[tier].price, 1, rounding);
  return line;
}

}  // namespace

std::vector<InvoiceLine> price_purchases(const Plan& plan, const Account& account, const Rounding& rounding) {
  std::vector<InvoiceLine> lines;
  for (std::size_t i = 0; i < account.packs.size(); ++i)
    lines.push_back(pack_line(plan, account, i, rounding));
  for (const QpsPurchase& purchase : account.qps) lines.push_back(qps_line(*plan.qps, purchase, rounding));
  for (const DevicePurchase& purchase : account.devices)
    lines.push_back(device_line(plan.sdk.at(purchase.sdk), purchase, rounding));
  return lines;
}

}  // namespace preflight::billing
