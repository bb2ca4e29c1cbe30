#pragma once

#include "decoders/decoder.h"

namespace preflight {

const Decoder& tiff_decoder();

}  // namespace preflight
