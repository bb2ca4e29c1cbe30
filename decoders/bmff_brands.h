#pragma once

#include <optional>
#include <string>

#include "decoders/byte_view.h"
#include "decoders/format.h"

namespace preflight {

struct BmffFamily {
  std::optional<Format> format;
  std::string unsupported_name;
};

// Classifies an ISO-BMFF file by its `ftyp` box, reading the major AND every compatible brand (AVIF files
// with major brand `mif1` exist; sequences use `avis`/`msf1`). nullopt when there is no ftyp box.
std::optional<BmffFamily> classify_bmff(ByteView bytes);

}  // namespace preflight
