#include "fetch/url_policy.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <optional>

namespace preflight {
namespace {

constexpr std::size_t kMaxUrlBytes = 8 * 1024;
constexpr std::size_t kMaxQuotedBytes = 120;  // URLs in messages are cut to this length
constexpr std::array<std::string_view, 2> kAllowedSchemes = {"http", "https"};
constexpr std::string_view kAuthorityPrefix = "//";
constexpr std::string_view kWhatToDo = "give an http:// or https:// URL whose host is a domain name";

struct CurlUrlDeleter {
  void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

enum class HostKind { Domain, IpLiteral, Invalid };

struct HostVerdict {
  HostKind kind;
  std::string_view why;  // for IpLiteral and Invalid
};

// The URL as it may appear in a message: escaped (control characters, quotes) and cut short.
std::string quoted(std::string_view url) {
  if (url.size() <= kMaxQuotedBytes) return fmt::format("{:?}", url);
  return fmt::format("{:?}... ({} bytes)", url.substr(0, kMaxQuotedBytes), url.size());
}

FetchFailure failure(FetchReason reason, std::string message) { return {reason, 0, std::move(message)}; }

FetchFailure bad_url(std::string_view url, std::string_view what) {
  return failure(FetchReason::BadUrl, fmt::format("URL {} {}; {}", quoted(url), what, kWhatToDo));
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_forbidden_byte(unsigned char c) { return c <= ' ' || c == 0x7f; }  // controls, NUL, space, DEL

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), ended by ':'.
std::optional<std::string_view> leading_scheme(std::string_view url) {
  if (url.empty() || !std::isalpha(static_cast<unsigned char>(url.front()))) return std::nullopt;
  for (std::size_t i = 1; i < url.size(); ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    if (c == ':') return url.substr(0, i);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
  }
  return std::nullopt;
}

bool is_allowed_scheme(std::string_view scheme) {
  const std::string name = lower(scheme);
  return std::find(kAllowedSchemes.begin(), kAllowedSchemes.end(), name) != kAllowedSchemes.end();
}

// libcurl tolerates "http:/host" and "http:///host"; an RFC 3986 authority is exactly "//" then the host.
bool has_authority(std::string_view url, std::size_t scheme_length) {
  const std::string_view rest = url.substr(scheme_length + 1);
  return rest.starts_with(kAuthorityPrefix) && rest.size() > kAuthorityPrefix.size() &&
         rest[kAuthorityPrefix.size()] != '/';
}

// "example.com:8080/x.jpg" is RFC 3986's scheme "example.com", but it means a host and port without one.
bool is_host_and_port(std::string_view url, std::size_t scheme_length) {
  const std::string_view rest = url.substr(scheme_length + 1);
  const std::size_t end = std::min(rest.find('/'), rest.size());
  return end > 0 &&
         std::all_of(rest.begin(), rest.begin() + end, [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::optional<FetchFailure> check_text(std::string_view url) {
  if (url.empty()) return bad_url(url, "is empty");
  if (url.size() > kMaxUrlBytes) {
    return bad_url(url, fmt::format("is longer than {} bytes", kMaxUrlBytes));
  }
  const auto bad = std::find_if(url.begin(), url.end(), [](char c) { return is_forbidden_byte(c); });
  if (bad != url.end()) {
    return bad_url(url, fmt::format("has a space or control character (byte 0x{:02x} at offset {})",
                                    static_cast<unsigned char>(*bad), bad - url.begin()));
  }
  const auto scheme = leading_scheme(url);
  if (!scheme) return bad_url(url, "has no scheme");
  if (!is_allowed_scheme(*scheme) && is_host_and_port(url, scheme->size())) {
    return bad_url(url, "has no scheme (a host and port need http:// or https:// before them)");
  }
  if (!is_allowed_scheme(*scheme)) {
    return failure(FetchReason::UnsupportedScheme,
                   fmt::format("URL {} has scheme \"{}\"; only http:// and https:// URLs are downloaded",
                               quoted(url), *scheme));
  }
  if (!has_authority(url, scheme->size())) return bad_url(url, "has no \"//host\" after the scheme");
  return std::nullopt;
}

std::optional<std::string> url_part(CURLU* handle, CURLUPart part, unsigned int flags) {
  char* raw = nullptr;
  if (curl_url_get(handle, part, &raw, flags) != CURLUE_OK) return std::nullopt;
  const CurlString owned(raw);
  return std::string(owned.get());
}

// A label the IPv4 parsers read as a number: decimal/octal digits, or 0x and hex digits.
bool is_numeric_label(std::string_view label) {
  if (label.empty()) return false;
  const bool hex = label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X');
  const std::string_view digits = hex ? label.substr(2) : label;
  return std::all_of(digits.begin(), digits.end(),
                     [hex](unsigned char c) { return hex ? std::isxdigit(c) != 0 : std::isdigit(c) != 0; });
}

std::string_view without_trailing_dot(std::string_view host) {
  return host.ends_with('.') ? host.substr(0, host.size() - 1) : host;
}

// WHATWG's "ends in a number": no top-level domain is numeric, so such a host is meant as IPv4.
bool ends_in_number(std::string_view host) {
  const std::string_view name = without_trailing_dot(host);
  const std::size_t dot = name.rfind('.');
  return is_numeric_label(dot == std::string_view::npos ? name : name.substr(dot + 1));
}

bool all_labels_numeric(std::string_view host) {
  std::string_view rest = without_trailing_dot(host);
  while (true) {
    const std::size_t dot = rest.find('.');
    if (!is_numeric_label(rest.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    rest.remove_prefix(dot + 1);
  }
}

// inet_aton is the libc's own parser: it takes 127.1, 2130706433, 0177.0.0.1, 0x7f.1, ... like the
// resolver does. It is only given hosts made of numeric labels (it would ignore text after a space).
bool is_ipv4_literal(std::string_view host) {
  if (!all_labels_numeric(host)) return false;
  const std::string text(without_trailing_dot(host));
  in_addr address{};
  return inet_aton(text.c_str(), &address) != 0;
}

bool is_ipv6_literal(std::string_view bracketed) {
  if (bracketed.size() < 2 || bracketed.back() != ']') return false;
  const std::string text(bracketed.substr(1, bracketed.size() - 2));
  in6_addr address{};
  return inet_pton(AF_INET6, text.c_str(), &address) == 1;
}

HostVerdict classify_host(std::string_view host) {
  if (host.empty()) return {HostKind::Invalid, "has an empty host"};
  if (host.front() == '[') {
    if (is_ipv6_literal(host)) return {HostKind::IpLiteral, "is an IPv6 literal"};
    return {HostKind::Invalid, "has a bracketed host that is not an IPv6 address"};
  }
  if (std::any_of(host.begin(), host.end(), [](unsigned char c) { return c >= 0x80; })) {
    return {HostKind::Invalid, "has a non-ASCII host (write international domain names as xn-- punycode)"};
  }
  if (!ends_in_number(host)) return {HostKind::Domain, {}};
  if (is_ipv4_literal(host)) return {HostKind::IpLiteral, "is an IPv4 literal"};
  return {HostKind::Invalid, "has a numeric host that is not a valid IPv4 address"};
}

struct CurlParts {
  std::string scheme, host, decoded_host, port, url;
};

std::variant<CurlParts, FetchFailure> parse_with_curl(std::string_view url) {
  const CurlUrl handle(curl_url());
  if (!handle) return failure(FetchReason::BadUrl, "out of memory while parsing a URL; retry");
  const std::string text(url);
  const CURLUcode code = curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (code != CURLUE_OK) return bad_url(url, fmt::format("is malformed ({})", curl_url_strerror(code)));
  auto scheme = url_part(handle.get(), CURLUPART_SCHEME, 0);
  auto host = url_part(handle.get(), CURLUPART_HOST, 0);
  auto decoded = url_part(handle.get(), CURLUPART_HOST, CURLU_URLDECODE);
  auto port = url_part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  auto full = url_part(handle.get(), CURLUPART_URL, 0);
  if (!scheme || !host || !decoded || !port || !full) return bad_url(url, "has no host or no port");
  return CurlParts{lower(*scheme), std::move(*host), std::move(*decoded), std::move(*port), std::move(*full)};
}

std::optional<std::uint16_t> port_number(std::string_view text) {
  constexpr unsigned kMaxPort = 65535;
  unsigned value = 0;
  for (const char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > kMaxPort) return std::nullopt;
  }
  if (text.empty() || value == 0) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

UrlCheck check_parts(std::string_view url, CurlParts parts) {
  if (!is_allowed_scheme(parts.scheme)) {
    return failure(FetchReason::UnsupportedScheme,
                   fmt::format("URL {} has scheme \"{}\"; only http:// and https:// URLs are downloaded",
                               quoted(url), parts.scheme));
  }
  const HostVerdict verdict = classify_host(parts.decoded_host);
  if (verdict.kind == HostKind::IpLiteral) {
    return failure(FetchReason::IpLiteralHost,
                   fmt::format("URL {} {} (host {}); the service downloads from domain names only, use the "
                               "image's domain name",
                               quoted(url), verdict.why, parts.decoded_host));
  }
  if (verdict.kind == HostKind::Invalid) return bad_url(url, verdict.why);
  if (parts.host.find('%') != std::string::npos) return bad_url(url, "has a percent sign in its host name");
  const auto port = port_number(parts.port);
  if (!port) return bad_url(url, fmt::format("has port {}, not in 1-65535", parts.port));
  return ParsedUrl{std::move(parts.scheme), std::move(parts.decoded_host), std::move(parts.url), *port};
}

}  // namespace

UrlCheck check_url(std::string_view url) {
  if (auto refused = check_text(url)) return std::move(*refused);
  auto parsed = parse_with_curl(url);
  if (auto* refused = std::get_if<FetchFailure>(&parsed)) return std::move(*refused);
  return check_parts(url, std::move(std::get<CurlParts>(parsed)));
}

}  // namespace preflight
