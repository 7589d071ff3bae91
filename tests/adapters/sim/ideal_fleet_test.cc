// The idealised fleets behind `spotburst ceiling`, on hand-made series
// whose cost and unmet demand can be counted by hand.
#include "ideal_fleet.h"

#include <vector>

#include "gtest/gtest.h"

namespace spotburst::sim::internal {
namespace {

// One unit is 2 CPUs over a 10-CPU baseline at 0.03 USD/h; a unit counts
// 4 steps after it is asked for.
IdealSeries Series(const std::vector<int>& needed) {
  IdealSeries series{.baseline = {.cpus = 10},
                     .shape = {.cpus = 2},
                     .lag_steps = 4,
                     .steps_per_day = 60};
  for (int units : needed) {
    series.needed.push_back(units);
    series.demand.push_back({.cpus = 10.0 + 2 * units});
    series.usd_per_unit_hour.push_back(0.03);
  }
  return series;
}

// `units` from step `from` on, none before, over `steps` steps.
std::vector<int> StepUp(int steps, int from, int units) {
  std::vector<int> needed(steps, 0);
  for (int i = from; i < steps; ++i) needed[i] = units;
  return needed;
}

double Demand(const IdealSeries& series) {
  double cpus = 0;
  for (const Resources& d : series.demand) cpus += d.cpus;
  return cpus;
}

TEST(IdealFleet, AFleetThatFollowsTheNeedLeavesTheBootUnmet) {
  const IdealSeries series = Series(StepUp(30, 10, 3));
  RuleSignals signals(series);
  const std::vector<int> wanted = RuleTargets(series, signals, {});
  EXPECT_EQ(wanted, series.needed);

  const IdealOutcome outcome = RunIdealFleet(series, wanted);
  // 3 units (6 CPUs) wait 4 steps; they are paid from their launch, for
  // 20 steps.
  EXPECT_NEAR(outcome.served_share, 1 - 4 * 6 / Demand(series), 1e-12);
  EXPECT_NEAR(outcome.cost_usd, 3 * 20 * 0.03 / 60, 1e-12);
}

TEST(IdealFleet, HeadroomAskedForInTimeServesTheJump) {
  const IdealSeries series = Series(StepUp(30, 10, 3));
  RuleSignals signals(series);
  const std::vector<int> wanted = RuleTargets(series, signals, {.headroom = 3});
  const IdealOutcome outcome = RunIdealFleet(series, wanted);
  EXPECT_EQ(outcome.served_share, 1);
  // 3 units paid from the start, serving from step 4 (and the rise at
  // step 10); 3 more from the rise.
  EXPECT_NEAR(outcome.cost_usd, (3 * 10 + 6 * 20) * 0.03 / 60, 1e-12);
}

TEST(IdealFleet, AWindowKeepsThePeakAndEndsItAfterwards) {
  std::vector<int> needed(30, 0);
  for (int i = 10; i < 15; ++i) needed[i] = 2;
  const IdealSeries series = Series(needed);
  RuleSignals signals(series);
  const std::vector<int> wanted =
      RuleTargets(series, signals, {.window = absl::Minutes(8)});
  // Wanted, and paid, from step 10 through 14 + 7 = 21; serving from 14.
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(wanted[i], i >= 10 && i <= 21 ? 2 : 0) << "step " << i;
  }
  const IdealOutcome outcome = RunIdealFleet(series, wanted);
  EXPECT_NEAR(outcome.cost_usd, 2 * 12 * 0.03 / 60, 1e-12);
  EXPECT_NEAR(outcome.served_share, 1 - 4 * 4 / Demand(series), 1e-12);
}

TEST(IdealFleet, AShareOfTheLargestRecentRiseIsHeldAbove) {
  // A rise of 4 at step 5, back down at 8; a share of a half over 10
  // steps adds 2 from step 5 to 14.
  std::vector<int> needed(20, 0);
  for (int i = 5; i < 8; ++i) needed[i] = 4;
  const IdealSeries series = Series(needed);
  RuleSignals signals(series);
  const std::vector<int> wanted = RuleTargets(
      series, signals, {.jump_share = 0.5, .jump_window = absl::Minutes(10)});
  for (int i = 0; i < 20; ++i) {
    const int expected = (i >= 5 && i < 8 ? 4 : 0) + (i >= 5 && i < 15 ? 2 : 0);
    EXPECT_EQ(wanted[i], expected) << "step " << i;
  }
}

TEST(IdealFleet, YesterdaysRiseIsAskedForBeforeItComesAgain) {
  // A day of 60 steps; 3 units rise at step 20 on both days.
  std::vector<int> needed(120, 0);
  for (int i = 20; i < 30; ++i) needed[i] = needed[60 + i] = 3;
  const IdealSeries series = Series(needed);
  RuleSignals signals(series);
  const std::vector<int> wanted =
      RuleTargets(series, signals, {.daily_share = 1});
  // The rise a day before falls within the coming boot (4 steps) from
  // step 76 to 79; what is asked for at 76 counts at 80, the rise.
  for (int i = 60; i < 80; ++i) {
    EXPECT_EQ(wanted[i], i >= 76 ? 3 : 0) << "step " << i;
  }
  const IdealOutcome with_daily = RunIdealFleet(series, wanted);
  const IdealOutcome without =
      RunIdealFleet(series, RuleTargets(series, signals, {}));
  // The second day's rise is served in full; the first day's is not.
  EXPECT_NEAR(with_daily.served_share, 1 - 4 * 6 / Demand(series), 1e-12);
  EXPECT_NEAR(without.served_share, 1 - 2 * 4 * 6 / Demand(series), 1e-12);
}

TEST(IdealFleet, PaysEachMinuteAtItsPrice) {
  IdealSeries series = Series(StepUp(20, 0, 1));
  // 0.03 for the first 10 steps, 0.09 for the rest.
  for (size_t i = 10; i < 20; ++i) series.usd_per_unit_hour[i] = 0.09;
  RuleSignals signals(series);
  const IdealOutcome outcome =
      RunIdealFleet(series, RuleTargets(series, signals, {}));
  EXPECT_NEAR(outcome.cost_usd, (10 * 0.03 + 10 * 0.09) / 60, 1e-12);
}

}  // namespace
}  // namespace spotburst::sim::internal
