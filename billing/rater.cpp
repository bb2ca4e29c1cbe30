#include "billing/rater.h"

#include <fmt/format.h>

#include "billing/purchase_pricing.h"
#include "billing/rating_errors.h"
#include "billing/usage_pricing.h"

namespace preflight::billing {

Rater::Rater(Plan plan, Account account, RaterOptions options)
    : plan_(std::move(plan)),
      account_(std::move(account)),
      options_(std::move(options)),
      dedupe_(options_.dedupe) {
  check_account_against_plan(account_, plan_);
}

const ServicePlan& Rater::service_plan(std::string_view name) {
  if (last_service_ != nullptr && name == last_service_name_) return *last_service_;
  const std::optional<ServiceId> id = service_id(name);
  if (!id) {
    throw BadEventError(fmt::format("field \"data.service\": \"{}\" is not a service name ({})", name,
                                    known_services_text()));
  }
  const ServicePlan* service = plan_.find(*id);
  if (service == nullptr) {
    throw UnpricedServiceError(
        fmt::format("service {} is not priced by plan {} (it prices: {}); choose a plan "
                    "that prices it with --plan",
                    name, plan_.name, plan_.priced_services_text()));
  }
  last_service_name_.assign(name);
  last_service_ = service;
  return *service;
}

bool Rater::add(const BillableEvent& event) {
  if (invoice_) throw std::logic_error("Rater::add after invoice()");
  const ServicePlan& service = service_plan(event.service);
  if (!service.billable_actions.empty() && event.action.empty()) {
    throw BadEventError(
        fmt::format("field \"data.action\" is missing: {} events need one ({} bill, others do not)",
                    event.service, fmt::join(service.billable_actions, ", ")));
  }
  const Usage usage{{settlement_day(event.unix_seconds), service.service, service.bills_action(event.action)},
                    event.units};
  Usage kept;
  if (dedupe_.insert(event.id, usage, kept) == EventDeduplicator::Seen::Duplicate) {
    ++stats_.duplicates;
    if (!(kept == usage)) ++stats_.conflicting_duplicates;
    return false;
  }
  UsageCount& total = totals_[usage.key];
  add_units(total.units, usage.units);
  ++total.events;
  ++stats_.events_rated;
  return true;
}

void Rater::take_back(const Usage& dropped, const Usage& kept) {
  UsageCount& total = totals_[dropped.key];
  total.units -= dropped.units;
  --total.events;
  --stats_.events_rated;
  ++stats_.duplicates;
  if (!(kept == dropped)) ++stats_.conflicting_duplicates;
}

Invoice Rater::invoice() {
  if (invoice_) return *invoice_;
  dedupe_.finish([this](const Usage& dropped, const Usage& kept) { take_back(dropped, kept); });
  stats_.spilled_runs = dedupe_.runs_spilled();
  std::vector<UsageTotal> totals;
  for (const auto& [key, count] : totals_)
    if (count.events > 0) totals.push_back({key, count});
  PricedUsage usage = price_usage(plan_, account_, options_.rounding, std::move(totals));
  Invoice invoice{plan_.name,
                  plan_.currency,
                  options_.rounding,
                  std::move(usage.lines),
                  std::move(usage.excluded),
                  Money(0, plan_.currency),
                  stats_};
  for (InvoiceLine& line : price_purchases(plan_, account_, options_.rounding))
    invoice.lines.push_back(std::move(line));
  for (const InvoiceLine& line : invoice.lines) invoice.total += line.amount;
  invoice_ = std::move(invoice);
  return *invoice_;
}

}  // namespace preflight::billing
