#include "pipeline/frame_sampling.h"

namespace preflight {

std::vector<std::uint32_t> sample_frames(std::uint32_t frames_total, std::uint32_t interval,
                                         std::uint32_t max_frames) {
  if (frames_total == 0 || max_frames == 0) return {};
  if (interval == 0) return {0};
  std::vector<std::uint32_t> indices;
  for (std::uint64_t frame = 0; frame < frames_total && indices.size() < max_frames; frame += interval) {
    indices.push_back(static_cast<std::uint32_t>(frame));
  }
  return indices;
}

}  // namespace preflight
