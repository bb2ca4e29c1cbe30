#pragma once

#include "decoders/decoder.h"

namespace preflight {

// GIF through giflib: the probe counts frames by walking records without LZW decoding; decoding LZW-decodes
// only the requested frames and stops after the last of them.
const Decoder& gif_decoder();

}  // namespace preflight
