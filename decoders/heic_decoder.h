#pragma once

#include "decoders/decoder.h"

namespace preflight {

const Decoder& heic_decoder();

}  // namespace preflight
