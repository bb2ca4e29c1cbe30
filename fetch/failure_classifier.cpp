#include "fetch/failure_classifier.h"

#include <fmt/format.h>

#include <regex>

namespace preflight {
namespace {

constexpr long kFirstSuccessStatus = 200;
constexpr long kFirstRedirectStatus = 300;
constexpr long kFirstClientErrorStatus = 400;
constexpr long kFirstServerErrorStatus = 500;
constexpr long kLastServerErrorStatus = 599;

bool is_tls_error(CURLcode code) {
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
      return true;
    default:
      return false;
  }
}

FetchReason reason_for_code(CURLcode code) {
  if (is_tls_error(code)) return FetchReason::TlsError;
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
      return FetchReason::UnsupportedScheme;
    case CURLE_URL_MALFORMAT:
      return FetchReason::BadUrl;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return FetchReason::DnsFailure;
    case CURLE_OPERATION_TIMEDOUT:
      return FetchReason::Timeout;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return FetchReason::Reset;
    case CURLE_PARTIAL_FILE:
    case CURLE_BAD_CONTENT_ENCODING:
      return FetchReason::PartialBody;
    case CURLE_FILESIZE_EXCEEDED:
      return FetchReason::TooLarge;
    case CURLE_TOO_MANY_REDIRECTS:
      return FetchReason::TooManyRedirects;
    default:
      return FetchReason::ConnectFailed;
  }
}

const char* advice(FetchReason reason) {
  switch (reason) {
    case FetchReason::BadUrl:
      return "pass a well-formed http:// or https:// URL";
    case FetchReason::UnsupportedScheme:
      return "only http:// and https:// links are downloaded";
    case FetchReason::DnsFailure:
      return "check the host name";
    case FetchReason::ConnectFailed:
      return "check the host is up and reachable";
    case FetchReason::Timeout:
      return "the service gives up after 3 s per attempt; serve the image faster";
    case FetchReason::Reset:
      return "the server dropped the connection; check the origin";
    case FetchReason::PartialBody:
      return "the body ended before its declared length; check the origin";
    case FetchReason::TlsError:
      return "check the server's certificate and TLS set-up";
    case FetchReason::TooLarge:
      return "the image is over the profile's size limit for URLs";
    case FetchReason::TooManyRedirects:
      return "link the final address directly";
    default:
      return "check the link";
  }
}

FetchFailure make_failure(FetchReason reason, const TransferOutcome& outcome, const std::string& what) {
  FetchFailure failure;
  failure.reason = reason;
  if (reason == FetchReason::HttpStatus) failure.http_status = static_cast<int>(outcome.http_status);
  failure.message = fmt::format("{}: {}; {}", outcome.url, what, advice(reason));
  return failure;
}

// Drops curl's " after 1234 ms" / " after 3000 milliseconds": a record must read the same on every run.
std::string without_elapsed_time(std::string text) {
  static const std::regex kElapsed(" after [0-9]+ (ms|milliseconds)");
  return std::regex_replace(text, kElapsed, "");
}

std::string curl_text(const TransferOutcome& outcome) {
  if (outcome.code == CURLE_OPERATION_TIMEDOUT) return "the download did not finish in time";  // bytes vary
  return without_elapsed_time(outcome.curl_detail.empty() ? std::string(curl_easy_strerror(outcome.code))
                                                          : outcome.curl_detail);
}

}  // namespace

std::optional<FetchFailure> classify_outcome(const TransferOutcome& outcome) {
  if (outcome.refused_address) {
    FetchFailure failure = *outcome.refused_address;
    failure.message = fmt::format("{}: {}", outcome.url, failure.message);
    return failure;
  }
  if (outcome.too_large) {
    return make_failure(FetchReason::TooLarge, outcome, "the body is larger than the limit");
  }
  if (outcome.http_status >= kFirstClientErrorStatus) {
    FetchFailure failure = make_failure(FetchReason::HttpStatus, outcome, "");
    failure.message =
        fmt::format("{}: the server answered HTTP {}; check the link", outcome.url, outcome.http_status);
    return failure;
  }
  if (outcome.code != CURLE_OK)
    return make_failure(reason_for_code(outcome.code), outcome, curl_text(outcome));
  if (outcome.http_status >= kFirstSuccessStatus && outcome.http_status < kFirstRedirectStatus)
    return std::nullopt;
  if (outcome.has_redirect) return std::nullopt;
  FetchFailure failure = make_failure(FetchReason::HttpStatus, outcome, "");
  failure.message = fmt::format("{}: the server answered HTTP {} without a usable Location; check the link",
                                outcome.url, outcome.http_status);
  return failure;
}

bool is_retryable(const FetchFailure& failure) {
  switch (failure.reason) {
    case FetchReason::Timeout:
    case FetchReason::ConnectFailed:
    case FetchReason::Reset:
    case FetchReason::PartialBody:
      return true;
    case FetchReason::HttpStatus:
      return failure.http_status >= kFirstServerErrorStatus && failure.http_status <= kLastServerErrorStatus;
    default:
      return false;
  }
}

}  // namespace preflight
