#pragma once

#include "decoders/byte_view.h"

namespace preflight {

// True when a top-level box of an ISO-BMFF (HEIF, AVIF) file runs past the end of `bytes`: the file was cut
// short. The libraries report such files in their own terms ("No 'meta' box", "Exceeded avifIO's sizeHint").
bool bmff_box_cut_short(ByteView bytes);

}  // namespace preflight
