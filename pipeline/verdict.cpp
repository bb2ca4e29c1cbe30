#include "pipeline/verdict.h"

namespace preflight {

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::Accepted:
      return "accepted";
    case Outcome::Rejected:
      return "rejected";
    case Outcome::Error:
      return "error";
  }
  return "error";
}

Verdict new_verdict(std::uint64_t seq, std::string input, InputMode mode) {
  Verdict verdict;
  verdict.seq = seq;
  verdict.input = std::move(input);
  verdict.mode = mode;
  return verdict;
}

Verdict error_verdict(std::uint64_t seq, std::string input, std::string reason, std::string message) {
  Verdict verdict = new_verdict(seq, std::move(input), InputMode::Url);
  verdict.outcome = Outcome::Error;
  verdict.code = "Error";
  verdict.reason = std::move(reason);
  verdict.message = std::move(message);
  return verdict;
}

}  // namespace preflight
