#include "decoders/jpeg_entropy_check.h"

#include <gtest/gtest.h>

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE and size_t declared before it
#include <random>
#include <string>
#include <vector>

#include <jpeglib.h>

#include "decoders/jpeg_decoder.h"
#include "tests/support/raster_samples.h"

namespace preflight {
namespace {

using test::Bytes;

constexpr std::uint32_t kPrimaryFrame[] = {0};

Bytes jpeg_with(test::JpegOptions options, std::uint32_t width = 320, std::uint32_t height = 240) {
  return test::encode_jpeg(test::photo_raster(width, height, 11), options);
}

DecodeStatus probe_and_decode(const Bytes& bytes) {
  const auto header = jpeg_decoder().probe(bytes, {});
  if (!header.ok()) return header.failure();
  return jpeg_decoder().decode_frames(bytes, header.value(), kPrimaryFrame, {});
}

// The reference: a full-size libjpeg decode in which every warning is an error.
struct StrictErrors {
  jpeg_error_mgr manager;  // first member: libjpeg hands the callbacks a pointer to it
  std::jmp_buf jump;
};

[[noreturn]] void strict_exit(j_common_ptr cinfo) {
  std::longjmp(reinterpret_cast<StrictErrors*>(cinfo->err)->jump, 1);
}
void strict_message(j_common_ptr cinfo, int level) {
  if (level < 0) strict_exit(cinfo);
}

bool decode_all_rows(jpeg_decompress_struct& cinfo, StrictErrors& errors, const Bytes& jpeg,
                     std::vector<JSAMPLE>& row) {
  if (setjmp(errors.jump) != 0) return false;
  jpeg_mem_src(&cinfo, jpeg.data(), jpeg.size());
  jpeg_read_header(&cinfo, TRUE);
  jpeg_start_decompress(&cinfo);
  row.resize(std::size_t{cinfo.output_width} * cinfo.output_components);
  JSAMPROW rows[] = {row.data()};
  while (cinfo.output_scanline < cinfo.output_height) jpeg_read_scanlines(&cinfo, rows, 1);
  jpeg_finish_decompress(&cinfo);
  return true;
}

bool libjpeg_decodes_without_warning(const Bytes& jpeg) {
  jpeg_decompress_struct cinfo{};
  StrictErrors errors{};
  cinfo.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = strict_exit;
  errors.manager.emit_message = strict_message;
  jpeg_create_decompress(&cinfo);
  std::vector<JSAMPLE> row;
  const bool ok = decode_all_rows(cinfo, errors, jpeg, row);
  jpeg_destroy_decompress(&cinfo);
  return ok;
}

struct Layout {
  std::string name;
  test::JpegOptions options;
  std::uint32_t width = 320;
  std::uint32_t height = 240;
};

class SequentialLayouts : public ::testing::TestWithParam<Layout> {};

TEST_P(SequentialLayouts, AreProvenAndDecode) {
  const Layout& layout = GetParam();
  const Bytes jpeg = jpeg_with(layout.options, layout.width, layout.height);
  ASSERT_TRUE(libjpeg_decodes_without_warning(jpeg));
  EXPECT_TRUE(proves_sequential_entropy_data(jpeg));
  const DecodeStatus decoded = probe_and_decode(jpeg);
  EXPECT_TRUE(decoded.ok()) << decoded.failure().message;
}

INSTANTIATE_TEST_SUITE_P(JpegEntropyCheck, SequentialLayouts,
                         ::testing::Values(Layout{"yuv420", {}}, Layout{"yuv422", {.luma_h = 2, .luma_v = 1}},
                                           Layout{"yuv440", {.luma_h = 1, .luma_v = 2}},
                                           Layout{"yuv444", {.luma_h = 1, .luma_v = 1}},
                                           Layout{"grayscale", {.grayscale = true}},
                                           Layout{"restart_every_mcu", {.restart_interval = 1}},
                                           Layout{"restart_every_7", {.restart_interval = 7}},
                                           Layout{"optimized_tables", {.optimize_coding = true}},
                                           Layout{"quality_100", {.quality = 100}},
                                           Layout{"odd_size", {}, 333, 77},
                                           Layout{"tall_restarts", {.restart_interval = 3}, 17, 1029},
                                           Layout{"one_pixel", {}, 1, 1}),
                         [](const auto& info) { return info.param.name; });

TEST(JpegEntropyCheck, LeavesProgressiveFilesToLibjpeg) {
  const Bytes jpeg = jpeg_with({.progressive = true});
  EXPECT_FALSE(proves_sequential_entropy_data(jpeg));
  EXPECT_TRUE(probe_and_decode(jpeg).ok());
}

// Motion-JPEG frames leave out the standard Huffman tables and libjpeg supplies them; the walker does not.
TEST(JpegEntropyCheck, LeavesFilesWithoutHuffmanTablesToLibjpeg) {
  Bytes jpeg = jpeg_with({});
  for (std::size_t i = 2; i + 3 < jpeg.size() && jpeg[i + 1] != 0xDA;) {
    const std::size_t length = std::size_t{jpeg[i + 2]} << 8 | jpeg[i + 3];
    if (jpeg[i + 1] == 0xC4) {
      jpeg.erase(jpeg.begin() + static_cast<std::ptrdiff_t>(i),
                 jpeg.begin() + static_cast<std::ptrdiff_t>(i + 2 + length));
    } else {
      i += 2 + length;
    }
  }
  ASSERT_TRUE(libjpeg_decodes_without_warning(jpeg));
  EXPECT_FALSE(proves_sequential_entropy_data(jpeg));
  EXPECT_TRUE(probe_and_decode(jpeg).ok());
}

TEST(JpegEntropyCheck, RestartMarkersOutOfOrderAreNotProvenAndFail) {
  Bytes jpeg = jpeg_with({.restart_interval = 2});
  std::size_t swapped = 0;
  for (std::size_t i = 0; i + 1 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xD3) {
      jpeg[i + 1] = 0xD5;
      ++swapped;
      break;
    }
  }
  ASSERT_EQ(swapped, 1u);
  EXPECT_FALSE(proves_sequential_entropy_data(jpeg));
  EXPECT_FALSE(probe_and_decode(jpeg).ok());
}

// The property the fast path rests on: whatever it proves, libjpeg decodes in full without a warning. Random
// damage of every kind to two files; some mutants must still be proven (flipped magnitude bits go unseen by
// any decoder) and some rejected, or the test proves nothing.
TEST(JpegEntropyCheck, WhatIsProvenLibjpegDecodesWithoutWarning) {
  constexpr int kMutantsPerFile = 1500;
  std::mt19937 random(20261123);
  int proven = 0;
  int rejected = 0;
  for (const Bytes& original : {jpeg_with({.restart_interval = 4}, 96, 64),
                                jpeg_with({.grayscale = true, .optimize_coding = true}, 64, 48)}) {
    for (int m = 0; m < kMutantsPerFile; ++m) {
      Bytes mutant = original;
      const std::size_t at = random() % mutant.size();
      switch (random() % 4) {
        case 0:
          mutant[at] ^= static_cast<std::uint8_t>(1u << (random() % 8));
          break;
        case 1:
          mutant[at] = static_cast<std::uint8_t>(random());
          break;
        case 2:
          mutant.resize(at);
          break;
        default:
          mutant.insert(mutant.begin() + static_cast<std::ptrdiff_t>(at), 1 + random() % 4,
                        static_cast<std::uint8_t>(random()));
      }
      const bool strict_ok = libjpeg_decodes_without_warning(mutant);
      if (proves_sequential_entropy_data(mutant)) {
        ++proven;
        EXPECT_TRUE(strict_ok) << "mutant " << m << " proven but libjpeg warns";
      }
      const DecodeStatus decoded = probe_and_decode(mutant);
      rejected += !decoded.ok();
      if (decoded.ok()) {
        EXPECT_TRUE(strict_ok) << "mutant " << m << " accepted but libjpeg warns";
      }
    }
  }
  EXPECT_GT(proven, 100);
  EXPECT_GT(rejected, 100);
}

}  // namespace
}  // namespace preflight
