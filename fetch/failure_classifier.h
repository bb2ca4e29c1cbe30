#pragma once

#include <curl/curl.h>

#include <optional>
#include <string>

#include "fetch/fetch_failure.h"

namespace preflight {

// What one request (one attempt at one redirect hop) ended with.
struct TransferOutcome {
  CURLcode code = CURLE_OK;
  long http_status = 0;                         // 0 when no response arrived
  std::optional<FetchFailure> refused_address;  // set by the open-socket callback (trap: curl says only
                                                // CURLE_COULDNT_CONNECT for a refusal)
  bool too_large = false;                       // the size cap stopped the body
  bool has_redirect = false;                    // a 3xx with a Location curl could resolve
  std::string url;                              // the URL this request was for
  std::string curl_detail;                      // CURLOPT_ERRORBUFFER text, may be empty
};

// nullopt when the request succeeded (2xx) or is a redirect to follow; otherwise the failure, with a
// message naming the URL and what to do.
std::optional<FetchFailure> classify_outcome(const TransferOutcome& outcome);

// SPEC §5: timeout, connect failure, reset, partial body and 5xx are retried once; nothing else is, so
// dns_failure and tls_error end after their first attempt.
bool is_retryable(const FetchFailure& failure);

}  // namespace preflight
