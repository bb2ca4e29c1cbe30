#pragma once

#include <string>
#include <string_view>

namespace preflight {

// Why an input is not accepted. Each reason maps to exactly one service error code (SPEC §2, §5, §9).
enum class Reason {
  InvalidBase64,        // R0
  EmptyContent,         // R1
  DataTooSmall,         // R2
  TooLarge,             // R3 (and downloads over the cap)
  RequestTooLarge,      // R4
  UnsupportedFormat,    // R5
  DimensionsTooSmall,   // R6
  DimensionsTooLarge,   // R7
  AspectRatioTooLarge,  // R8
  DecodeFailed,         // R9
  InvalidDataId,        // the DataId a URL list line carries (SPEC §9)
};

// The record's `reason` word ("decode_failed", "unsupported_format", ...).
std::string_view reason_name(Reason reason);

// The service's error code for a reason ("InvalidParameterValue.InvalidImageContent", ...).
std::string_view reason_code(Reason reason);

inline constexpr std::string_view kCodeOk = "OK";

// A failed rule: the reason, an optional machine-readable detail appended as `reason:detail`
// ("unsupported_format:pdf", "decode_failed:truncated") and a sentence for humans.
struct Rejection {
  Reason reason;
  std::string detail;
  std::string message;

  std::string reason_text() const;
};

}  // namespace preflight
