#include "fetch/address_policy.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace preflight {
namespace {

constexpr std::size_t kIpv4Bytes = 4;
constexpr std::size_t kIpv6Bytes = 16;
constexpr std::size_t kLast32Offset = 12;  // IPv4-mapped and NAT64 carry the IPv4 in the last 4 bytes
constexpr std::size_t k6to4Offset = 2;     // 2002:AABB:CCDD::/48 carries it right after the prefix

// What a match means.
enum class Action {
  Refuse,
  Loopback,      // refused unless AddressPolicy::allow_loopback
  UnwrapMapped,  // ::ffff:a.b.c.d is a.b.c.d on this host: judge it as IPv4, loopback included
  UnwrapRouted,  // NAT64, 6to4: judge the embedded IPv4; its 127/8 is not this host's, never allowed
};

struct RangeSpec {
  std::string_view cidr;
  std::string_view what;
  Action action;
  std::size_t embedded_offset = 0;  // for the Unwrap actions
};

// IANA special-purpose registries (RFC 6890 and successors). First match wins.
constexpr std::array kRanges = {
    RangeSpec{"0.0.0.0/8", "\"this\" network", Action::Refuse},
    RangeSpec{"10.0.0.0/8", "private", Action::Refuse},
    RangeSpec{"100.64.0.0/10", "carrier-grade NAT", Action::Refuse},
    RangeSpec{"127.0.0.0/8", "loopback", Action::Loopback},
    RangeSpec{"169.254.0.0/16", "link-local, cloud metadata", Action::Refuse},
    RangeSpec{"172.16.0.0/12", "private", Action::Refuse},
    RangeSpec{"192.0.0.0/24", "IETF protocol assignments", Action::Refuse},
    RangeSpec{"192.0.2.0/24", "documentation", Action::Refuse},
    RangeSpec{"192.88.99.0/24", "6to4 relay anycast", Action::Refuse},
    RangeSpec{"192.168.0.0/16", "private", Action::Refuse},
    RangeSpec{"198.18.0.0/15", "benchmarking", Action::Refuse},
    RangeSpec{"198.51.100.0/24", "documentation", Action::Refuse},
    RangeSpec{"203.0.113.0/24", "documentation", Action::Refuse},
    RangeSpec{"224.0.0.0/4", "multicast", Action::Refuse},
    RangeSpec{"240.0.0.0/4", "reserved", Action::Refuse},  // includes 255.255.255.255 (broadcast)
    RangeSpec{"::/128", "unspecified", Action::Refuse},
    RangeSpec{"::1/128", "loopback", Action::Loopback},
    RangeSpec{"::ffff:0:0/96", "IPv4-mapped", Action::UnwrapMapped, kLast32Offset},
    RangeSpec{"::/96", "IPv4-compatible, deprecated", Action::Refuse},
    RangeSpec{"64:ff9b::/96", "NAT64", Action::UnwrapRouted, kLast32Offset},
    RangeSpec{"64:ff9b:1::/48", "local-use NAT64", Action::Refuse},
    RangeSpec{"100::/64", "discard-only", Action::Refuse},
    RangeSpec{"2001::/23", "IETF protocol assignments, Teredo", Action::Refuse},
    RangeSpec{"2001:db8::/32", "documentation", Action::Refuse},
    RangeSpec{"2002::/16", "6to4", Action::UnwrapRouted, k6to4Offset},
    RangeSpec{"3fff::/20", "documentation", Action::Refuse},
    RangeSpec{"fc00::/7", "unique local", Action::Refuse},
    RangeSpec{"fe80::/10", "link-local", Action::Refuse},
    RangeSpec{"fec0::/10", "site-local, deprecated", Action::Refuse},
    RangeSpec{"ff00::/8", "multicast", Action::Refuse},
};

// An address of either family as bytes in network order (4 or 16 of them).
struct Address {
  std::array<std::uint8_t, kIpv6Bytes> bytes{};
  std::size_t size = 0;
};

struct Range {
  Address network;
  unsigned prefix_bits = 0;
  const RangeSpec* spec = nullptr;
};

std::optional<Address> parse_address(std::string_view text) {
  const std::string buffer(text);
  Address address;
  if (inet_pton(AF_INET, buffer.c_str(), address.bytes.data()) == 1) {
    address.size = kIpv4Bytes;
  } else if (inet_pton(AF_INET6, buffer.c_str(), address.bytes.data()) == 1) {
    address.size = kIpv6Bytes;
  } else {
    return std::nullopt;
  }
  return address;
}

Range parse_range(const RangeSpec& spec) {
  const std::size_t slash = spec.cidr.find('/');
  Range range;
  range.network = parse_address(spec.cidr.substr(0, slash)).value_or(Address{});
  for (const char c : spec.cidr.substr(slash + 1)) range.prefix_bits = range.prefix_bits * 10 + (c - '0');
  range.spec = &spec;
  return range;
}

const std::vector<Range>& ranges() {
  static const std::vector<Range> parsed = [] {
    std::vector<Range> out;
    for (const RangeSpec& spec : kRanges) out.push_back(parse_range(spec));
    return out;
  }();
  return parsed;
}

bool contains(const Range& range, const Address& address) {
  if (range.network.size != address.size) return false;
  const std::size_t whole = range.prefix_bits / 8;
  const unsigned rest = range.prefix_bits % 8;
  if (!std::equal(address.bytes.begin(), address.bytes.begin() + whole, range.network.bytes.begin())) {
    return false;
  }
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (address.bytes[whole] & mask) == (range.network.bytes[whole] & mask);
}

const Range* find_range(const Address& address) {
  const auto& all = ranges();
  const auto found =
      std::find_if(all.begin(), all.end(), [&](const Range& r) { return contains(r, address); });
  return found == all.end() ? nullptr : &*found;
}

std::string to_text(const Address& address) {
  std::array<char, INET6_ADDRSTRLEN> buffer{};
  const int family = address.size == kIpv4Bytes ? AF_INET : AF_INET6;
  if (inet_ntop(family, address.bytes.data(), buffer.data(), buffer.size()) == nullptr) return "?";
  return buffer.data();
}

Address embedded_ipv4(const Address& address, std::size_t offset) {
  Address inner;
  std::copy_n(address.bytes.begin() + offset, kIpv4Bytes, inner.bytes.begin());
  inner.size = kIpv4Bytes;
  return inner;
}

// How loopback is judged: `allowed` by the policy; `local` false for an IPv4 embedded in a routed prefix
// (NAT64, 6to4), whose 127/8 is another machine's loopback and is never allowed.
struct LoopbackRule {
  bool allowed = false;
  bool local = true;
};

FetchFailure refused(const std::string& shown, const Range& range, bool hint_allow_loopback) {
  return {FetchReason::PrivateAddress, 0,
          fmt::format("address {} is in {} ({}); internal addresses are refused{}", shown, range.spec->cidr,
                      range.spec->what, hint_allow_loopback ? " (loopback only with --allow-loopback)" : "")};
}

// `shown` names the address as connected, with the IPv4 it embeds when it was unwrapped.
std::optional<FetchFailure> judge(const Address& address, const std::string& shown, LoopbackRule loopback) {
  const Range* range = find_range(address);
  if (range == nullptr) return std::nullopt;
  switch (range->spec->action) {
    case Action::Refuse:
      return refused(shown, *range, false);
    case Action::Loopback:
      if (loopback.allowed && loopback.local) return std::nullopt;
      return refused(shown, *range, loopback.local);
    case Action::UnwrapMapped:
    case Action::UnwrapRouted: {
      const Address inner = embedded_ipv4(address, range->spec->embedded_offset);
      const std::string via =
          fmt::format("{} (embedded in {}, {})", to_text(inner), to_text(address), range->spec->what);
      const bool local = loopback.local && range->spec->action == Action::UnwrapMapped;
      return judge(inner, via, LoopbackRule{loopback.allowed, local});
    }
  }
  return refused(shown, *range, false);
}

std::optional<Address> from_sockaddr(const sockaddr* socket_address) {
  if (socket_address == nullptr) return std::nullopt;
  Address address;
  if (socket_address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(socket_address);
    std::memcpy(address.bytes.data(), &v4->sin_addr, kIpv4Bytes);
    address.size = kIpv4Bytes;
  } else if (socket_address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(socket_address);
    std::memcpy(address.bytes.data(), &v6->sin6_addr, kIpv6Bytes);
    address.size = kIpv6Bytes;
  } else {
    return std::nullopt;
  }
  return address;
}

}  // namespace

std::optional<FetchFailure> check_address(const sockaddr* address, const AddressPolicy& policy) {
  const auto parsed = from_sockaddr(address);
  if (!parsed) {
    return FetchFailure{FetchReason::PrivateAddress, 0,
                        fmt::format("address family {} is not IPv4 or IPv6; only internet addresses are used",
                                    address == nullptr ? -1 : static_cast<int>(address->sa_family))};
  }
  return judge(*parsed, to_text(*parsed), LoopbackRule{policy.allow_loopback, true});
}

std::optional<FetchFailure> check_address(std::string_view address, const AddressPolicy& policy) {
  const auto parsed = parse_address(address);
  if (!parsed) {
    return FetchFailure{FetchReason::BadUrl, 0,
                        fmt::format("\"{}\" is not a numeric IPv4 or IPv6 address; give one like 203.0.113.7 "
                                    "or 2001:db8::1",
                                    address)};
  }
  return judge(*parsed, to_text(*parsed), LoopbackRule{policy.allow_loopback, true});
}

}  // namespace preflight
