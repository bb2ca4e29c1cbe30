#include "decoders/sniff.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <vector>

#include "decoders/bmff_brands.h"
#include "decoders/tiff_raw_detect.h"

namespace preflight {
namespace {

// A magic-number signature; '?' in `pattern` matches any byte (RIFF sizes, ftyp box sizes).
struct Signature {
  std::size_t offset;
  std::string_view pattern;
  std::optional<Format> format;
  std::string_view unsupported_name;
};

using namespace std::string_view_literals;

// Order matters only where one pattern is a prefix of another; TIFF, ISO-BMFF, SVG and gzip are
// handled by the structured checks below.
constexpr Signature kSignatures[] = {
    {0, "\xFF\xD8\xFF"sv, Format::Jpeg, {}},
    {0, "\x89PNG\r\n\x1A\n"sv, Format::Png, {}},
    {0, "\x8BJNG\r\n\x1A\n"sv, Format::Jng, {}},
    {0, "\x8AMNG\r\n\x1A\n"sv, std::nullopt, "mng"},
    {0, "GIF87a"sv, Format::Gif, {}},
    {0, "GIF89a"sv, Format::Gif, {}},
    {0, "RIFF????WEBP"sv, Format::Webp, {}},
    {0, "RIFF????AVI "sv, std::nullopt, "video"},
    {0, "RIFF????WAVE"sv, std::nullopt, "audio"},
    {0, "\x00\x00\x01\x00"sv, Format::Ico, {}},
    {0, "\x00\x00\x02\x00"sv, std::nullopt, "cur"},
    {0, "II????HEAPCCDR"sv, Format::Raw, {}},  // Canon CRW: byte order, header length, CIFF signature
    {0, "MM????HEAPCCDR"sv, Format::Raw, {}},
    {0, "FUJIFILMCCD-RAW"sv, Format::Raw, {}},       // Fuji RAF
    {0, "IIRO\x08\x00\x00\x00"sv, Format::Raw, {}},  // Olympus ORF
    {0, "IIRS\x08\x00\x00\x00"sv, Format::Raw, {}},
    {0, "MMOR\x00\x00\x00\x08"sv, Format::Raw, {}},
    {0, "IIU\x00"sv, Format::Raw, {}},  // Panasonic RW2
    {0, "FOVb"sv, Format::Raw, {}},     // Sigma X3F
    {0, "\x00MRM"sv, Format::Raw, {}},  // Minolta MRW
    {0, "\xFF\x0A"sv, std::nullopt, "jpeg_xl"},
    {0, "\x00\x00\x00\x0CJXL \r\n\x87\n"sv, std::nullopt, "jpeg_xl"},
    {0, "\x00\x00\x00\x0CjP  \r\n\x87\n"sv, std::nullopt, "jpeg2000"},
    {0, "\xFF\x4F\xFF\x51"sv, std::nullopt, "jpeg2000"},
    {0, "%PDF-"sv, std::nullopt, "pdf"},
    {0, "%!PS"sv, std::nullopt, "postscript"},
    {0, "8BPS"sv, std::nullopt, "psd"},
    {0, "\x76\x2F\x31\x01"sv, std::nullopt, "exr"},
    {0, "\x1A\x45\xDF\xA3"sv, std::nullopt, "video"},  // Matroska / WebM
    {0, "FLV\x01"sv, std::nullopt, "video"},
    {0, "qoif"sv, std::nullopt, "qoi"},
    {0, "gimp xcf"sv, std::nullopt, "xcf"},
    {0, "icns"sv, std::nullopt, "icns"},
    {0, "DDS "sv, std::nullopt, "dds"},
    {0, "#?RADIANCE"sv, std::nullopt, "hdr"},
    {0, "PK\x03\x04"sv, std::nullopt, "zip"},
    {0, "\x28\xB5\x2F\xFD"sv, std::nullopt, "zstd"},
    {0, "BZh"sv, std::nullopt, "bzip2"},
    {0,
     "\xFD"
     "7zXZ\x00"sv,
     std::nullopt, "xz"},
};

bool matches(ByteView bytes, const Signature& signature) {
  if (bytes.size() < signature.offset + signature.pattern.size()) return false;
  for (std::size_t i = 0; i < signature.pattern.size(); ++i) {
    const char expected = signature.pattern[i];
    if (expected != '?' && static_cast<char>(bytes[signature.offset + i]) != expected) return false;
  }
  return true;
}

bool starts_with(ByteView bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() && std::memcmp(bytes.data(), prefix.data(), prefix.size()) == 0;
}

// A BMP file header is "BM" followed by a DIB header whose size is one of the documented versions.
bool is_bmp(ByteView bytes) {
  if (!starts_with(bytes, "BM") || bytes.size() < 18) return false;
  const std::uint32_t dib_size =
      bytes[14] | bytes[15] << 8 | bytes[16] << 16 | std::uint32_t{bytes[17]} << 24;
  constexpr std::array<std::uint32_t, 7> kDibSizes = {12, 16, 40, 52, 56, 64, 108};
  return dib_size == 124 || std::find(kDibSizes.begin(), kDibSizes.end(), dib_size) != kDibSizes.end();
}

std::string_view skip_space(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  return first == std::string_view::npos ? std::string_view{} : text.substr(first);
}

// Skips what may precede an SVG root element: a BOM, the XML declaration, comments, processing
// instructions and a DOCTYPE (whose internal subset may hold '>' inside brackets).
bool is_svg_text(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  for (int guard = 0; guard < 256; ++guard) {
    text = skip_space(text);
    if (text.starts_with("<?")) {
      const auto end = text.find("?>");
      if (end == std::string_view::npos) return false;
      text.remove_prefix(end + 2);
    } else if (text.starts_with("<!--")) {
      const auto end = text.find("-->");
      if (end == std::string_view::npos) return false;
      text.remove_prefix(end + 3);
    } else if (text.starts_with("<!DOCTYPE") || text.starts_with("<!doctype")) {
      const auto bracket = text.find('[');
      const auto close = text.find('>');
      if (close == std::string_view::npos) return false;
      if (bracket != std::string_view::npos && bracket < close) {
        const auto subset_end = text.find("]>", bracket);
        if (subset_end == std::string_view::npos) return false;
        text.remove_prefix(subset_end + 2);
      } else {
        text.remove_prefix(close + 1);
      }
    } else {
      return text.starts_with("<svg") || text.starts_with("<svg:svg");
    }
  }
  return false;
}

bool looks_like_html(std::string_view text) {
  text = skip_space(text);
  std::string lowered(text.substr(0, 16));
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lowered.starts_with("<!doctype html") || lowered.starts_with("<html") ||
         lowered.starts_with("<head");
}

// Printable UTF-8 with ordinary whitespace: a text file (a URL list, a log, JSON...).
bool looks_like_text(ByteView bytes) {
  const std::size_t window = std::min<std::size_t>(bytes.size(), 4096);
  for (std::size_t i = 0; i < window; ++i) {
    const std::uint8_t c = bytes[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) return false;
      continue;
    }
    const std::size_t continuation = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : 0;
    if (continuation == 0 || c > 0xF4) return false;
    for (std::size_t k = 1; k <= continuation && i + k < window; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return false;
    }
    i += continuation;
  }
  return window > 0;
}

// Inflates at most kSniffWindow bytes of a gzip stream: enough to see an SVG root, never a bomb.
std::vector<std::uint8_t> inflate_prefix(ByteView bytes) {
  std::vector<std::uint8_t> out(kSniffWindow);
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return {};
  stream.next_in = const_cast<Bytef*>(bytes.data());
  stream.avail_in = static_cast<uInt>(std::min<std::size_t>(bytes.size(), 1u << 30));
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  // What inflated before an error still tells what the content is (a damaged .svgz is still SVG).
  inflate(&stream, Z_SYNC_FLUSH);
  out.resize(out.size() - stream.avail_out);
  inflateEnd(&stream);
  return out;
}

std::string_view as_text(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), std::min(bytes.size(), kSniffWindow)};
}

