#pragma once

#include <cstdint>
#include <optional>

#include "decoders/byte_view.h"

namespace preflight {

// The frame count of a well-formed GIF, found by hopping over its blocks by their lengths: no copy, no
// decoding. nullopt when the walk meets anything giflib might judge (a cut-short file, an unknown record, an
// LZW code size over 8, no frame, more than `max_frames` frames): the caller then walks with giflib, whose
// verdict and message stand.
std::optional<std::uint32_t> count_gif_frames(ByteView gif, std::uint32_t max_frames);

}  // namespace preflight
