#include "fetch/fetch_failure.h"

#include <fmt/format.h>

namespace preflight {

std::string_view fetch_reason_name(FetchReason reason) {
  switch (reason) {
    case FetchReason::BadUrl:
      return "bad_url";
    case FetchReason::UnsupportedScheme:
      return "unsupported_scheme";
    case FetchReason::IpLiteralHost:
      return "ip_literal_host";
    case FetchReason::PrivateAddress:
      return "private_address";
    case FetchReason::DnsFailure:
      return "dns_failure";
    case FetchReason::ConnectFailed:
      return "connect_failed";
    case FetchReason::Timeout:
      return "timeout";
    case FetchReason::Reset:
      return "reset";
    case FetchReason::PartialBody:
      return "partial_body";
    case FetchReason::TlsError:
      return "tls_error";
    case FetchReason::HttpStatus:
      return "http";
    case FetchReason::TooManyRedirects:
      return "too_many_redirects";
    case FetchReason::TooLarge:
      return "too_large";
  }
  return "unknown";
}

std::string FetchFailure::reason_text() const {
  if (reason == FetchReason::HttpStatus) return fmt::format("http_{}", http_status);
  return std::string(fetch_reason_name(reason));
}

}  // namespace preflight
