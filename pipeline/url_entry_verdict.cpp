#include "pipeline/url_entry_verdict.h"

#include <fmt/format.h>

#include "pipeline/fetch_verdict.h"
#include "pipeline/reason.h"

namespace preflight {
namespace {

Verdict line_error_verdict(const UrlListEntry& entry, std::uint64_t seq) {
  const std::string message = entry.error_message.value_or("");
  if (entry.error_reason == "bad_url") {
    Verdict verdict = fetch_failure_verdict(CheckRequest{seq, entry.url, InputMode::Url},
                                            FetchFailure{FetchReason::BadUrl, 0, message}, {});
    verdict.timing.fetch_us.reset();  // no download was attempted
    return verdict;
  }
  if (entry.error_reason == reason_name(Reason::InvalidDataId)) {
    Verdict verdict = new_verdict(seq, entry.url, InputMode::Url);
    verdict.outcome = Outcome::Rejected;
    verdict.code = reason_code(Reason::InvalidDataId);
    verdict.reason = entry.error_reason;
    verdict.message = message;
    return verdict;
  }
  return error_verdict(seq, entry.url, *entry.error_reason, message);
}

}  // namespace

std::optional<Verdict> reject_url_entry(const UrlListEntry& entry, std::uint64_t seq) {
  if (!entry.error_reason) return std::nullopt;
  Verdict verdict = line_error_verdict(entry, seq);
  verdict.data_id = entry.data_id;
  return verdict;
}

}  // namespace preflight
