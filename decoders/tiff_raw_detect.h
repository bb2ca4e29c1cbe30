#pragma once

#include "decoders/byte_view.h"

namespace preflight {

// True when a TIFF-structured file is a camera RAW (DNG, CR2, NEF, ARW, PEF, SRW, KDC, ...): a DNGVersion
// tag, Canon's "CR" marker, or a camera maker's name in the Make tag of IFD0.
bool tiff_is_camera_raw(ByteView bytes);

}  // namespace preflight
