// The hindsight reference over markets of several instance types: the
// demand in units of instance.shape, each second at the cheapest price per
// unit.
#include "gtest/gtest.h"
#include "hindsight.h"

namespace spotburst::sim::internal {
namespace {

constexpr int64_t kT0 = 1430438400;  // 2015-05-01
absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(kT0 + seconds); }

TEST(HindsightTypes, PaysTheCheapestPricePerUnit) {
  // r3.large (the unit) at 0.06; c3.xlarge (two units) at 0.10, 0.05 per
  // unit, for the first hour, then at 0.16, 0.08 per unit.
  const PriceHistory small_trace{
      .market = {.instance_type = "r3.large", .availability_zone = "z"},
      .points = {{At(0), 0.06}}};
  const PriceHistory large_trace{
      .market = {.instance_type = "c3.xlarge", .availability_zone = "z"},
      .points = {{At(0), 0.10}, {At(3600), 0.16}}};
  SimMarket small(small_trace), large(large_trace);
  // 4 units of demand for two hours.
  DemandCurve demand = DemandCurve::FromPhases(
      {{.at = absl::ZeroDuration(), .tasks = 8, .per_task = {.cpus = 1}}}, {},
      At(0));
  HindsightInput input{.demand = &demand,
                       .spots = {&small, &large},
                       .weights = {1, 2},
                       .on_demand_usd_per_hour = 0.105,
                       .shape = {.cpus = 2},
                       .start = At(0),
                       .end = At(7200)};
  // 4 units x 1 h x 0.05 (c3.xlarge), then 4 x 1 h x 0.06 (r3.large).
  EXPECT_NEAR(HindsightCostUsd(input), 4 * 0.05 + 4 * 0.06, 1e-12);
  // The on-demand price per unit caps it.
  input.on_demand_usd_per_hour = 0.055;
  EXPECT_NEAR(HindsightCostUsd(input), 4 * 0.05 + 4 * 0.055, 1e-12);
}

}  // namespace
}  // namespace spotburst::sim::internal
