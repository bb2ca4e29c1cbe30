#include "decoders/frame_failure.h"

namespace preflight {

std::string frame_prefix(const ImageHeader& header, std::uint32_t index) {
  return header.frames_total > 1 ? "frame_" + std::to_string(index) + ":" : std::string();
}

DecodeFailure for_frame(std::uint32_t index, const ImageHeader& header, DecodeFailure failure) {
  failure.detail = frame_prefix(header, index) + failure.detail;
  return failure;
}

std::optional<DecodeFailure> beyond_first_frame(std::span<const std::uint32_t> indices, std::string message) {
  if (indices.size() > 1 || (!indices.empty() && indices.front() != 0))
    return decode_failure("frame_out_of_range", std::move(message));
  return std::nullopt;
}

}  // namespace preflight
