#pragma once

#include "decoders/decoder.h"
#include "decoders/format.h"

namespace preflight {

// The one list of formats and their decoders. Each decoder is a stateless singleton shared by all threads.
const Decoder& decoder_for(Format format);

}  // namespace preflight
