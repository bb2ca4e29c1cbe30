#include "decoders/tiff_raw_detect.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace preflight {
namespace {

constexpr std::uint16_t kTagMake = 271;
constexpr std::uint16_t kTagDngVersion = 50706;
constexpr std::uint16_t kTypeAscii = 2;

// Lower-case prefixes of the Make tag of cameras that write TIFF-structured RAW files.
constexpr std::array<std::string_view, 16> kCameraMakers = {
    "canon",   "nikon", "sony",       "pentax",    "ricoh", "olympus",       "fujifilm", "panasonic",
    "samsung", "leica", "hasselblad", "phase one", "kodak", "eastman kodak", "mamiya",   "sigma"};

class Reader {
 public:
  Reader(ByteView bytes, bool little_endian) : bytes_(bytes), little_endian_(little_endian) {}
  bool has(std::size_t offset, std::size_t size) const {
    return offset <= bytes_.size() && size <= bytes_.size() - offset;
  }
  std::uint16_t u16(std::size_t offset) const {
    return little_endian_ ? bytes_[offset] | bytes_[offset + 1] << 8
                          : bytes_[offset] << 8 | bytes_[offset + 1];
  }
  std::uint32_t u32(std::size_t offset) const {
    return little_endian_ ? u16(offset) | std::uint32_t{u16(offset + 2)} << 16
                          : std::uint32_t{u16(offset)} << 16 | u16(offset + 2);
  }
  std::string_view text(std::size_t offset, std::size_t size) const {
    return {reinterpret_cast<const char*>(bytes_.data() + offset), size};
  }

 private:
  ByteView bytes_;
  bool little_endian_;
};

bool is_camera_maker(std::string_view make) {
  std::string lowered(make.substr(0, 32));
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return std::any_of(kCameraMakers.begin(), kCameraMakers.end(),
                     [&](std::string_view maker) { return lowered.starts_with(maker); });
}

}  // namespace

// libtiff would allocate and validate the whole directory; telling RAW from TIFF needs two tags of IFD0,
// read here directly (classic TIFF only: BigTIFF camera files do not exist).
bool tiff_is_camera_raw(ByteView bytes) {
  if (bytes.size() < 16 || bytes[2] == '+' || bytes[3] == '+') return false;
  if (bytes[8] == 'C' && bytes[9] == 'R') return true;  // Canon CR2
  const Reader reader(bytes, bytes[0] == 'I');
  const std::uint32_t ifd = reader.u32(4);
  if (!reader.has(ifd, 2)) return false;
  const std::uint16_t count = reader.u16(ifd);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t entry = ifd + 2 + std::size_t{i} * 12;
    if (!reader.has(entry, 12)) return false;
    const std::uint16_t tag = reader.u16(entry);
    if (tag == kTagDngVersion) return true;
    if (tag != kTagMake || reader.u16(entry + 2) != kTypeAscii) continue;
    const std::uint32_t length = reader.u32(entry + 4);
    const std::size_t value_at = length <= 4 ? entry + 8 : reader.u32(entry + 8);
    if (reader.has(value_at, length) && is_camera_maker(reader.text(value_at, length))) return true;
  }
  return false;
}

}  // namespace preflight
