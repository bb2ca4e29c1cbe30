#include "fetch/address_policy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <ostream>
#include <string>

namespace preflight {
namespace {

enum class Expect { Allowed, Refused, LoopbackOnly };  // LoopbackOnly: allowed only with allow_loopback

struct AddressRow {
  const char* name;
  const char* address;
  Expect expect;
};

std::ostream& operator<<(std::ostream& out, const AddressRow& row) { return out << row.name; }

const AddressRow kRows[] = {
    // IPv4: each range's first and last address, and the neighbours just outside.
    {"ThisNetworkFirst", "0.0.0.0", Expect::Refused},
    {"ThisNetworkLast", "0.255.255.255", Expect::Refused},
    {"JustAboveThisNetwork", "1.0.0.0", Expect::Allowed},
    {"JustBelowPrivate10", "9.255.255.255", Expect::Allowed},
    {"Private10First", "10.0.0.0", Expect::Refused},
    {"Private10Last", "10.255.255.255", Expect::Refused},
    {"JustAbovePrivate10", "11.0.0.0", Expect::Allowed},
    {"JustBelowCgnat", "100.63.255.255", Expect::Allowed},
    {"CgnatFirst", "100.64.0.0", Expect::Refused},
    {"CgnatLast", "100.127.255.255", Expect::Refused},
    {"JustAboveCgnat", "100.128.0.0", Expect::Allowed},
    {"LoopbackFirst", "127.0.0.0", Expect::LoopbackOnly},
    {"LoopbackUsual", "127.0.0.1", Expect::LoopbackOnly},
    {"LoopbackLast", "127.255.255.255", Expect::LoopbackOnly},
    {"JustAboveLoopback", "128.0.0.0", Expect::Allowed},
    {"LinkLocalFirst", "169.254.0.0", Expect::Refused},
    {"CloudMetadata", "169.254.169.254", Expect::Refused},
    {"LinkLocalLast", "169.254.255.255", Expect::Refused},
    {"JustAboveLinkLocal", "169.255.0.0", Expect::Allowed},
    {"JustBelowPrivate172", "172.15.255.255", Expect::Allowed},
    {"Private172First", "172.16.0.0", Expect::Refused},
    {"Private172Last", "172.31.255.255", Expect::Refused},
    {"JustAbovePrivate172", "172.32.0.0", Expect::Allowed},
    {"IetfProtocolAssignments", "192.0.0.8", Expect::Refused},
    {"Documentation1", "192.0.2.255", Expect::Refused},
    {"JustAboveDocumentation1", "192.0.3.0", Expect::Allowed},
    {"SixToFourRelay", "192.88.99.1", Expect::Refused},
    {"Private192First", "192.168.0.0", Expect::Refused},
    {"Private192Last", "192.168.255.255", Expect::Refused},
    {"JustAbovePrivate192", "192.169.0.0", Expect::Allowed},
    {"BenchmarkingFirst", "198.18.0.0", Expect::Refused},
    {"BenchmarkingLast", "198.19.255.255", Expect::Refused},
    {"JustAboveBenchmarking", "198.20.0.0", Expect::Allowed},
    {"Documentation2", "198.51.100.7", Expect::Refused},
    {"Documentation3", "203.0.113.255", Expect::Refused},
    {"JustBelowMulticast", "223.255.255.255", Expect::Allowed},
    {"MulticastFirst", "224.0.0.0", Expect::Refused},
    {"MulticastLast", "239.255.255.255", Expect::Refused},
    {"ReservedFirst", "240.0.0.0", Expect::Refused},
    {"Broadcast", "255.255.255.255", Expect::Refused},
    {"PublicV4", "93.184.216.34", Expect::Allowed},
    {"PublicDns", "8.8.8.8", Expect::Allowed},
    // IPv6.
    {"Unspecified", "::", Expect::Refused},
    {"Ipv6Loopback", "::1", Expect::LoopbackOnly},
    {"Ipv4CompatibleDeprecated", "::8.8.8.8", Expect::Refused},
    {"MappedLoopback", "::ffff:127.0.0.1", Expect::LoopbackOnly},
    {"MappedPrivate", "::ffff:10.0.0.5", Expect::Refused},
    {"MappedMetadataHex", "::ffff:a9fe:a9fe", Expect::Refused},
    {"MappedPublic", "::ffff:8.8.8.8", Expect::Allowed},
    {"Nat64Private", "64:ff9b::10.0.0.5", Expect::Refused},
    {"Nat64Loopback", "64:ff9b::7f00:1", Expect::Refused},  // the gateway's loopback, never ours
    {"Nat64Public", "64:ff9b::808:808", Expect::Allowed},
    {"SixToFourPrivate", "2002:c0a8:0101::1", Expect::Refused},
    {"SixToFourLoopback", "2002:7f00:1::", Expect::Refused},
    {"SixToFourPublic", "2002:808:808::1", Expect::Allowed},
    {"LocalUseNat64", "64:ff9b:1::a00:5", Expect::Refused},
    {"DiscardOnly", "100::1", Expect::Refused},
    {"JustAboveDiscardOnly", "100:0:0:1::", Expect::Allowed},
    {"Teredo", "2001::1", Expect::Refused},
    {"IetfAssignmentsLast", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", Expect::Refused},
    {"JustAboveIetfAssignments", "2001:200::1", Expect::Allowed},
    {"Ipv6Documentation", "2001:db8::1", Expect::Refused},
    {"Ipv6DocumentationLast", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", Expect::Refused},
    {"JustAboveIpv6Documentation", "2001:db9::1", Expect::Allowed},
    {"Ipv6Documentation2024", "3fff::1", Expect::Refused},
    {"JustAboveIpv6Documentation2024", "3fff:1000::1", Expect::Allowed},
    {"UniqueLocalFirst", "fc00::", Expect::Refused},
    {"UniqueLocalLast", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Expect::Refused},
    {"JustBelowUniqueLocal", "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Expect::Allowed},
    {"Ipv6LinkLocal", "fe80::1", Expect::Refused},
    {"Ipv6LinkLocalLast", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Expect::Refused},
    {"SiteLocal", "fec0::1", Expect::Refused},
    {"Ipv6Multicast", "ff02::1", Expect::Refused},
    {"PublicV6", "2606:4700::6810:84e5", Expect::Allowed},
    {"PublicV6Google", "2001:4860:4860::8888", Expect::Allowed},
};

bool allowed(const char* address, bool allow_loopback) {
  const auto failure = check_address(address, AddressPolicy{allow_loopback});
  if (failure) {
    EXPECT_EQ(failure->reason, FetchReason::PrivateAddress) << failure->message;
  }
  return !failure;
}

class AddressPolicyTable : public ::testing::TestWithParam<AddressRow> {};

TEST_P(AddressPolicyTable, RefusesInternalRanges) {
  const AddressRow& row = GetParam();
  const bool by_default = row.expect == Expect::Allowed;
  const bool with_loopback = row.expect != Expect::Refused;
  EXPECT_EQ(allowed(row.address, false), by_default) << row.address << " with the default policy";
  EXPECT_EQ(allowed(row.address, true), with_loopback) << row.address << " with allow_loopback";
}

INSTANTIATE_TEST_SUITE_P(AddressPolicy, AddressPolicyTable, ::testing::ValuesIn(kRows),
                         [](const ::testing::TestParamInfo<AddressRow>& info) { return info.param.name; });

TEST(AddressPolicy, MessageNamesTheAddressAndTheRange) {
  const auto failure = check_address("10.0.0.5", AddressPolicy{});
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->message, "address 10.0.0.5 is in 10.0.0.0/8 (private); internal addresses are refused");
  const auto wrapped = check_address("::ffff:169.254.169.254", AddressPolicy{});
  ASSERT_TRUE(wrapped);
  EXPECT_NE(wrapped->message.find("169.254.169.254"), std::string::npos) << wrapped->message;
  EXPECT_NE(wrapped->message.find("169.254.0.0/16"), std::string::npos) << wrapped->message;
  const auto loopback = check_address("127.0.0.1", AddressPolicy{});
  ASSERT_TRUE(loopback);
  EXPECT_NE(loopback->message.find("--allow-loopback"), std::string::npos) << loopback->message;
  const auto routed = check_address("64:ff9b::7f00:1", AddressPolicy{});
  ASSERT_TRUE(routed);
  EXPECT_EQ(routed->message.find("--allow-loopback"), std::string::npos)
      << "never allowed: " << routed->message;
}

TEST(AddressPolicy, ChecksSocketAddressesOfBothFamilies) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  ASSERT_EQ(inet_pton(AF_INET, "192.168.1.1", &v4.sin_addr), 1);
  EXPECT_TRUE(check_address(reinterpret_cast<const sockaddr*>(&v4), AddressPolicy{}));
  ASSERT_EQ(inet_pton(AF_INET, "93.184.216.34", &v4.sin_addr), 1);
  EXPECT_FALSE(check_address(reinterpret_cast<const sockaddr*>(&v4), AddressPolicy{}));

  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  ASSERT_EQ(inet_pton(AF_INET6, "::1", &v6.sin6_addr), 1);
  EXPECT_TRUE(check_address(reinterpret_cast<const sockaddr*>(&v6), AddressPolicy{}));
  EXPECT_FALSE(check_address(reinterpret_cast<const sockaddr*>(&v6), AddressPolicy{.allow_loopback = true}));
  ASSERT_EQ(inet_pton(AF_INET6, "2606:4700::6810:84e5", &v6.sin6_addr), 1);
  EXPECT_FALSE(check_address(reinterpret_cast<const sockaddr*>(&v6), AddressPolicy{}));
}

TEST(AddressPolicy, RefusesWhatIsNotAnInternetAddress) {
  sockaddr_un local{};
  local.sun_family = AF_UNIX;
  const auto unix_socket = check_address(reinterpret_cast<const sockaddr*>(&local), AddressPolicy{});
  ASSERT_TRUE(unix_socket);
  EXPECT_EQ(unix_socket->reason, FetchReason::PrivateAddress);
  EXPECT_TRUE(check_address(static_cast<const sockaddr*>(nullptr), AddressPolicy{}));
  const auto text = check_address("not-an-address", AddressPolicy{});
  ASSERT_TRUE(text);
  EXPECT_EQ(text->reason, FetchReason::BadUrl);
}

}  // namespace
}  // namespace preflight
