#pragma once

#include "decoders/byte_view.h"

namespace preflight {

// A fast proof that a sequential Huffman JPEG's entropy-coded data is whole: one scan holding every
// component, every MCU made of valid Huffman codes, restart markers in order, no byte left over, then EOI.
// It walks the codes without computing coefficients, so it costs a fraction of a decode.
//
// true means libjpeg would decode the file without a warning or an error past its header (which the
// caller has already read with libjpeg). false means "not proven": damage, or a layout this walker leaves
// to libjpeg (progressive, arithmetic, 12-bit, several scans, default Huffman tables, unusual sampling);
// the caller then decodes with libjpeg, whose verdict and message stand.
bool proves_sequential_entropy_data(ByteView jpeg);

}  // namespace preflight
