#pragma once

#include "decoders/decoder.h"

namespace preflight {

const Decoder& svg_decoder();

}  // namespace preflight
