// scaling.bridge in the simulated world: on-demand serves a jump in demand
// after its boot alone, each bridge ends once its spot replacement serves,
// and the month's demand is better served than with spot alone.
#include <string>

#include "gtest/gtest.h"
#include "spotburst/policy.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::IsOk;

// The first week of the shipped four-week scenario: real demand on the
// real c4.large prices of 2021, spot fulfilled 5-10 minutes after a
// request, every instance booting 3-4 minutes.
Scenario FirstWeek() {
  auto s = LoadScenarioFile(std::string(SPOTBURST_SOURCE_DIR) +
                            "/examples/scenarios/compare-2021-four-weeks.yaml");
  EXPECT_THAT(s, IsOk());
  s->duration = absl::Hours(24 * 7);
  return *s;
}

Policy TargetBridge(BridgeMode mode) {
  auto p = LoadPolicyFile(std::string(SPOTBURST_SOURCE_DIR) +
                          "/examples/policies/compare/target-bridge.yaml");
  EXPECT_THAT(p, IsOk());
  EXPECT_EQ(p->scaling.bridge, BridgeMode::kShortfall);
  p->scaling.bridge = mode;
  return *p;
}

TEST(BridgeRun, ServesMoreThanSpotAloneAndEachBridgeEndsOnceReplaced) {
  auto spot_only =
      RunSimulation(FirstWeek(), TargetBridge(BridgeMode::kOff), {});
  auto bridged =
      RunSimulation(FirstWeek(), TargetBridge(BridgeMode::kShortfall), {});
  ASSERT_THAT(spot_only, IsOk());
  ASSERT_THAT(bridged, IsOk());
  EXPECT_EQ(spot_only->totals.on_demand_cost_usd, 0);

  // A quarter of the unserved demand is gone, or more.
  const double unserved_spot = 1 - spot_only->totals.served_share;
  const double unserved_bridged = 1 - bridged->totals.served_share;
  EXPECT_LT(unserved_bridged, 0.75 * unserved_spot)
      << "served " << bridged->totals.served_share << " vs "
      << spot_only->totals.served_share;

  // Bridges are short: a spot replacement is requested at the next
  // evaluation, fulfilled within 10 minutes and joins within 4 more.
  int bridges = 0;
  for (const InstanceLedgerRow& row : bridged->instances) {
    if (row.lifecycle != Lifecycle::kOnDemand) continue;
    ++bridges;
    if (row.ended_by == InstanceEnd::kRunEnd) continue;  // cut by the week
    EXPECT_EQ(row.ended_by, InstanceEnd::kPolicy) << row.id;
    EXPECT_LE(row.ended - row.launched, absl::Minutes(17)) << row.id;
  }
  EXPECT_GT(bridges, 100);
  // At the on-demand price for minutes each, they stay a small share.
  EXPECT_LT(bridged->totals.on_demand_cost_usd,
            0.1 * bridged->totals.total_cost_usd());
}

}  // namespace
}  // namespace spotburst::sim
