// Decompression bombs: the checker must reject or decode them without ever holding their pixels.
#include <gtest/gtest.h>
#include <zlib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/run_command.h"
#include "tests/support/sanitized_build.h"
#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

using nlohmann::json;
using preflight::testing::preflight_binary;
using preflight::testing::run_command;
using preflight::testing::TempDir;

// Far below one 9999×9999 RGBA frame (400 MB); the libraries' own start-up footprint fits well inside.
constexpr long kPeakRssLimitKb = 160 * 1024;

std::string be32(std::uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
          static_cast<char>(value)};
}

std::string png_chunk(const std::string& type, const std::string& data) {
  const std::string body = type + data;
  const auto crc = crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  return be32(static_cast<std::uint32_t>(data.size())) + body + be32(static_cast<std::uint32_t>(crc));
}

// Deflates `rows` rows of (filter byte 0 + zeros) without ever holding them all.
std::string deflate_zero_rows(std::uint32_t rows, std::size_t row_bytes) {
  z_stream stream{};
  deflateInit(&stream, Z_BEST_COMPRESSION);
  const std::string row(row_bytes + 1, '\0');
  std::string out;
  char buffer[1 << 16];
  for (std::uint32_t r = 0; r <= rows; ++r) {
    const bool last = r == rows;
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(row.data()));
    stream.avail_in = last ? 0 : static_cast<uInt>(row.size());
    do {
      stream.next_out = reinterpret_cast<Bytef*>(buffer);
      stream.avail_out = sizeof buffer;
      deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH);
      out.append(buffer, sizeof buffer - stream.avail_out);
    } while (stream.avail_out == 0);
  }
  deflateEnd(&stream);
  return out;
}

std::string rgba_png(std::uint32_t width, std::uint32_t height, const std::string& idat) {
  const std::string ihdr = be32(width) + be32(height) + std::string("\x08\x06\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1A\n", 8) + png_chunk("IHDR", ihdr) + png_chunk("IDAT", idat) +
         png_chunk("IEND", "");
}

json only_record(const std::string& out) {
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  return json::parse(out.substr(0, out.find('\n')));
}

TEST(DecompressionBomb, DeclaredHundredThousandSquareIsRejectedByHeaderAlone) {
  TempDir dir;
  const std::string bomb = rgba_png(100000, 100000, deflate_zero_rows(1, 16));
  ASSERT_LT(bomb.size(), 120u);
  const auto path = dir.write("bomb.png", bomb);
  const auto result = run_command({preflight_binary(), "check", path.string()});
  const json record = only_record(result.out);
  EXPECT_EQ(record["reason"], "dimensions_too_large");
  EXPECT_EQ(record["code"], "InvalidParameterValue.InvalidImageContent");
  EXPECT_EQ(record["width"], 100000);
  EXPECT_EQ(record["timing_us"]["decode"], 0);
  if (preflight::testing::kMemoryFiguresMeaningful) {
    EXPECT_LT(result.peak_rss_kb, kPeakRssLimitKb);
  }
}

TEST(DecompressionBomb, FourHundredMegapixelBytesInAFewHundredKilobytesDecodeInSmallMemory) {
  TempDir dir;
  constexpr std::uint32_t kSide = 9999;
  const std::string bomb = rgba_png(kSide, kSide, deflate_zero_rows(kSide, std::size_t{kSide} * 4));
  ASSERT_LT(bomb.size(), 1u << 20);
  const auto path = dir.write("zlib-bomb.png", bomb);
  const auto result = run_command({preflight_binary(), "check", path.string()});
  const json record = only_record(result.out);
  EXPECT_EQ(record["verdict"], "accepted") << record;
  EXPECT_EQ(record["width"], kSide);
  if (preflight::testing::kMemoryFiguresMeaningful) {
    EXPECT_LT(result.peak_rss_kb, kPeakRssLimitKb) << "decoding must go row by row";
  }
}

}  // namespace
}  // namespace preflight
