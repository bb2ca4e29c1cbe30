#pragma once

#include <sys/socket.h>

#include <optional>
#include <string_view>

#include "fetch/fetch_failure.h"

namespace preflight {

// Fixed for a whole run: a reused connection does not pass the open-socket callback again.
struct AddressPolicy {
  bool allow_loopback = false;  // 127.0.0.0/8 and ::1 (tests, private set-ups); off by default
};

// SPEC §5 on the address actually connected: loopback, private, link-local, CGNAT, multicast, unspecified,
// documentation and reserved ranges (IPv4 and IPv6) are refused with PrivateAddress; IPv4 hidden in
// IPv6 (IPv4-mapped, NAT64, 6to4) is unwrapped and judged as IPv4. nullopt when the address may be used.
// A null address or a family other than IPv4/IPv6 is refused. Never throws.
std::optional<FetchFailure> check_address(const sockaddr* address, const AddressPolicy& policy);

// The same for a numeric address ("10.0.0.5", "::1"); text that is not one is refused as BadUrl.
std::optional<FetchFailure> check_address(std::string_view address, const AddressPolicy& policy);

}  // namespace preflight
