#pragma once

#include "decoders/decoder.h"

namespace preflight {

// JPEG through libjpeg-turbo: the probe reads the header only; decoding reads every entropy-coded bit at
// 1/8 scale and treats libjpeg's corrupt-data warnings (truncation included) as failures.
const Decoder& jpeg_decoder();

}  // namespace preflight
