#include "pipeline/cost_estimate.h"

#include <fmt/format.h>

#include <stdexcept>

#include "billing/account.h"
#include "billing/plan.h"
#include "billing/service_names.h"

namespace preflight {
namespace {

billing::Rater make_rater(const std::string& plan_name, const std::string& account_file,
                          const EventOptions& options) {
  billing::Plan plan = billing::load_plan(plan_name);
  for (const std::string& service : options.services) {
    const auto id = billing::service_id(service);
    if (!id || !plan.find(*id)) {
      throw std::invalid_argument(fmt::format("--plan {}: does not price service '{}' (it prices: {})",
                                              plan.name, service, plan.priced_services_text()));
    }
  }
  billing::Account account =
      account_file.empty() ? billing::Account{} : billing::load_account_file(account_file);
  return billing::Rater(std::move(plan), std::move(account));
}

}  // namespace

CostEstimate::CostEstimate(const std::string& plan, const std::string& account_file, EventOptions options)
    : options_(std::move(options)), rater_(make_rater(plan, account_file, options_)) {}

void CostEstimate::add(const Verdict& verdict) {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const std::string sha256 = verdict.sha256.value_or("");
  for (const std::string& service : options_.services) {
    const std::string id = billable_event_id(service, verdict.input, sha256);
    rater_.add(billing::BillableEvent{id, now, service, verdict.billable_units, {}});
  }
}

}  // namespace preflight
