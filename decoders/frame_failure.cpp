#include "decoders/frame_failure.h"

namespace preflight {

std::string frame_prefix(const ImageHeader& header, std::uint32_t index) {
  return header.frames_total > 1 ? "frame_" + std::to_string(index) + ":" : std::string();
}

DecodeFailure for_frame(std::uint32_t index, const ImageHeader& header, DecodeFailure failure) {
  failure.detail = frame_prefix(header, index) + failure.detail;
  return failure;
}

}  // namespace preflight
