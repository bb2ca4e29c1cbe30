#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace preflight::bench {

// A full decode with plain libjpeg defaults, as djpeg does it: JDCT_ISLOW, fancy upsampling, RGB output,
// jpeg_mem_src, every scanline into one reused row buffer. The yardstick for our validation, which reads
// every entropy-coded bit but skips most pixel work. Returns an empty string on success, else libjpeg's
// message (a warning such as "Premature end of JPEG file" counts as failure, as djpeg's exit status says).
std::string decode_jpeg_fully(std::span<const std::uint8_t> bytes, std::vector<unsigned char>& row);

}  // namespace preflight::bench
