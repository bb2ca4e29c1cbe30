#pragma once

#include <cstdint>
#include <span>

#include "decoders/byte_view.h"
#include "decoders/decode_limits.h"
#include "decoders/decode_result.h"
#include "decoders/image_header.h"

namespace preflight {

// One format family's header probe and frame decoder. Implementations are stateless and shared by every
// worker thread: all state lives on the stack of a call, and library errors are caught in that call.
class Decoder {
 public:
  virtual ~Decoder() = default;

  // Dimensions and frame count from headers and container structure only: no pixel memory is allocated.
  virtual DecodeResult<ImageHeader> probe(ByteView bytes, const DecodeLimits& limits) const = 0;

  // Decodes the frames at `indices` (ascending, each < header.frames_total) and fails on any corrupt or
  // truncated data they contain. Frames past the last index are not decoded unless the format forces it.
  // Pixels go through small reused buffers (rows, strips or one frame), never a whole file's worth.
  virtual DecodeStatus decode_frames(ByteView bytes, const ImageHeader& header,
                                     std::span<const std::uint32_t> indices,
                                     const DecodeLimits& limits) const = 0;
};

}  // namespace preflight
