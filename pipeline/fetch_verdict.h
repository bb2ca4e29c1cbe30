#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "fetch/fetch_failure.h"
#include "pipeline/checker.h"
#include "pipeline/verdict.h"

namespace preflight {

// The service's error code for a download failure (SPEC §5's reason → code table).
std::string_view fetch_failure_code(FetchReason reason);

// The record of a URL input whose download failed: rejected with the SPEC §5 code and reason, the fetch
// time being the sum of the attempts made.
Verdict fetch_failure_verdict(const CheckRequest& request, const FetchFailure& failure,
                              const std::vector<std::int64_t>& attempt_us);

}  // namespace preflight
