#pragma once

#include <cstdint>
#include <new>
#include <optional>
#include <span>
#include <string>

#include "decoders/decode_result.h"
#include "decoders/image_header.h"

namespace preflight {

// "frame_3:" for a file of several frames, "" for a still: a still's record reads decode_failed:<detail>.
std::string frame_prefix(const ImageHeader& header, std::uint32_t index);

// `failure` with its detail prefixed by the frame it happened in (see frame_prefix).
DecodeFailure for_frame(std::uint32_t index, const ImageHeader& header, DecodeFailure failure);

// For a format checked on one frame: a failure when `indices` asks for anything but frame 0.
std::optional<DecodeFailure> beyond_first_frame(std::span<const std::uint32_t> indices, std::string message);

// Runs a decode step; a buffer it cannot allocate becomes the failure "out_of_memory" with `message`.
template <typename Decode>
DecodeStatus with_allocation_failure(Decode&& decode, const char* message) {
  try {
    return decode();
  } catch (const std::bad_alloc&) {
    return decode_failure("out_of_memory", message);
  }
}

}  // namespace preflight
