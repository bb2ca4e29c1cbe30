#pragma once

#include "decoders/decoder.h"

namespace preflight {

// BMP, ICO and JNG, decoded by MagickCore with the coder forced per format (never sniffed by ImageMagick).
// Any ImageMagick warning (a truncated row, "premature end of JPEG file") fails the decode.
const Decoder& bmp_decoder();
const Decoder& ico_decoder();
const Decoder& jng_decoder();

}  // namespace preflight
