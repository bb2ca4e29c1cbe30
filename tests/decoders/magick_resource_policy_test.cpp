// Debian's /etc/ImageMagick-6/policy.xml caps ImageMagick at 256 MiB, below what the largest image the
// service accepts needs; the decoder's own policy must lift that cap.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "decoders/magick_decoder.h"

namespace preflight {
namespace {

void put_le(std::string& out, std::uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
}

// A 1-bit-per-pixel BMP (BITMAPINFOHEADER, two-colour palette) with alternating stripes.
std::string one_bit_bmp(std::uint32_t side) {
  const std::uint32_t row_bytes = (side + 31) / 32 * 4;
  const std::uint32_t pixel_offset = 14 + 40 + 8;
  std::string bmp = "BM";
  put_le(bmp, pixel_offset + row_bytes * side, 4);
  put_le(bmp, 0, 4);
  put_le(bmp, pixel_offset, 4);
  for (std::uint32_t field : {40u, side, side}) put_le(bmp, field, 4);
  put_le(bmp, 1, 2);                              // planes
  put_le(bmp, 1, 2);                              // bits per pixel
  for (int i = 0; i < 6; ++i) put_le(bmp, 0, 4);  // no compression, sizes, resolution, palette counts
  bmp += std::string("\x00\x00\x00\x00\xFF\xFF\xFF\x00", 8);
  const std::string row(row_bytes, '\x55');
  for (std::uint32_t y = 0; y < side; ++y) bmp += row;
  return bmp;
}

TEST(MagickResourcePolicy, LargestAcceptedBmpDecodesDespiteTheSystemPolicyCap) {
  const std::string bmp = one_bit_bmp(9999);
  ASSERT_LT(bmp.size(), 30u << 20) << "must be a file the service accepts by size";
  const ByteView bytes = as_bytes(bmp);
  const DecodeLimits limits;
  const auto header = bmp_decoder().probe(bytes, limits);
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().width, 9999u);
  const std::vector<std::uint32_t> first = {0};
  const DecodeStatus decoded = bmp_decoder().decode_frames(bytes, header.value(), first, limits);
  EXPECT_TRUE(decoded.ok()) << decoded.failure().detail << ": " << decoded.failure().message;
}

}  // namespace
}  // namespace preflight
