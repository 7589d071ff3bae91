// Tests of the hindsight reference on hand-made demand and prices.
#include "hindsight.h"

#include "gtest/gtest.h"

namespace spotburst::sim::internal {
namespace {

constexpr int64_t kT0 = 1609459200;
absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(kT0 + seconds); }

TEST(InstancesNeeded, IsTheWorstResourceRoundedUp) {
  const Resources shape{.cpus = 2, .mem_mib = 4000};
  const Resources baseline{.cpus = 40, .mem_mib = 80000};
  EXPECT_EQ(InstancesNeeded({.cpus = 40}, baseline, shape), 0);
  EXPECT_EQ(InstancesNeeded({.cpus = 41}, baseline, shape), 1);
  EXPECT_EQ(InstancesNeeded({.cpus = 60}, baseline, shape), 10);
  EXPECT_EQ(InstancesNeeded({.cpus = 42, .mem_mib = 92001}, baseline, shape),
            4);
  // Disk no instance adds cannot be bought: it does not count.
  EXPECT_EQ(InstancesNeeded({.disk_mib = 1e6}, baseline, shape), 0);
}

TEST(HindsightCost, PaysTheCheaperPriceForExactlyTheTimeNeeded) {
  // Spot 0.05 for an hour, then 0.30 (above on-demand 0.10).
  const PriceHistory trace{
      .market = {.instance_type = "c4.large", .availability_zone = "z"},
      .points = {{At(0), 0.05}, {At(3600), 0.30}}};
  SimMarket spot(trace);
  // 3 instances' worth of demand from 30 min to 90 min, none otherwise.
  const std::vector<DemandPhase> phases = {
      {.at = absl::Minutes(30), .tasks = 6, .per_task = {.cpus = 1}},
      {.at = absl::Minutes(90), .tasks = 0, .per_task = {.cpus = 1}}};
  DemandCurve demand = DemandCurve::FromPhases(phases, {}, At(0));
  HindsightInput input{.demand = &demand,
                       .spots = {&spot},
                       .on_demand_usd_per_hour = 0.10,
                       .baseline = {},
                       .shape = {.cpus = 2},
                       .start = At(0),
                       .end = At(7200)};
  // 3 x 0.5 h x 0.05 + 3 x 0.5 h x min(0.30, 0.10).
  EXPECT_NEAR(HindsightCostUsd(input), 0.075 + 0.15, 1e-12);
  // Only [start, end) counts.
  input.start = At(3600);
  EXPECT_NEAR(HindsightCostUsd(input), 0.15, 1e-12);
  input.end = input.start;
  EXPECT_EQ(HindsightCostUsd(input), 0);
}

TEST(HindsightCost, CountsEveryInstanceTheDemandNeedsWithoutACap) {
  const PriceHistory trace{
      .market = {.instance_type = "c4.large", .availability_zone = "z"},
      .points = {{At(0), 0.05}}};
  SimMarket spot(trace);
  // 200 instances' worth for an hour: no policy limit enters.
  const std::vector<DemandPhase> phases = {
      {.at = absl::ZeroDuration(), .tasks = 400, .per_task = {.cpus = 1}}};
  DemandCurve demand = DemandCurve::FromPhases(phases, {}, At(0));
  EXPECT_NEAR(HindsightCostUsd({.demand = &demand,
                                .spots = {&spot},
                                .on_demand_usd_per_hour = 0.10,
                                .shape = {.cpus = 2},
                                .start = At(0),
                                .end = At(3600)}),
              200 * 0.05, 1e-9);
}

}  // namespace
}  // namespace spotburst::sim::internal
