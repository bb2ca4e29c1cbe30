#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "billing/account.h"
#include "billing/billable_event.h"
#include "billing/event_deduplicator.h"
#include "billing/invoice.h"
#include "billing/plan.h"
#include "billing/rounding.h"
#include "billing/usage.h"

namespace preflight::billing {

struct RaterOptions {
  Rounding rounding;
  DedupeOptions dedupe;
};

// Prices billable events under a plan, streaming: add() each event (from a file, or straight from the
// checker), then invoice(). Memory does not grow with the number of events: usage is summed per (UTC+8
// day, service) as events arrive, and de-duplication by id is bounded (EventDeduplicator). Not
// thread-safe: one Rater per stream.
//
//   billing::Rater rater(billing::load_plan("tencent-face"), billing::load_account_file("account.json"));
//   rater.add({.id = "e1", .unix_seconds = t, .service = "face.search", .units = 1});
//   const billing::Invoice invoice = rater.invoice();  // invoice.total.to_string() == "…"
class Rater {
 public:
  // Throws std::invalid_argument if the account buys something the plan does not price.
  explicit Rater(Plan plan, Account account = {}, RaterOptions options = {});

  // Counts one event; returns false if its id was seen before (it is then not counted again). Throws
  // BadEventError (unknown service name, face.group without data.action) or UnpricedServiceError (the
  // plan does not price the service); nothing is counted then. Throws std::logic_error after invoice().
  bool add(const BillableEvent& event);

  // Ends the stream (merging any de-duplication runs spilled to disk) and prices it: usage lines, then the
  // account's purchases, and the total. Calling it again returns the same invoice.
  Invoice invoice();

  const Plan& plan() const { return plan_; }
  const Account& account() const { return account_; }

 private:
  const ServicePlan& service_plan(std::string_view name);
  void take_back(const Usage& dropped, const Usage& kept);

  Plan plan_;
  Account account_;
  RaterOptions options_;
  EventDeduplicator dedupe_;
  std::unordered_map<UsageKey, UsageCount, UsageKeyHash> totals_;
  InvoiceStats stats_;
  std::string last_service_name_;
  const ServicePlan* last_service_ = nullptr;
  std::optional<Invoice> invoice_;
};

}  // namespace preflight::billing
