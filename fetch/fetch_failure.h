#pragma once

#include <string>
#include <string_view>

namespace preflight {

// Why a URL input could not be downloaded (SPEC §5). The record's `reason` is fetch_reason_name(), except
// HttpStatus, which the record spells `http_<status>` (FetchFailure::reason_text()).
enum class FetchReason {
  BadUrl,
  UnsupportedScheme,
  IpLiteralHost,
  PrivateAddress,
  DnsFailure,
  ConnectFailed,
  Timeout,
  Reset,
  PartialBody,
  TlsError,
  HttpStatus,
  TooManyRedirects,
  TooLarge,
};

// "bad_url", "unsupported_scheme", ..., "http" for HttpStatus, ..., "too_large".
std::string_view fetch_reason_name(FetchReason reason);

struct FetchFailure {
  FetchReason reason;
  int http_status = 0;  // set for HttpStatus only
  std::string message;  // what was wrong, naming the URL or address, and what to do

  // The record's reason: fetch_reason_name(), or "http_404" for HttpStatus.
  std::string reason_text() const;
};

}  // namespace preflight
