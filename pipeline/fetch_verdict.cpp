#include "pipeline/fetch_verdict.h"

#include <numeric>

namespace preflight {
namespace {

constexpr std::string_view kInvalidImageContent = "InvalidParameterValue.InvalidImageContent";
constexpr std::string_view kImageDownloadError = "ResourceUnavailable.ImageDownloadError";
constexpr std::string_view kInvalidFileContentSize = "InvalidParameterValue.InvalidFileContentSize";

}  // namespace

std::string_view fetch_failure_code(FetchReason reason) {
  switch (reason) {
    case FetchReason::BadUrl:
    case FetchReason::UnsupportedScheme:
    case FetchReason::PrivateAddress:
      return kInvalidImageContent;
    case FetchReason::TooLarge:
      return kInvalidFileContentSize;
    case FetchReason::IpLiteralHost:  // the service's downloader reports these as a link error
    case FetchReason::DnsFailure:
    case FetchReason::ConnectFailed:
    case FetchReason::Timeout:
    case FetchReason::Reset:
    case FetchReason::PartialBody:
    case FetchReason::TlsError:
    case FetchReason::HttpStatus:
    case FetchReason::TooManyRedirects:
      return kImageDownloadError;
  }
  return kImageDownloadError;  // unreachable: every enumerator is listed above
}

Verdict fetch_failure_verdict(const CheckRequest& request, const FetchFailure& failure,
                              const std::vector<std::int64_t>& attempt_us) {
  Verdict verdict = new_verdict(request.seq, request.input, InputMode::Url);
  verdict.outcome = Outcome::Rejected;
  verdict.code = fetch_failure_code(failure.reason);
  verdict.reason = failure.reason_text();
  if (!failure.message.empty()) verdict.message = failure.message;
  verdict.timing.fetch_us =
      static_cast<std::uint64_t>(std::accumulate(attempt_us.begin(), attempt_us.end(), std::int64_t{0}));
  return verdict;
}

}  // namespace preflight
