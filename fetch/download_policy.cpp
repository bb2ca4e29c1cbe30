#include "fetch/download_policy.h"

#include <fmt/format.h>

#include <charconv>
#include <string_view>

namespace preflight {
namespace {

constexpr int kMaxRetries = 5;
constexpr int kMaxRedirectsLimit = 20;
constexpr std::size_t kMaxInFlightLimit = 65536;
constexpr int kMaxPort = 65535;

bool valid_port(std::string_view text) {
  int port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  return error == std::errc() && end == text.data() + text.size() && port >= 1 && port <= kMaxPort;
}

// "HOST:PORT:ADDR"; ADDR may be an IPv6 address with colons, optionally bracketed.
bool valid_resolve_override(std::string_view entry) {
  const auto first = entry.find(':');
  if (first == std::string_view::npos || first == 0) return false;
  const auto second = entry.find(':', first + 1);
  if (second == std::string_view::npos || second + 1 >= entry.size()) return false;
  return valid_port(entry.substr(first + 1, second - first - 1));
}

bool has_line_break(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

std::optional<std::string> DownloadPolicy::validate() const {
  if (attempt_timeout.count() <= 0) {
    return fmt::format("attempt_timeout is {} ms; pass a positive timeout (the service uses 3000 ms)",
                       attempt_timeout.count());
  }
  if (retries < 0 || retries > kMaxRetries) {
    return fmt::format("retries is {}; pass 0..{} (the service retries once)", retries, kMaxRetries);
  }
  if (max_redirects < 0 || max_redirects > kMaxRedirectsLimit) {
    return fmt::format("max_redirects is {}; pass 0..{} (the service follows 3)", max_redirects,
                       kMaxRedirectsLimit);
  }
  if (max_body_bytes == 0) {
    return std::string("max_body_bytes is 0; pass the rule profile's max_url_bytes");
  }
  if (user_agent.empty() || has_line_break(user_agent)) {
    return std::string(
        "user_agent is empty or holds a line break; pass one header value like \"Server/CMS\"");
  }
  if (max_in_flight == 0 || max_in_flight > kMaxInFlightLimit) {
    return fmt::format("max_in_flight is {}; pass 1..{}", max_in_flight, kMaxInFlightLimit);
  }
  for (const auto& entry : resolve_overrides) {
    if (!valid_resolve_override(entry)) {
      return fmt::format(
          "resolve_overrides entry \"{}\" is not HOST:PORT:ADDR (e.g. images.test:8080:127.0.0.1)", entry);
    }
  }
  return std::nullopt;
}

}  // namespace preflight
