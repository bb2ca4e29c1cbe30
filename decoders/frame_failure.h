#pragma once

#include <cstdint>
#include <string>

#include "decoders/decode_result.h"
#include "decoders/image_header.h"

namespace preflight {

// "frame_3:" for a file of several frames, "" for a still: a still's record reads decode_failed:<detail>.
std::string frame_prefix(const ImageHeader& header, std::uint32_t index);

// `failure` with its detail prefixed by the frame it happened in (see frame_prefix).
DecodeFailure for_frame(std::uint32_t index, const ImageHeader& header, DecodeFailure failure);

}  // namespace preflight
