#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "fetch/fetch_failure.h"

namespace preflight {

// A URL that passed the policy, as libcurl normalised it (the downloader fetches `url`).
struct ParsedUrl {
  std::string scheme;      // "http" or "https", lower case
  std::string host;        // a domain name, percent-decoded; never an IP literal
  std::string url;         // the whole URL as libcurl re-serialises it
  std::uint16_t port = 0;  // explicit or the scheme's default; never 0
};

using UrlCheck = std::variant<ParsedUrl, FetchFailure>;

// SPEC §5, before any network traffic: only http/https (BadUrl when there is no scheme or the URL is
// malformed, UnsupportedScheme for any other scheme), and the host must be a domain name — an IP literal
// in any spelling (dotted, decimal, octal, hex, short forms, IPv6, percent-encoded) is IpLiteralHost.
// Parsing is libcurl's URL API, the same parser the downloader uses. Never throws.
UrlCheck check_url(std::string_view url);

}  // namespace preflight
