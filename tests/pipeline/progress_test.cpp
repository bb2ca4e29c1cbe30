#include "pipeline/progress.h"

#include <gtest/gtest.h>

#include "pipeline/duration_text.h"

namespace preflight {
namespace {

TEST(Progress, WithTotalShowsShareRateAndEta) {
  EXPECT_EQ(progress_line(12345, 1000000, 2.0),
            "12,345 / 1,000,000 inputs (1.2%) · 6,172/s · ETA 2 min 41 s");
}

TEST(Progress, WithoutTotalShowsCountAndRate) {
  EXPECT_EQ(progress_line(1500, std::nullopt, 0.5), "1,500 inputs · 3,000/s");
}

TEST(Progress, BeforeAnyRateEtaIsUnknown) {
  EXPECT_EQ(progress_line(0, 10, 0.0), "0 / 10 inputs (0.0%) · 0/s · ETA unknown");
}

TEST(DurationText, PicksUnits) {
  EXPECT_EQ(duration_text(59), "59 s");
  EXPECT_EQ(duration_text(61), "1 min 1 s");
  EXPECT_EQ(duration_text(7500), "2 h 5 min");
}

}  // namespace
}  // namespace preflight
