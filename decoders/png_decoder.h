#pragma once

#include "decoders/decoder.h"

namespace preflight {

// PNG (APNG: its default image) through libspng: the probe reads IHDR and the chunks before the image data;
// decoding inflates every scanline and reads every chunk through IEND, failing on any bad CRC.
const Decoder& png_decoder();

}  // namespace preflight
