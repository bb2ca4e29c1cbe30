#include "pipeline/local_input.h"

#include <chrono>

#include "fetch/local_file.h"

namespace preflight {

Verdict check_local_input(const InputEntry& entry, std::uint64_t seq, const Checker& checker) {
  if (entry.error_reason)
    return error_verdict(seq, entry.path, *entry.error_reason, entry.error_message.value_or(""));
  const CheckRequest request{seq, entry.path, InputMode::Url};
  const auto read_start = std::chrono::steady_clock::now();
  const LocalFile file = read_local_file(entry.path, checker.profile().max_url_bytes);
  const auto read_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - read_start)
          .count();
  if (file.error_reason)
    return error_verdict(seq, entry.path, *file.error_reason, file.error_message.value_or(""));
  Verdict verdict = file.read ? checker.check(file.bytes, request) : *checker.check_size(file.size, request);
  verdict.timing.fetch_us = static_cast<std::uint64_t>(read_us);
  return verdict;
}

}  // namespace preflight
