#include "decoders/sniff.h"

#include <gtest/gtest.h>

#include <string>

namespace preflight {
namespace {

using namespace std::string_literals;

struct SniffCase {
  std::string bytes;
  std::optional<Format> format;
  std::string unsupported_name;
};

std::string ftyp(std::string major, std::string compatible) {
  const std::string body = major + "\0\0\0\0"s + compatible;
  const char size = static_cast<char>(8 + body.size());
  return "\0\0\0"s + size + "ftyp" + body + "\0\0\0\x08meta"s;
}

std::string tiff_with_make(std::string make) {
  // II*\0, IFD at 8: one entry, tag 271 (Make), ASCII, count, offset 26.
  std::string file = "II*\0\x08\0\0\0\x01\0\x0F\x01\x02\0"s;
  file += static_cast<char>(make.size() + 1);
  file += "\0\0\0\x1A\0\0\0\0\0\0\0"s;
  return file + make + "\0"s;
}

class SniffTable : public ::testing::TestWithParam<SniffCase> {};

TEST_P(SniffTable, RecognisesContent) {
  const SniffCase& c = GetParam();
  const SniffResult result = sniff(as_bytes(c.bytes));
  EXPECT_EQ(result.format, c.format);
  EXPECT_EQ(result.unsupported_name, c.unsupported_name);
}

INSTANTIATE_TEST_SUITE_P(
    Signatures, SniffTable,
    ::testing::Values(
        SniffCase{"\xFF\xD8\xFF\xE0rest"s, Format::Jpeg, ""},
        SniffCase{"\x89PNG\r\n\x1A\nrest"s, Format::Png, ""},
        SniffCase{"\x8BJNG\r\n\x1A\nrest"s, Format::Jng, ""},
        SniffCase{"\x8AMNG\r\n\x1A\nrest"s, std::nullopt, "mng"}, SniffCase{"GIF89a...."s, Format::Gif, ""},
        SniffCase{"GIF87a...."s, Format::Gif, ""}, SniffCase{"RIFF\x10\0\0\0WEBPVP8 "s, Format::Webp, ""},
        SniffCase{"RIFF\x10\0\0\0AVI LIST"s, std::nullopt, "video"},
        SniffCase{"BM\0\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0"s, Format::Bmp, ""},
        SniffCase{"BM is not enough of a bitmap"s, std::nullopt, "text"},
        SniffCase{"\0\0\x01\0\x01\0\x10\x10"s, Format::Ico, ""},
        SniffCase{"\0\0\x02\0\x01\0\x10\x10"s, std::nullopt, "cur"},
        SniffCase{"II*\0\x08\0\0\0\0\0"s, Format::Tiff, ""},
        SniffCase{"MM\0*\0\0\0\x08\0\0"s, Format::Tiff, ""},
        SniffCase{tiff_with_make("NIKON CORPORATION"), Format::Raw, ""},
        SniffCase{tiff_with_make("Eastman Kodak Company"), Format::Raw, ""},
        SniffCase{tiff_with_make("Acme Scanner"), Format::Tiff, ""},
        SniffCase{"II*\0\x10\0\0\0CR\x02\0\0\0\0\0"s, Format::Raw, ""},
        SniffCase{"II\x1A\0\0\0HEAPCCDR"s, Format::Raw, ""},
        SniffCase{"II\x0F\0\0\0HEAPCCDR"s, Format::Raw, ""},
        SniffCase{"FUJIFILMCCD-RAW 0201"s, Format::Raw, ""},
        SniffCase{ftyp("heic", "mif1heic"), Format::Heic, ""},
        SniffCase{ftyp("mif1", "mif1miafMA1B"), Format::Heic, ""},
        SniffCase{ftyp("mif1", "avifmif1miaf"), Format::Avif, ""},
        SniffCase{ftyp("avis", "avismsf1"), Format::Avif, ""},
        SniffCase{ftyp("crx ", "crx isom"), Format::Raw, ""},
        SniffCase{ftyp("isom", "isomavc1mp41"), std::nullopt, "video"},
        SniffCase{ftyp("jxl ", "jxl "), std::nullopt, "jpeg_xl"},
        SniffCase{"\xFF\x0A\xFA\x7F"s, std::nullopt, "jpeg_xl"},
        SniffCase{"\0\0\0\x0CjP  \r\n\x87\n\0\0"s, std::nullopt, "jpeg2000"},
        SniffCase{"%PDF-1.7\n"s, std::nullopt, "pdf"}, SniffCase{"8BPS\0\x01"s, std::nullopt, "psd"},
        SniffCase{"\x76\x2F\x31\x01\x02\0"s, std::nullopt, "exr"},
        SniffCase{"<svg xmlns='http://www.w3.org/2000/svg'/>"s, Format::Svg, ""},
        SniffCase{
            "\xEF\xBB\xBF<?xml version='1.0'?>\n<!-- c -->\n<!DOCTYPE svg [ <!ENTITY a 'b>'> ]>\n<svg/>"s,
            Format::Svg, ""},
        SniffCase{"<!DOCTYPE html><html></html>"s, std::nullopt, "html"},
        SniffCase{"just some words\n"s, std::nullopt, "text"},
        SniffCase{"\x01\x02\x03\x04\x05"s, std::nullopt, "unknown"}));

TEST(Sniff, GzipCompressedSvgIsSvg) {
  // gzip of "<svg/>" (produced by `printf '<svg/>' | gzip -9n`).
  const std::string svgz =
      "\x1F\x8B\x08\x00\x00\x00\x00\x00\x02\x03\xB3\x29\x2E\x4B\xD7\xB7\x03\x00\x49\xFB\xB9\xAC\x06\x00\x00\x00"s;
  EXPECT_EQ(sniff(as_bytes(svgz)).format, Format::Svg);
}

TEST(Sniff, TruncatedSignaturesAreNotMisread) {
  EXPECT_EQ(sniff(as_bytes("\xFF\xD8"s)).unsupported_name, "unknown");
  EXPECT_EQ(sniff(as_bytes("RIFF\x10\0"s)).unsupported_name, "unknown");
  EXPECT_EQ(sniff(as_bytes("\0\0\0\x18"
                           "ftyp"s))
                .unsupported_name,
            "unknown");
}

}  // namespace
}  // namespace preflight
