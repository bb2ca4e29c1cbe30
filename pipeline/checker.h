#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "decoders/byte_view.h"
#include "decoders/decode_limits.h"
#include "decoders/image_header.h"
#include "pipeline/input_mode.h"
#include "pipeline/profile.h"
#include "pipeline/verdict.h"

namespace preflight {

// Which frames R9 decodes: the ones the service samples, or every frame (`--decode all`).
enum class DecodeScope { Sampled, All };

// Long enough for the slowest valid image within the profiles' limits (a 9999x9999 HEIC takes about 3 s on
// one core here), short enough that a hostile one cannot hold a worker for long.
inline constexpr std::chrono::milliseconds kDefaultDecodeTimeout{10'000};

// Run options that override the profile (CLI --interval, --max-frames, --decode).
struct CheckOptions {
  std::optional<std::uint32_t> frame_interval;
  std::optional<std::uint32_t> max_frames;
  DecodeScope decode_scope = DecodeScope::Sampled;
  // The record's sha256 (which billable events and --dedupe need). An embedding service that only wants
  // verdicts can turn it off: hashing costs about as much as validating an uncompressed image.
  bool content_hash = true;
  // Wall time one input's probe and decode may take (fetching is not counted). Past it the decoders stop
  // at their next row, strip, slice or frame and the record is an error with reason `decode_timeout`.
  // Zero means no limit.
  std::chrono::milliseconds decode_timeout = kDefaultDecodeTimeout;
};

// What the caller knows about an input besides its bytes.
struct CheckRequest {
  std::uint64_t seq = 0;
  std::string input;  // file path, URL or a caller's name for the bytes
  InputMode mode = InputMode::Url;
};

// The library entry point for upload services: construct once from a profile, then call check() from any
// number of threads. It holds only immutable configuration: no state passes from one call to the next.
class Checker {
 public:
  // Throws std::invalid_argument if an override is out of range (max_frames must be >= 1).
  explicit Checker(Profile profile, CheckOptions options = {});

  // Applies R1–R9 and W1 to `bytes`, cheapest first, and returns the verdict. Never throws: an internal
  // failure becomes a record with outcome Error.
  Verdict check(ByteView bytes, const CheckRequest& request) const;

  // Inline content as the API receives it: R0 (base64 must decode), then check() in inline mode.
  Verdict check_base64(std::string_view base64, const CheckRequest& request) const;

  // The verdict when the size alone decides (R1–R4), so oversized content need not be read at all.
  std::optional<Verdict> check_size(std::uint64_t bytes, const CheckRequest& request) const;

  const Profile& profile() const { return profile_; }
  std::uint32_t frame_interval() const { return frame_interval_; }
  std::uint32_t max_frames() const { return max_frames_; }

 private:
  // What the probe learned, into the record: dimensions, frames, the frames the service samples.
  void record_header(Verdict& verdict, const ImageHeader& header) const;
  // The decode limits for one input: the profile's, with this call's deadline.
  DecodeLimits limits_until_deadline() const;
  // The record of an input whose check outlived decode_timeout.
  Verdict& give_up(Verdict& verdict) const;

  Profile profile_;
  std::uint32_t frame_interval_;
  std::uint32_t max_frames_;
  DecodeScope decode_scope_;
  bool content_hash_;
  std::chrono::milliseconds decode_timeout_;
  DecodeLimits decode_limits_;
};

}  // namespace preflight
