#include "pipeline/fetch_verdict.h"

#include <gtest/gtest.h>

namespace preflight {
namespace {

struct CodeRow {
  FetchReason reason;
  int http_status;
  const char* record_reason;
  const char* code;
};

class FetchVerdictTable : public ::testing::TestWithParam<CodeRow> {};

TEST_P(FetchVerdictTable, FollowsSpecSection5) {
  const CodeRow& row = GetParam();
  const FetchFailure failure{row.reason, row.http_status, "what went wrong"};
  const Verdict verdict =
      fetch_failure_verdict(CheckRequest{4, "https://cdn.example.com/a.gif"}, failure, {3000000, 12});
  EXPECT_EQ(verdict.outcome, Outcome::Rejected);
  EXPECT_EQ(verdict.code, row.code);
  EXPECT_EQ(verdict.reason, row.record_reason);
  EXPECT_EQ(verdict.message, "what went wrong");
  EXPECT_EQ(verdict.seq, 4u);
  EXPECT_EQ(verdict.mode, InputMode::Url);
  EXPECT_EQ(verdict.timing.fetch_us, 3000012u);
  EXPECT_EQ(verdict.billable_units, 0u);
}

constexpr const char* kInvalidImage = "InvalidParameterValue.InvalidImageContent";
constexpr const char* kDownloadError = "ResourceUnavailable.ImageDownloadError";

INSTANTIATE_TEST_SUITE_P(
    EveryReason, FetchVerdictTable,
    ::testing::Values(CodeRow{FetchReason::BadUrl, 0, "bad_url", kInvalidImage},
                      CodeRow{FetchReason::UnsupportedScheme, 0, "unsupported_scheme", kInvalidImage},
                      CodeRow{FetchReason::PrivateAddress, 0, "private_address", kInvalidImage},
                      CodeRow{FetchReason::IpLiteralHost, 0, "ip_literal_host", kDownloadError},
                      CodeRow{FetchReason::DnsFailure, 0, "dns_failure", kDownloadError},
                      CodeRow{FetchReason::ConnectFailed, 0, "connect_failed", kDownloadError},
                      CodeRow{FetchReason::Timeout, 0, "timeout", kDownloadError},
                      CodeRow{FetchReason::Reset, 0, "reset", kDownloadError},
                      CodeRow{FetchReason::PartialBody, 0, "partial_body", kDownloadError},
                      CodeRow{FetchReason::TlsError, 0, "tls_error", kDownloadError},
                      CodeRow{FetchReason::HttpStatus, 404, "http_404", kDownloadError},
                      CodeRow{FetchReason::HttpStatus, 503, "http_503", kDownloadError},
                      CodeRow{FetchReason::TooManyRedirects, 0, "too_many_redirects", kDownloadError},
                      CodeRow{FetchReason::TooLarge, 0, "too_large",
                              "InvalidParameterValue.InvalidFileContentSize"}));

}  // namespace
}  // namespace preflight
