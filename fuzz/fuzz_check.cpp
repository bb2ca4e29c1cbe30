// Covers Checker::check(): sniffing, every decoder's probe, the rules and the sampled-frame decode
// (tencent-ims profile, URL mode), then the record's JSON line and reading it back (--resume, merge).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "pipeline/checker.h"
#include "pipeline/verdict_json.h"

namespace {

[[noreturn]] void violated(const char* what, const std::string& record) {
  std::fprintf(stderr, "fuzz_check: invariant violated: %s\nrecord: %s\n", what, record.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Half of libFuzzer's -timeout=10, so a slow input ends as a decode_timeout record rather than a hang.
  static const preflight::Checker checker(preflight::load_profile("tencent-ims"),
                                          {.decode_timeout = std::chrono::seconds(5)});
  const preflight::Verdict verdict = checker.check({data, size}, {.seq = 0, .input = "fuzz"});
  const std::string line = preflight::verdict_to_json_line(verdict);
  const preflight::Profile& profile = checker.profile();
  switch (verdict.outcome) {
    case preflight::Outcome::Accepted: {
      if (verdict.code != "OK" || !verdict.format || !verdict.width || !verdict.height)
        violated("accepted without code OK, format and dimensions", line);
      const std::uint64_t width = *verdict.width, height = *verdict.height;
      if (width < profile.min_width || width > profile.max_width || height < profile.min_height ||
          height > profile.max_height)
        violated("accepted dimensions outside the profile's limits", line);
      if (std::max(width, height) >= std::uint64_t{profile.aspect_ratio_limit} * std::min(width, height))
        violated("accepted aspect ratio not below the profile's limit", line);
      break;
    }
    case preflight::Outcome::Rejected:
      if (verdict.code.empty() || verdict.code == "OK" || !verdict.reason)
        violated("rejected without an error code and a reason", line);
      break;
    case preflight::Outcome::Error:  // bytes always get a judgement, unless they take too long
      if (verdict.reason != "decode_timeout")
        violated("check() returned an error record (an exception escaped a stage)", line);
      break;
  }
  if (preflight::verdict_to_json_line(preflight::verdict_from_json(line)) != line)
    violated("the record does not read back as itself", line);
  return 0;
}
