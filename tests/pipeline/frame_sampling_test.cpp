#include "pipeline/frame_sampling.h"

#include <gtest/gtest.h>

namespace preflight {
namespace {

using Frames = std::vector<std::uint32_t>;

struct SamplingCase {
  std::uint32_t total, interval, max;
  Frames expected;
};

class FrameSampling : public ::testing::TestWithParam<SamplingCase> {};

TEST_P(FrameSampling, FollowsSpecSection4) {
  const SamplingCase& c = GetParam();
  EXPECT_EQ(sample_frames(c.total, c.interval, c.max), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Defaults, FrameSampling,
                         ::testing::Values(SamplingCase{1, 5, 5, {0}}, SamplingCase{4, 5, 5, {0}},
                                           SamplingCase{5, 5, 5, {0}}, SamplingCase{6, 5, 5, {0, 5}},
                                           SamplingCase{21, 5, 5, {0, 5, 10, 15, 20}},
                                           SamplingCase{37, 5, 5, {0, 5, 10, 15, 20}},
                                           SamplingCase{37, 0, 5, {0}}, SamplingCase{37, 1, 3, {0, 1, 2}},
                                           SamplingCase{10, 3, 400, {0, 3, 6, 9}},
                                           SamplingCase{0, 5, 5, {}}));

TEST(FrameSamplingLimits, IntervalThreeMaxFrames400TakesEveryThirdUpTo400) {
  const Frames frames = sample_frames(2000, 3, 400);
  ASSERT_EQ(frames.size(), 400u);
  EXPECT_EQ(frames.front(), 0u);
  EXPECT_EQ(frames.back(), 399u * 3);
}

TEST(FrameSamplingLimits, HugeIntervalDoesNotOverflow) {
  EXPECT_EQ(sample_frames(0xFFFFFFFFu, 0xFFFFFFFFu, 5), (Frames{0}));
}

}  // namespace
}  // namespace preflight
