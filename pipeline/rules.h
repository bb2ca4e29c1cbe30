#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "decoders/image_header.h"
#include "decoders/sniff.h"
#include "pipeline/input_mode.h"
#include "pipeline/profile.h"
#include "pipeline/reason.h"

namespace preflight {

// The rules of SPEC §2 as pure functions, cheapest first. Each returns the first broken rule, if any.

// Length of the base64 text of `bytes` bytes (what an inline request carries).
std::uint64_t base64_length(std::uint64_t bytes);

// R1–R4: emptiness, minimum size, the URL size cap (url mode) or the request size cap (inline mode).
std::optional<Rejection> check_byte_rules(std::uint64_t bytes, InputMode mode, const Profile& profile);

// Whether the file would also pass R4 if sent inline.
bool passes_inline_size(std::uint64_t bytes, const Profile& profile);

// R5: a recognised format that the profile accepts.
std::optional<Rejection> check_format(const SniffResult& sniffed, const Profile& profile);

// R6–R8: minimum and maximum width/height, aspect ratio.
std::optional<Rejection> check_dimensions(const ImageHeader& header, const Profile& profile);

// A format note known as soon as the header is probed: "animation_ignored" for an AVIF sequence.
std::optional<std::string> format_warning(const ImageHeader& header);

// W1: "low_resolution" below the profile's recommended size (still accepted).
std::optional<std::string> resolution_warning(const ImageHeader& header, const Profile& profile);

}  // namespace preflight
