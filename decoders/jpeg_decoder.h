#pragma once

#include "decoders/decoder.h"

namespace preflight {

const Decoder& jpeg_decoder();

}  // namespace preflight
