#pragma once

#include "decoders/decoder.h"

namespace preflight {

// WebP (still and animated) through libwebp and libwebpdemux: the probe walks the container; decoding
// decodes each requested frame's bitstream on its own, so nothing after the last requested frame is read.
const Decoder& webp_decoder();

}  // namespace preflight
