#pragma once

#include "decoders/decoder.h"

namespace preflight {

const Decoder& raw_decoder();

}  // namespace preflight
