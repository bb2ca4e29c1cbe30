#pragma once

#include "decoders/decoder.h"

namespace preflight {

// SVG and gzip-compressed SVG through librsvg, sized as libvips 8.14 svgload sizes it at 72 dpi. Nothing
// outside the input's bytes is ever loaded (no base URL: no http:, https: or file: references resolve).
const Decoder& svg_decoder();

}  // namespace preflight
