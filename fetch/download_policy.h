#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fetch/address_policy.h"

namespace preflight {

inline constexpr std::chrono::milliseconds kDefaultAttemptTimeout{3000};  // SPEC §5: 3 s per attempt
inline constexpr int kDefaultRetries = 1;                                 // SPEC §5: retry once
inline constexpr int kDefaultMaxRedirects = 3;                            // SPEC §5: at most 3 hops
inline constexpr std::size_t kDefaultMaxInFlight = 256;
inline constexpr const char* kServiceUserAgent = "Server/CMS";  // the service downloader's identity

// How the downloader behaves. One policy per Downloader, fixed for its whole run: a reused connection
// does not pass the address check again, so the address policy must never change per URL.
struct DownloadPolicy {
  std::chrono::milliseconds attempt_timeout = kDefaultAttemptTimeout;  // each request, each redirect hop
  int retries = kDefaultRetries;             // extra attempts after a transient failure
  int max_redirects = kDefaultMaxRedirects;  // hops followed; one more is too_many_redirects
  std::uint64_t max_body_bytes = 0;          // the rule profile's max_url_bytes; required
  std::string user_agent = kServiceUserAgent;
  std::size_t max_in_flight = kDefaultMaxInFlight;  // transfers (and connections) at once
  AddressPolicy address_policy;
  std::vector<std::string> resolve_overrides;  // like curl --resolve: "HOST:PORT:ADDR"

  // nullopt when usable; otherwise a message naming the bad field and what to pass instead.
  std::optional<std::string> validate() const;
};

}  // namespace preflight
