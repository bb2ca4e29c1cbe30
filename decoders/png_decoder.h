#pragma once

#include "decoders/decoder.h"

namespace preflight {

const Decoder& png_decoder();

}  // namespace preflight
