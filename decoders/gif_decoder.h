#pragma once

#include "decoders/decoder.h"

namespace preflight {

const Decoder& gif_decoder();

}  // namespace preflight
