#pragma once

#include "decoders/decoder.h"

namespace preflight {

// JPEG through libjpeg-turbo: the probe reads the header only. Decoding proves a sequential file's
// entropy-coded data with a Huffman walk (decoders/jpeg_entropy_check.h); any other file, and any file the
// walk cannot prove, is decoded by libjpeg at 1/8 scale (which still reads every entropy-coded bit), with
// libjpeg's corrupt-data warnings (truncation included) treated as failures.
const Decoder& jpeg_decoder();

}  // namespace preflight
