#pragma once

#include <chrono>

#include "decoders/decode_result.h"

namespace preflight {

// The wall-clock time by which one input's check must be over. Decoders poll it between input slices,
// rows, strips and frames, and give up with timeout_failure() once it has passed. A single library call
// that offers no hook (one HEIC, AVIF or WebP frame, a RAW unpack, an SVG render) runs to its end: the
// profile's pixel limits bound how long that takes.
class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  Deadline() = default;  // never expires
  static Deadline after(Clock::duration budget) { return Deadline(Clock::now() + budget); }

  bool expired() const { return at_ != Clock::time_point::max() && Clock::now() >= at_; }

 private:
  explicit Deadline(Clock::time_point at) : at_(at) {}
  Clock::time_point at_ = Clock::time_point::max();
};

// The failure a decoder returns when the deadline passed; the checker turns it into `decode_timeout`.
inline constexpr const char* kTimeoutDetail = "timeout";
inline DecodeFailure timeout_failure() {
  return decode_failure(kTimeoutDetail, "gave up: the per-input time limit passed while decoding");
}

}  // namespace preflight
