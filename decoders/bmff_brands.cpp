#include "decoders/bmff_brands.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

namespace preflight {
namespace {

std::string_view brand_at(ByteView bytes, std::size_t offset) {
  return {reinterpret_cast<const char*>(bytes.data() + offset), 4};
}

bool has_any(const std::vector<std::string_view>& brands, std::initializer_list<std::string_view> wanted) {
  return std::any_of(wanted.begin(), wanted.end(), [&](std::string_view brand) {
    return std::find(brands.begin(), brands.end(), brand) != brands.end();
  });
}

}  // namespace

// libheif's heif_check_filetype knows only HEIF brands; we also need CR3, JPEG XL and video, so the
// ftyp box (a size, "ftyp", and a list of 4-byte brands) is read here.
std::optional<BmffFamily> classify_bmff(ByteView bytes) {
  if (bytes.size() < 16 || brand_at(bytes, 4) != "ftyp") return std::nullopt;
  const std::size_t box_size =
      std::min<std::size_t>(read_be32(bytes, 0), std::min<std::size_t>(bytes.size(), 4096));
  std::vector<std::string_view> brands = {brand_at(bytes, 8)};
  for (std::size_t offset = 16; offset + 4 <= box_size; offset += 4)
    brands.push_back(brand_at(bytes, offset));

  if (has_any(brands, {"avif", "avis"})) return BmffFamily{Format::Avif, {}};
  if (has_any(brands, {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "mif2", "miaf"})) {
    return BmffFamily{Format::Heic, {}};
  }
  if (has_any(brands, {"crx "})) return BmffFamily{Format::Raw, {}};
  if (has_any(brands, {"jxl "})) return BmffFamily{std::nullopt, "jpeg_xl"};
  if (has_any(brands, {"jp2 ", "jpx ", "jpm "})) return BmffFamily{std::nullopt, "jpeg2000"};
  if (has_any(brands, {"qt  "})) return BmffFamily{std::nullopt, "video"};
  if (has_any(brands, {"M4A ", "M4B ", "mp3 "})) return BmffFamily{std::nullopt, "audio"};
  return BmffFamily{std::nullopt, "video"};  // isom, mp41, mp42, avc1, 3gp*, dash, ...: ISO-BMFF media
}

}  // namespace preflight
