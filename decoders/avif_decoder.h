#pragma once

#include "decoders/decoder.h"

namespace preflight {

const Decoder& avif_decoder();

}  // namespace preflight
