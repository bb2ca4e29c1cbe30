#pragma once

#include <chrono>
#include <string>

#include "billing/rater.h"
#include "pipeline/billable_event.h"
#include "pipeline/verdict.h"

namespace preflight {

// `check --plan NAME [--account FILE]`: prices a batch's billable events as they are produced, so the
// summary can say what submitting the batch will cost.
class CostEstimate final {
 public:
  // Throws std::invalid_argument naming the plan, account or service at fault, e.g. a service in
  // `options.services` the plan does not price.
  CostEstimate(const std::string& plan, const std::string& account_file, EventOptions options);

  // The events of one verdict that bills, dated now.
  void add(const Verdict& verdict);
  billing::Invoice invoice() { return rater_.invoice(); }

 private:
  EventOptions options_;
  billing::Rater rater_;
};

}  // namespace preflight
