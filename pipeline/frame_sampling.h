#pragma once

#include <cstdint>
#include <vector>

namespace preflight {

// The frames the service samples from an animation (SPEC §4): 0, interval, 2·interval, ... below
// frames_total, at most max_frames of them; interval 0 means the first frame only.
std::vector<std::uint32_t> sample_frames(std::uint32_t frames_total, std::uint32_t interval,
                                         std::uint32_t max_frames);

}  // namespace preflight
