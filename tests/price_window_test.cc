// PriceWindow: rolling min / mean / max / current against a brute force.
#include "spotburst/price_window.h"

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;

absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(seconds); }

TEST(PriceWindow, EmptyWindowHasNoPoints) {
  PriceWindow window(absl::Hours(1));
  EXPECT_EQ(window.Stats(At(100)).points, 0);
}

TEST(PriceWindow, MeanIsWeightedByHowLongEachPriceHeld) {
  PriceWindow window(absl::Hours(1));
  ASSERT_THAT(window.Add(At(0), 0.10), IsOk());
  ASSERT_THAT(window.Add(At(1800), 0.20), IsOk());  // 0.10 for 30 min
  PriceStats s = window.Stats(At(3600));            // 0.20 for 30 min
  EXPECT_DOUBLE_EQ(s.mean_usd, 0.15);
  EXPECT_DOUBLE_EQ(s.min_usd, 0.10);
  EXPECT_DOUBLE_EQ(s.max_usd, 0.20);
  EXPECT_DOUBLE_EQ(s.current_usd, 0.20);
  EXPECT_EQ(s.last_change, At(1800));
}

TEST(PriceWindow, PriceInForceAtTheWindowStartStillCounts) {
  PriceWindow window(absl::Hours(1));
  ASSERT_THAT(window.Add(At(0), 0.50), IsOk());
  ASSERT_THAT(window.Add(At(7000), 0.10), IsOk());
  // Window [3800, 7400]: 0.50 for 3200 s, 0.10 for 400 s.
  PriceStats s = window.Stats(At(7400));
  EXPECT_DOUBLE_EQ(s.max_usd, 0.50);
  EXPECT_NEAR(s.mean_usd, (0.5 * 3200 + 0.1 * 400) / 3600, 1e-12);
  // Once the 0.10 point holds at the window start, the 0.50 is gone.
  EXPECT_DOUBLE_EQ(window.Stats(At(10600)).max_usd, 0.10);
}

TEST(PriceWindow, RejectsBadPricesAndTimeGoingBack) {
  PriceWindow window(absl::Hours(1));
  EXPECT_THAT(window.Add(At(0), -1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("price")));
  EXPECT_THAT(window.Add(At(0), std::numeric_limits<double>::quiet_NaN()),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  ASSERT_THAT(window.Add(At(10), 0.1), IsOk());
  EXPECT_THAT(window.Add(At(5), 0.1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("before the last")));
  EXPECT_TRUE(window.Add(At(10), 0.3).ok());  // same time replaces
  EXPECT_DOUBLE_EQ(window.Stats(At(20)).max_usd, 0.3);
}

// Brute force over the step function, second by second.
PriceStats Brute(const std::vector<std::pair<int64_t, double>>& points,
                 int64_t now, int64_t length) {
  PriceStats s;
  const int64_t start = now - length;
  double area = 0;
  int64_t covered = 0;
  s.min_usd = 1e300;
  s.max_usd = -1;
  for (size_t i = 0; i < points.size(); ++i) {
    const int64_t from = points[i].first;
    const int64_t to = i + 1 < points.size() ? points[i + 1].first : now;
    const int64_t a = std::max(from, start), b = std::min(to, now);
    if (i + 1 == points.size() || points[i + 1].first > start) {
      s.min_usd = std::min(s.min_usd, points[i].second);
      s.max_usd = std::max(s.max_usd, points[i].second);
    }
    if (b > a) {
      area += points[i].second * (b - a);
      covered += b - a;
    }
  }
  s.mean_usd = covered > 0 ? area / covered : points.back().second;
  s.current_usd = points.back().second;
  return s;
}

TEST(PriceWindow, RefusesAPriceNoMarketChargesAndStaysUnchanged) {
  PriceWindow window(absl::Hours(1));
  ASSERT_THAT(window.Add(At(0), 0.10), IsOk());
  EXPECT_THAT(window.Add(At(600), 1e20),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("above 1000 USD/h")));
  EXPECT_THAT(window.Add(At(600), kMaxPriceUsdPerHour + 0.01),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  ASSERT_THAT(window.Add(At(1200), kMaxPriceUsdPerHour), IsOk());
  const PriceStats s = window.Stats(At(1800));
  EXPECT_EQ(s.points, 2);
  EXPECT_DOUBLE_EQ(s.max_usd, kMaxPriceUsdPerHour);
}

// The operator's case, at the largest price allowed: a huge price five
// weeks back, then weeks of tiny ones. Once it has left the window the
// statistics are those of the tiny prices alone, to the last few bits.
TEST(PriceWindow, AHugePriceLeavingTheWindowLeavesTheMeanExact) {
  const int64_t week = 7 * 86400;
  PriceWindow window(absl::Hours(24));
  std::vector<std::pair<int64_t, double>> points;
  points.emplace_back(0, kMaxPriceUsdPerHour);
  ASSERT_THAT(window.Add(At(0), kMaxPriceUsdPerHour), IsOk());
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int64_t> gap(1, 600);
  std::uniform_real_distribution<double> tiny(0.0001, 0.0002);
  int64_t t = week;
  while (t < 5 * week) {
    points.emplace_back(t, tiny(rng));
    ASSERT_THAT(window.Add(At(t), points.back().second), IsOk());
    if (points.size() % 1000 == 0) window.Stats(At(t));  // evicts as it goes
    t += gap(rng);
  }
  const PriceStats got = window.Stats(At(t));
  const PriceStats want = Brute(points, t, 86400);
  EXPECT_GT(got.mean_usd, 0);
  EXPECT_DOUBLE_EQ(got.max_usd, want.max_usd);
  EXPECT_NEAR(got.mean_usd, want.mean_usd, want.mean_usd * 1e-12);
}

TEST(PriceWindow, MeanStaysBetweenMinAndMax) {
  PriceWindow window(absl::Seconds(3));
  ASSERT_THAT(window.Add(At(0), 0.1), IsOk());
  ASSERT_THAT(window.Add(At(1), 0.1), IsOk());
  ASSERT_THAT(window.Add(At(2), 0.1), IsOk());
  const PriceStats s = window.Stats(At(3));
  EXPECT_GE(s.mean_usd, s.min_usd);
  EXPECT_LE(s.mean_usd, s.max_usd);
}

TEST(PriceWindow, AgreesWithBruteForceOnRandomTraces) {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int64_t> gap(1, 900);
  std::uniform_real_distribution<double> price(0.01, 1.0);
  for (int trial = 0; trial < 50; ++trial) {
    PriceWindow window(absl::Seconds(3600));
    std::vector<std::pair<int64_t, double>> points;
    int64_t t = 0;
    for (int i = 0; i < 200; ++i) {
      t += gap(rng);
      points.emplace_back(t, price(rng));
      ASSERT_THAT(window.Add(At(t), points.back().second), IsOk());
      if (i % 7 == 0) {
        const int64_t now = t + gap(rng) / 3;
        PriceStats got = window.Stats(At(now));
        PriceStats want = Brute(points, now, 3600);
        ASSERT_DOUBLE_EQ(got.min_usd, want.min_usd) << trial << "/" << i;
        ASSERT_DOUBLE_EQ(got.max_usd, want.max_usd) << trial << "/" << i;
        ASSERT_NEAR(got.mean_usd, want.mean_usd, 1e-9) << trial << "/" << i;
        ASSERT_DOUBLE_EQ(got.current_usd, want.current_usd);
      }
    }
  }
}

}  // namespace
}  // namespace spotburst
