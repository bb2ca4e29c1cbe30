#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "decoders/format.h"
#include "pipeline/input_mode.h"

namespace preflight {

enum class Outcome { Accepted, Rejected, Error };

std::string_view outcome_name(Outcome outcome);

// Microseconds spent in each stage of one input.
struct StageTimings {
  std::optional<std::uint64_t> fetch_us;         // download or file read
  std::vector<std::uint64_t> fetch_attempts_us;  // a URL's download attempts (SPEC §5: one retry)
  std::uint64_t probe_us = 0;                    // sniff + header probe + rules
  std::uint64_t decode_us = 0;                   // sampled frames
};

// One input's verdict: the SPEC §6 record.
struct Verdict {
  std::uint64_t seq = 0;
  std::string input;
  std::optional<std::string> data_id;  // the DataId a URL list line carries (SPEC §9)
  InputMode mode = InputMode::Url;
  Outcome outcome = Outcome::Error;
  std::string code;                    // service code or "OK"; for Outcome::Error, "Error"
  std::optional<std::string> reason;   // "decode_failed:truncated"
  std::optional<std::string> message;  // a sentence for humans
  std::vector<std::string> warnings;
  std::optional<Format> format;
  std::optional<std::uint32_t> width;
  std::optional<std::uint32_t> height;
  std::optional<std::uint32_t> frames_total;
  std::optional<std::vector<std::uint32_t>> frames_sampled;  // null until the header was probed
  std::optional<std::uint64_t> bytes;
  std::optional<bool> inline_ok;
  std::optional<std::string> sha256;
  std::uint32_t billable_units = 0;
  StageTimings timing;
};

// A fresh record for one input; everything but its identity still to be filled in.
Verdict new_verdict(std::uint64_t seq, std::string input, InputMode mode);

// A record for an input the tool itself could not process (unreadable file, internal error).
Verdict error_verdict(std::uint64_t seq, std::string input, std::string reason, std::string message);

}  // namespace preflight
