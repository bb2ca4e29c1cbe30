// Covers check_url() (libcurl's URL parser plus our scheme and IP-literal rules) and the numeric-address
// policy check_address(text), both on the input as text. Nothing here resolves or connects.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <variant>

#include "fetch/address_policy.h"
#include "fetch/url_policy.h"

namespace {

[[noreturn]] void violated(const char* what, std::string_view input) {
  std::fprintf(stderr, "fuzz_url_policy: invariant violated: %s\ninput: %.*s\n", what,
               static_cast<int>(input.size()), input.data());
  std::abort();
}

bool refused_as(const std::optional<preflight::FetchFailure>& failure, preflight::FetchReason reason) {
  return failure && failure->reason == reason;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const preflight::UrlCheck url = preflight::check_url(text);
  if (const auto* parsed = std::get_if<preflight::ParsedUrl>(&url)) {
    if (parsed->scheme != "http" && parsed->scheme != "https") violated("accepted another scheme", text);
    if (parsed->port == 0 || parsed->host.empty() || parsed->url.empty())
      violated("accepted without host, port or URL", text);
    // The host is a domain name: neither bracketed nor an address the numeric parser reads.
    if (parsed->host.front() == '[' ||
        !refused_as(preflight::check_address(parsed->host, {}), preflight::FetchReason::BadUrl))
      violated("accepted an IP literal host", text);
  } else if (std::get<preflight::FetchFailure>(url).message.empty()) {
    violated("refused a URL without a message", text);
  }

  const auto strict = preflight::check_address(text, {.allow_loopback = false});
  const auto loose = preflight::check_address(text, {.allow_loopback = true});
  if (loose && !strict) violated("allowing loopback refused an address the strict policy allows", text);
  for (const auto* failure : {&strict, &loose}) {
    if (*failure && (*failure)->reason != preflight::FetchReason::PrivateAddress &&
        (*failure)->reason != preflight::FetchReason::BadUrl)
      violated("an address refused for another reason than private_address or bad_url", text);
  }
  return 0;
}
