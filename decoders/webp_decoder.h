#pragma once

#include "decoders/decoder.h"

namespace preflight {

const Decoder& webp_decoder();

}  // namespace preflight
