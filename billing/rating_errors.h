#pragma once

#include <stdexcept>

namespace preflight::billing {

// The event itself is wrong (a service name that is not in SPEC §8, a face.group event without an
// action): like a malformed line, it may be skipped (--skip-bad).
class BadEventError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The event is valid but the chosen plan does not price its service: the wrong plan was chosen, so no
// invoice can be right and the event is never skipped.
class UnpricedServiceError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace preflight::billing
