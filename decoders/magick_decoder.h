#pragma once

#include "decoders/decoder.h"

namespace preflight {

const Decoder& bmp_decoder();
const Decoder& ico_decoder();
const Decoder& jng_decoder();

}  // namespace preflight
