#include "pipeline/downloaded_input.h"

#include "pipeline/fetch_verdict.h"

namespace preflight {
namespace {

constexpr const char* kRedirectedWarning = "redirected";  // SPEC §5: redirected links may fail

void record_fetch(Verdict& verdict, const DownloadResult& result) {
  std::uint64_t total_us = 0;
  verdict.timing.fetch_attempts_us.clear();
  for (const std::int64_t attempt : result.attempt_us) {
    const auto us = static_cast<std::uint64_t>(attempt < 0 ? 0 : attempt);
    verdict.timing.fetch_attempts_us.push_back(us);
    total_us += us;
  }
  verdict.timing.fetch_us = total_us;
  if (result.redirected) verdict.warnings.emplace_back(kRedirectedWarning);
}

}  // namespace

std::optional<Verdict> check_downloaded_input(const DownloadResult& result, const CheckRequest& request,
                                              const Checker& checker) {
  if (result.status == DownloadStatus::Cancelled) return std::nullopt;
  Verdict verdict = result.status == DownloadStatus::Ok
                        ? checker.check(result.bytes, request)
                        : fetch_failure_verdict(request, *result.failure, result.attempt_us);
  record_fetch(verdict, result);
  return verdict;
}

}  // namespace preflight
