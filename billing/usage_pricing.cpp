#include "billing/usage_pricing.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "billing/pack_ledger.h"

namespace preflight::billing {
namespace {

constexpr Month kNoMonth = std::numeric_limits<Month>::min();

// Where one period's calls came from.
struct PeriodDraws {
  std::uint64_t free = 0;
  std::uint64_t trial = 0;
  std::vector<std::uint64_t> packs;  // per pack, in PackLedger order
  std::uint64_t postpaid = 0;
  UsageCount before_activation;
  UsageCount not_billable;
};

void add_count(UsageCount& total, const UsageCount& more) {
  add_units(total.units, more.units);
  total.events += more.events;
}

// Walks one service's usage in day order, drawing from each source and emitting a period's lines when
// the period ends.
class ServiceBiller {
 public:
  ServiceBiller(const ServicePlan& service, const Account& account, Currency currency,
                const Rounding& rounding, PricedUsage& out)
      : service_(service),
        account_(account),
        currency_(currency),
        rounding_(rounding),
        out_(out),
        packs_(account, service),
        trial_left_(trial_units(service, account)) {}

  void add(const UsageKey& key, const UsageCount& count) {
    const std::string period = period_of(key.day);
    if (period != period_) {
      flush();
      period_ = period;
    }
    if (!key.billable) return add_count(draws_.not_billable, count);
    if (account_.activated && key.day < *account_.activated)
      return add_count(draws_.before_activation, count);
    draw(key.day, count.units);
  }

  void flush() {
    if (period_.empty()) return;
    emit_usage(std::string(kSourceFree), draws_.free);
    emit_usage(std::string(kSourceTrial), draws_.trial);
    for (std::size_t i = 0; i < draws_.packs.size(); ++i)
      emit_usage(packs_.packs()[i].label, draws_.packs[i]);
    if (draws_.postpaid > 0) out_.lines.push_back(postpaid_line());
    emit_excluded(kReasonBeforeActivation, draws_.before_activation);
    emit_excluded(kReasonActionNotBillable, draws_.not_billable);
    draws_ = PeriodDraws{};
  }

 private:
  static std::uint64_t trial_units(const ServicePlan& service, const Account& account) {
    return account.trial && account.activated && service.trial ? service.trial->units : 0;
  }

  std::string period_of(Day day) const {
    return service_.settlement == Settlement::Day ? format_day(day) : format_month(month_of(day));
  }

  void draw(Day day, std::uint64_t units) {
    units -= draw_free(day, units);
    units -= draw_trial(day, units);
    units -= packs_.draw(day, units, draws_.packs);
    add_units(draws_.postpaid, units);
  }

  std::uint64_t draw_free(Day day, std::uint64_t units) {
    if (month_of(day) != free_month_) {
      free_month_ = month_of(day);
      free_left_ = service_.free_per_month;
    }
    const std::uint64_t take = std::min(units, free_left_);
    free_left_ -= take;
    add_units(draws_.free, take);
    return take;
  }

  std::uint64_t draw_trial(Day day, std::uint64_t units) {
    if (trial_left_ == 0 || day < *account_.activated ||
        day >= *account_.activated + static_cast<Day>(service_.trial->days))
      return 0;
    const std::uint64_t take = std::min(units, trial_left_);
    trial_left_ -= take;
    add_units(draws_.trial, take);
    return take;
  }

  InvoiceLine usage_line(std::string source, std::uint64_t units) const {
    InvoiceLine line;
    line.period = period_;
    line.service = service_name(service_.service);
    line.units = units;
    line.source = std::move(source);
    line.amount = Money(0, currency_);
    return line;
  }

  void emit_usage(std::string source, std::uint64_t units) {
    if (units > 0) out_.lines.push_back(usage_line(std::move(source), units));
  }

  InvoiceLine postpaid_line() const {
    InvoiceLine line = usage_line(std::string(kSourcePostpaid), draws_.postpaid);
    const std::size_t tier = service_.tier_for(draws_.postpaid);
    line.tier = tier + 1;
    line.unit_price = service_.tiers[tier].price;
    line.per = service_.tiers[tier].per;
    line.amount =
        line_amount(draws_.postpaid, service_.tiers[tier].price, service_.tiers[tier].per, rounding_);
    return line;
  }

  void emit_excluded(std::string_view reason, const UsageCount& count) {
    if (count.events == 0 && count.units == 0) return;
    out_.excluded.push_back({period_, std::string(service_name(service_.service)), std::string(reason),
                             count.units, count.events});
  }

  const ServicePlan& service_;
  const Account& account_;
  Currency currency_;
  const Rounding& rounding_;
  PricedUsage& out_;
  PackLedger packs_;
  std::uint64_t trial_left_;
  Month free_month_ = kNoMonth;
  std::uint64_t free_left_ = 0;
  std::string period_;
  PeriodDraws draws_;
};

bool by_service_then_day(const UsageTotal& a, const UsageTotal& b) {
  if (a.key.service != b.key.service) return a.key.service < b.key.service;
  if (a.key.day != b.key.day) return a.key.day < b.key.day;
  return a.key.billable < b.key.billable;
}

}  // namespace

PricedUsage price_usage(const Plan& plan, const Account& account, const Rounding& rounding,
                        std::vector<UsageTotal> totals) {
  std::sort(totals.begin(), totals.end(), by_service_then_day);
  PricedUsage out;
  for (std::size_t begin = 0; begin < totals.size();) {
    const ServiceId id = totals[begin].key.service;
    const ServicePlan* service = plan.find(id);
    if (service == nullptr)
      throw std::logic_error("price_usage: a service the plan does not price was counted");
    ServiceBiller biller(*service, account, plan.currency, rounding, out);
    for (; begin < totals.size() && totals[begin].key.service == id; ++begin)
      biller.add(totals[begin].key, totals[begin].count);
    biller.flush();
  }
  std::stable_sort(out.lines.begin(), out.lines.end(),
                   [](const InvoiceLine& a, const InvoiceLine& b) { return a.period < b.period; });
  std::stable_sort(out.excluded.begin(), out.excluded.end(),
                   [](const ExcludedUsage& a, const ExcludedUsage& b) { return a.period < b.period; });
  return out;
}

}  // namespace preflight::billing