SniffResult supported(Format format) { return {format, {}}; }
SniffResult unsupported(std::string_view name) { return {std::nullopt, std::string(name)}; }

}  // namespace

SniffResult sniff(ByteView bytes) {
  for (const Signature& signature : kSignatures) {
    if (matches(bytes, signature)) {
      return signature.format ? supported(*signature.format) : unsupported(signature.unsupported_name);
    }
  }
  if (starts_with(bytes, "II*\0"sv) || starts_with(bytes, "MM\0*"sv) || starts_with(bytes, "II+\0"sv) ||
      starts_with(bytes, "MM\0+"sv)) {
    return supported(tiff_is_camera_raw(bytes) ? Format::Raw : Format::Tiff);
  }
  if (auto family = classify_bmff(bytes)) {
    return family->format ? supported(*family->format) : unsupported(family->unsupported_name);
  }
  if (is_bmp(bytes)) return supported(Format::Bmp);
  if (starts_with(bytes, "\x1F\x8B"sv)) {
    const auto inflated = inflate_prefix(bytes);
    return is_svg_text(as_text(inflated)) ? supported(Format::Svg) : unsupported("gzip");
  }
  const std::string_view text = as_text(bytes);
  if (is_svg_text(text)) return supported(Format::Svg);
  if (looks_like_html(text)) return unsupported("html");
  if (looks_like_text(bytes)) return unsupported("text");
  return unsupported("unknown");
}

}  // namespace preflight
