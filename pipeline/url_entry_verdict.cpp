#include "pipeline/url_entry_verdict.h"

#include <fmt/format.h>

#include "pipeline/data_id.h"
#include "pipeline/fetch_verdict.h"

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
  return error_verdict(seq, entry.url, *entry.error_reason, message);
}

Verdict data_id_verdict(const UrlListEntry& entry, std::uint64_t seq, const Rejection& rejection) {
  Verdict verdict = new_verdict(seq, entry.url, InputMode::Url);
  verdict.outcome = Outcome::Rejected;
  verdict.code = reason_code(rejection.reason);
  verdict.reason = rejection.reason_text();
  verdict.message = fmt::format("line {} of the URL list: {}", entry.line_number, rejection.message);
  return verdict;
}

}  // namespace

std::optional<Verdict> reject_url_entry(const UrlListEntry& entry, std::uint64_t seq) {
  std::optional<Verdict> verdict;
  if (entry.error_reason) {
    verdict = line_error_verdict(entry, seq);
  } else if (entry.data_id) {
    if (auto rejection = check_data_id(*entry.data_id)) verdict = data_id_verdict(entry, seq, *rejection);
  }
  if (verdict) verdict->data_id = entry.data_id;
  return verdict;
}

}  // namespace preflight
