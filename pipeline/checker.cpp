#include "pipeline/checker.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <chrono>
#include <stdexcept>

#include "decoders/registry.h"
#include "decoders/sniff.h"
#include "pipeline/frame_sampling.h"
#include "pipeline/rules.h"
#include "pipeline/sha256.h"

namespace preflight {
namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t micros_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
}

Verdict start_verdict(const CheckRequest& request, std::uint64_t bytes) {
  Verdict verdict = new_verdict(request.seq, request.input, request.mode);
  verdict.bytes = bytes;
  return verdict;
}

Verdict& reject(Verdict& verdict, const Rejection& rejection) {
  verdict.outcome = Outcome::Rejected;
  verdict.code = reason_code(rejection.reason);
  verdict.reason = rejection.reason_text();
  if (!rejection.message.empty()) verdict.message = rejection.message;
  return verdict;
}

Rejection decode_rejection(const DecodeFailure& failure) {
  return Rejection{Reason::DecodeFailed, failure.detail.empty() ? "unknown" : failure.detail,
                   failure.message};
}

// Decoders probe under generous default limits, so a bomb's real dimensions reach R7 and are reported as
// such; decoding only happens after R6–R8 passed, under the profile's own limits.
const DecodeLimits kProbeLimits{};

DecodeLimits decode_limits_for(const Profile& profile) {
  DecodeLimits limits;
  limits.max_width = profile.max_width;
  limits.max_height = profile.max_height;
  limits.max_pixels = std::uint64_t{profile.max_width} * profile.max_height;
  return limits;
}

}  // namespace

Checker::Checker(Profile profile, CheckOptions options)
    : profile_(std::move(profile)),
      frame_interval_(options.frame_interval.value_or(profile_.frame_interval)),
      max_frames_(options.max_frames.value_or(profile_.max_frames)),
      decode_scope_(options.decode_scope),
      content_hash_(options.content_hash),
      decode_timeout_(options.decode_timeout),
      decode_limits_(decode_limits_for(profile_)) {
  if (max_frames_ < 1) throw std::invalid_argument("max_frames must be at least 1");
  if (decode_timeout_.count() < 0) throw std::invalid_argument("decode_timeout must not be negative");
}

DecodeLimits Checker::limits_until_deadline() const {
  DecodeLimits limits = decode_limits_;
  if (decode_timeout_.count() > 0) limits.deadline = Deadline::after(decode_timeout_);
  return limits;
}

Verdict& Checker::give_up(Verdict& verdict) const {
  verdict.outcome = Outcome::Error;
  verdict.code = "Error";
  verdict.reason = "decode_timeout";
  verdict.message = fmt::format("probing and decoding took longer than the {} ms limit (--decode-timeout)",
                                decode_timeout_.count());
  verdict.billable_units = 0;
  return verdict;
}

std::optional<Verdict> Checker::check_size(std::uint64_t bytes, const CheckRequest& request) const {
  const auto rejection = check_byte_rules(bytes, request.mode, profile_);
  if (!rejection) return std::nullopt;
  Verdict verdict = start_verdict(request, bytes);
  verdict.inline_ok = bytes > 0 && passes_inline_size(bytes, profile_);
  return reject(verdict, *rejection);
}

void Checker::record_header(Verdict& verdict, const ImageHeader& header) const {
  verdict.width = header.width;
  verdict.height = header.height;
  verdict.frames_total = header.frames_total;
  verdict.frames_sampled = format_is_sampled_animation(header.format)
                               ? sample_frames(header.frames_total, frame_interval_, max_frames_)
                               : std::vector<std::uint32_t>{header.primary_frame};
  if (auto warning = format_warning(header)) verdict.warnings.push_back(*warning);
}

Verdict Checker::check(ByteView bytes, const CheckRequest& request) const {
  if (auto by_size = check_size(bytes.size(), request)) return *by_size;
  Verdict verdict = start_verdict(request, bytes.size());
  const DecodeLimits limits = limits_until_deadline();
  try {
    verdict.inline_ok = passes_inline_size(bytes.size(), profile_);
    if (content_hash_) verdict.sha256 = sha256_hex(bytes);
    const auto probe_start = Clock::now();
    const SniffResult sniffed = sniff(bytes);
    if (auto rejection = check_format(sniffed, profile_)) {
      verdict.timing.probe_us = micros_since(probe_start);
      return reject(verdict, *rejection);
    }
    verdict.format = sniffed.format;
    const Decoder& decoder = decoder_for(*sniffed.format);
    const DecodeResult<ImageHeader> probed = decoder.probe(bytes, kProbeLimits);
    verdict.timing.probe_us = micros_since(probe_start);
    if (!probed.ok()) return reject(verdict, decode_rejection(probed.failure()));
    const ImageHeader& header = probed.value();
    record_header(verdict, header);
    if (limits.deadline.expired()) return give_up(verdict);
    if (auto rejection = check_dimensions(header, profile_)) return reject(verdict, *rejection);
    if (auto warning = resolution_warning(header, profile_)) verdict.warnings.push_back(*warning);
    if (header.defect) return reject(verdict, Rejection{Reason::DecodeFailed, *header.defect, {}});

    const auto decode_start = Clock::now();
    const auto indices = decode_scope_ == DecodeScope::All
                             ? sample_frames(header.frames_total, 1, header.frames_total)
                             : *verdict.frames_sampled;
    const DecodeStatus decoded = decoder.decode_frames(bytes, header, indices, limits);
    verdict.timing.decode_us = micros_since(decode_start);
    // Damage found is a verdict however long it took; a decode that stopped at the deadline, or finished
    // after it (one library call with no hook to stop it), is not.
    const bool damaged = !decoded.ok() && decoded.failure().detail != kTimeoutDetail;
    if (damaged) return reject(verdict, decode_rejection(decoded.failure()));
    if (!decoded.ok() || limits.deadline.expired()) return give_up(verdict);

    verdict.outcome = Outcome::Accepted;
    verdict.code = kCodeOk;
    verdict.billable_units = 1;
    return verdict;
  } catch (const std::exception& error) {
    return error_verdict(request.seq, request.input, "internal_error", error.what());
  }
}

Verdict Checker::check_base64(std::string_view base64, const CheckRequest& request) const {
  CheckRequest inline_request = request;
  inline_request.mode = InputMode::Inline;
  if (base64.empty()) return check({}, inline_request);
  if (base64.size() > profile_.max_inline_base64_bytes) {
    // R4 is judged on the request body: reject before decoding an oversized payload.
    const std::uint64_t approx_bytes = base64.size() / 4 * 3;
    if (auto by_size = check_size(approx_bytes, inline_request)) return *by_size;
  }
  std::string decoded(base64.size() / 4 * 3 + 3, '\0');
  const int length = base64.size() % 4 == 0
                         ? EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                           reinterpret_cast<const unsigned char*>(base64.data()),
                                           static_cast<int>(base64.size()))
                         : -1;
  if (length < 0) {
    Verdict verdict = start_verdict(inline_request, 0);
    verdict.bytes.reset();
    return reject(verdict, Rejection{Reason::InvalidBase64, {}, "the content is not valid base64"});
  }
  // EVP_DecodeBlock counts '=' padding as zero bytes: drop them.
  std::size_t padding = 0;
  for (auto it = base64.rbegin(); it != base64.rend() && *it == '=' && padding < 2; ++it) ++padding;
  decoded.resize(static_cast<std::size_t>(length) - padding);
  return check(as_bytes(decoded), inline_request);
}

}  // namespace preflight
