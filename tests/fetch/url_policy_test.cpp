#include "fetch/url_policy.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>

namespace preflight {
namespace {

constexpr std::size_t kMaxUrlBytes = 8 * 1024;

struct UrlRow {
  const char* name;  // the test's name: letters, digits and underscores
  std::string url;
  std::optional<FetchReason> reason;  // nullopt: accepted
};

std::ostream& operator<<(std::ostream& out, const UrlRow& row) { return out << row.name; }

std::string url_of_length(std::size_t length) {
  const std::string head = "https://example.com/";
  return head + std::string(length - head.size(), 'a');
}

const UrlRow kRows[] = {
    // Accepted: domain names.
    {"PlainHttps", "https://example.com/image.jpg", std::nullopt},
    {"PlainHttp", "http://cdn.example.com/a/b.png?x=1#top", std::nullopt},
    {"UpperCaseScheme", "HTTPS://Example.COM/x.jpg", std::nullopt},
    {"MixedCaseScheme", "hTtP://example.com/", std::nullopt},
    {"TrailingDotDomain", "https://cdn.example.com./x.jpg", std::nullopt},
    {"PunycodeDomain", "https://xn--bcher-kva.example/x.jpg", std::nullopt},
    {"HexLookingFirstLabel", "http://0x7f.example.com/", std::nullopt},
    {"DigitsFirstLabel", "http://127.0.0.1.example.com/", std::nullopt},
    {"ExplicitPort", "https://example.com:8443/x.jpg", std::nullopt},
    {"EmptyPortMeansDefault", "http://example.com:/x.jpg", std::nullopt},
    {"MaxPort", "http://example.com:65535/", std::nullopt},
    {"UserInfoBeforeDomain", "http://127.0.0.1@example.com/", std::nullopt},
    {"PercentEncodedDomain", "http://ex%61mple.com/", std::nullopt},
    {"AtInQueryIsNotUserInfo", "http://example.com/?@127.0.0.1", std::nullopt},
    {"LongestAllowed", url_of_length(kMaxUrlBytes), std::nullopt},
    // Other schemes.
    {"Ftp", "ftp://example.com/x.jpg", FetchReason::UnsupportedScheme},
    {"File", "file:///etc/passwd", FetchReason::UnsupportedScheme},
    {"Gopher", "gopher://example.com/", FetchReason::UnsupportedScheme},
    {"Data", "data:image/png;base64,iVBORw0KGgo=", FetchReason::UnsupportedScheme},
    {"Javascript", "javascript:alert(1)", FetchReason::UnsupportedScheme},
    {"HttpsLookalike", "httpx://example.com/", FetchReason::UnsupportedScheme},
    {"Mailto", "mailto:images@example.com", FetchReason::UnsupportedScheme},
    // Malformed.
    {"Empty", "", FetchReason::BadUrl},
    {"NoScheme", "example.com/x.jpg", FetchReason::BadUrl},
    {"HostPortWithoutScheme", "example.com:8080/x.jpg", FetchReason::BadUrl},
    {"LocalhostPortWithoutScheme", "localhost:8080", FetchReason::BadUrl},
    {"SchemeRelative", "//example.com/x.jpg", FetchReason::BadUrl},
    {"LeadingSpace", " https://example.com/", FetchReason::BadUrl},
    {"SpaceInHost", "http://exa mple.com/", FetchReason::BadUrl},
    {"SpaceInPath", "http://example.com/a b.jpg", FetchReason::BadUrl},
    {"TabInPath", "http://example.com/a\tb", FetchReason::BadUrl},
    {"NewlineAtEnd", "http://example.com/\n", FetchReason::BadUrl},
    {"NulInHost", std::string("http://example.com\0.evil/", 25), FetchReason::BadUrl},
    {"DelCharacter", "http://example.com/\x7f", FetchReason::BadUrl},
    {"EncodedNulInHost", "http://example.com%00/", FetchReason::BadUrl},
    {"Overlong", url_of_length(kMaxUrlBytes + 1), FetchReason::BadUrl},
    {"NoHost", "http://", FetchReason::BadUrl},
    {"EmptyHostThreeSlashes", "http:///x.jpg", FetchReason::BadUrl},
    {"OneSlash", "http:/example.com/", FetchReason::BadUrl},
    {"NoSlashes", "http:example.com", FetchReason::BadUrl},
    {"PortTooBig", "http://example.com:65536/", FetchReason::BadUrl},
    {"PortNotNumber", "http://example.com:80a/", FetchReason::BadUrl},
    {"PortZero", "http://example.com:0/", FetchReason::BadUrl},
    {"FiveNumericLabels", "http://1.2.3.4.5/", FetchReason::BadUrl},
    {"OctetTooBig", "http://999.1.1.1/", FetchReason::BadUrl},
    {"DecimalAbove32Bits", "http://4294967296/", FetchReason::BadUrl},
    {"BadOctalDigit", "http://08.1.1.1/", FetchReason::BadUrl},
    {"NumericTopLevelLabel", "http://example.123/", FetchReason::BadUrl},
    {"DoubleEncodedHost", "http://%2531%2532%2537.0.0.1/", FetchReason::IpLiteralHost},
    {"DoubleEncodedDomain", "http://ex%2561mple.com/", FetchReason::BadUrl},
    {"NonAsciiHost",
     "http://b\xc3\xbc"
     "cher.example/",
     FetchReason::BadUrl},
    {"FullwidthDigitsHost", "http://\xef\xbc\x91\xef\xbc\x92\xef\xbc\x97.0.0.1/", FetchReason::BadUrl},
    {"NotIpv6InBrackets", "http://[example.com]/", FetchReason::BadUrl},
    // IPv4 literals, every spelling.
    {"DottedLoopback", "http://127.0.0.1/", FetchReason::IpLiteralHost},
    {"DottedPublic", "https://8.8.8.8/x.jpg", FetchReason::IpLiteralHost},
    {"DottedWithPort", "http://93.184.216.34:8080/", FetchReason::IpLiteralHost},
    {"Decimal", "http://2130706433/", FetchReason::IpLiteralHost},
    {"OctalDotted", "http://0177.0.0.1/", FetchReason::IpLiteralHost},
    {"OctalWhole", "http://017700000001/", FetchReason::IpLiteralHost},
    {"HexWhole", "http://0x7f000001/", FetchReason::IpLiteralHost},
    {"HexShort", "http://0x7f.1/", FetchReason::IpLiteralHost},
    {"HexUpperCase", "http://0x7F.0.0.1/", FetchReason::IpLiteralHost},
    {"HexEveryLabel", "http://0x7f.0x0.0x0.0x1/", FetchReason::IpLiteralHost},
    {"ShortTwoLabels", "http://127.1/", FetchReason::IpLiteralHost},
    {"ShortThreeLabels", "http://127.0.1/", FetchReason::IpLiteralHost},
    {"ShortPrivate", "http://10.1/", FetchReason::IpLiteralHost},
    {"MixedHexOctal", "http://0x7f.0.0.01/", FetchReason::IpLiteralHost},
    {"TrailingDot", "http://127.0.0.1./", FetchReason::IpLiteralHost},
    {"Zero", "http://0/", FetchReason::IpLiteralHost},
    {"Metadata", "http://169.254.169.254/latest/meta-data/", FetchReason::IpLiteralHost},
    {"UserInfoBeforeIp", "http://example.com@127.0.0.1/", FetchReason::IpLiteralHost},
    {"BackslashUserInfo", "http://example.com\\@127.0.0.1/", FetchReason::IpLiteralHost},
    {"PercentEncodedDotted", "http://%31%32%37.0.0.1/", FetchReason::IpLiteralHost},
    {"PercentEncodedHex", "http://%30x7f.1/", FetchReason::IpLiteralHost},
    {"PercentEncodedDecimal", "http://%32%31%33%30%37%30%36%34%33%33/", FetchReason::IpLiteralHost},
    // IPv6 literals.
    {"Ipv6Loopback", "http://[::1]/", FetchReason::IpLiteralHost},
    {"Ipv6LoopbackLongForm", "http://[0:0:0:0:0:0:0:1]/", FetchReason::IpLiteralHost},
    {"Ipv6WithPort", "http://[::1]:8080/", FetchReason::IpLiteralHost},
    {"Ipv4MappedDotted", "http://[::ffff:127.0.0.1]/", FetchReason::IpLiteralHost},
    {"Ipv4MappedHex", "http://[::ffff:7f00:1]/", FetchReason::IpLiteralHost},
    {"Nat64", "http://[64:ff9b::7f00:1]/", FetchReason::IpLiteralHost},
    {"ZoneIdEncoded", "http://[fe80::1%25eth0]/", FetchReason::IpLiteralHost},
    {"ZoneIdRaw", "http://[fe80::1%eth0]/", FetchReason::IpLiteralHost},
    {"Ipv6Public", "https://[2606:4700::6810:84e5]/x.jpg", FetchReason::IpLiteralHost},
    {"Ipv6UpperCase", "http://[FE80::1]/", FetchReason::IpLiteralHost},
};

class UrlPolicyTable : public ::testing::TestWithParam<UrlRow> {};

TEST_P(UrlPolicyTable, GivesTheExpectedReason) {
  const UrlRow& row = GetParam();
  const UrlCheck result = check_url(row.url);
  if (!row.reason) {
    const auto* failure = std::get_if<FetchFailure>(&result);
    EXPECT_EQ(failure, nullptr) << "refused: " << (failure ? failure->message : "");
    return;
  }
  const auto* failure = std::get_if<FetchFailure>(&result);
  ASSERT_NE(failure, nullptr) << "accepted, host " << std::get<ParsedUrl>(result).host;
  EXPECT_EQ(failure->reason_text(), fetch_reason_name(*row.reason)) << failure->message;
  EXPECT_FALSE(failure->message.empty());
}

INSTANTIATE_TEST_SUITE_P(UrlPolicy, UrlPolicyTable, ::testing::ValuesIn(kRows),
                         [](const ::testing::TestParamInfo<UrlRow>& info) { return info.param.name; });

ParsedUrl accepted(std::string_view url) {
  UrlCheck result = check_url(url);
  EXPECT_TRUE(std::holds_alternative<ParsedUrl>(result)) << url;
  return std::holds_alternative<ParsedUrl>(result) ? std::get<ParsedUrl>(result) : ParsedUrl{};
}

FetchFailure refused(std::string_view url) {
  UrlCheck result = check_url(url);
  EXPECT_TRUE(std::holds_alternative<FetchFailure>(result)) << url;
  return std::holds_alternative<FetchFailure>(result) ? std::get<FetchFailure>(result) : FetchFailure{};
}

TEST(UrlPolicy, AcceptedUrlIsNormalisedWithDefaultPorts) {
  const ParsedUrl https = accepted("HTTPS://Example.COM/a.jpg");
  EXPECT_EQ(https.scheme, "https");
  EXPECT_EQ(https.host, "Example.COM");
  EXPECT_EQ(https.port, 443);
  EXPECT_EQ(https.url, "https://Example.COM/a.jpg");
  EXPECT_EQ(accepted("http://example.com/").port, 80);
  EXPECT_EQ(accepted("http://example.com:8080/").port, 8080);
  EXPECT_EQ(accepted("http://ex%61mple.com/").host, "example.com");
}

TEST(UrlPolicy, MessagesNameTheProblemAndTheFix) {
  EXPECT_NE(refused("ftp://example.com/").message.find("\"ftp\""), std::string::npos);
  const std::string literal = refused("http://0x7f.1/").message;
  EXPECT_NE(literal.find("127.0.0.1"), std::string::npos) << literal;
  EXPECT_NE(literal.find("domain name"), std::string::npos) << literal;
  const std::string control = refused("http://example.com/\n").message;
  EXPECT_EQ(control.find('\n'), std::string::npos) << "control characters are escaped: " << control;
  EXPECT_LT(refused(url_of_length(kMaxUrlBytes + 1)).message.size(), 400u);
}

TEST(UrlPolicyFetchFailure, ReasonTextSpellsHttpStatus) {
  EXPECT_EQ((FetchFailure{FetchReason::HttpStatus, 404, ""}).reason_text(), "http_404");
  EXPECT_EQ(fetch_reason_name(FetchReason::HttpStatus), "http");
  EXPECT_EQ((FetchFailure{FetchReason::TooLarge, 0, ""}).reason_text(), "too_large");
  EXPECT_EQ(fetch_reason_name(FetchReason::IpLiteralHost), "ip_literal_host");
  EXPECT_EQ(fetch_reason_name(FetchReason::TooManyRedirects), "too_many_redirects");
}

}  // namespace
}  // namespace preflight
