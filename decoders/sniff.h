#pragma once

#include <optional>
#include <string>

#include "decoders/byte_view.h"
#include "decoders/format.h"

namespace preflight {

// What the content says an input is. Exactly one of the two is set: a supported format, or the name of
// an unsupported one ("jpeg_xl", "pdf", "video", "text", "unknown", ...) for reason
// unsupported_format:<name>.
struct SniffResult {
  std::optional<Format> format;
  std::string unsupported_name;
};

// Recognises a format from its magic bytes and container brands, never from a file name. Reads at most
// the first kSniffWindow bytes (plus a bounded inflate of a gzip header for SVGZ).
SniffResult sniff(ByteView bytes);

inline constexpr std::size_t kSniffWindow = 64 * 1024;

}  // namespace preflight
