#pragma once

#include "decoders/byte_view.h"
#include "decoders/decode_limits.h"

namespace preflight {

// A fast proof that a PNG is whole, without producing pixels: every chunk intact (CRC), the image data one
// zlib stream that inflates without error (Adler-32 included) to exactly the scanlines IHDR declares, every
// scanline's filter type valid, IEND last. The inflated bytes pass through a small reused buffer and are
// never unfiltered, so it costs little more than the inflate.
//
// true means libspng (every CRC error fatal, the decoder's image and chunk limits) decodes the image and
// reads its chunks through IEND without an error. false means "not proven": damage, or anything this check
// leaves to libspng (APNG, unknown critical chunks, unusual chunk order, bytes after IEND, sizes near the
// limits); the caller then decodes with libspng, whose verdict and message stand.
bool proves_png_data(ByteView png, const DecodeLimits& limits);

}  // namespace preflight
