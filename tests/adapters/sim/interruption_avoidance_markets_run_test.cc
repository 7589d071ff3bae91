// instance.avoid_interruptions with several spot markets in the simulated
// world, over four weeks of 2021 in which one market reclaims capacity ten
// times as often as the others: spreading over zones (min_markets 2) and
// choosing between two types (alternatives) both move spot out of it.
#include <string>

#include "gtest/gtest.h"
#include "spotburst/policy.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::IsOk;

const std::string kExamples = std::string(SPOTBURST_SOURCE_DIR) + "/examples/";

absl::StatusOr<SimulationResult> RunPolicy(const std::string& scenario_file,
                                           const std::string& policy_file) {
  auto scenario = LoadScenarioFile(kExamples + "scenarios/" + scenario_file);
  if (!scenario.ok()) return scenario.status();
  auto policy = LoadPolicyFile(kExamples + "policies/compare/" + policy_file);
  if (!policy.ok()) return policy.status();
  return RunSimulation(*scenario, *policy, {.keep_timeline = false});
}

TEST(InterruptionAvoidanceMarketsRun, TheSpreadAvoidsTheVolatileZone) {
  auto plain = RunPolicy("zones-2021-spread.yaml", "any-zone-spread.yaml");
  auto avoiding =
      RunPolicy("zones-2021-spread.yaml", "any-zone-spread-avoid.yaml");
  ASSERT_THAT(plain, IsOk());
  ASSERT_THAT(avoiding, IsOk());
  const SimulationTotals& p = plain->totals;
  const SimulationTotals& a = avoiding->totals;
  ASSERT_EQ(p.markets.size(), 3u);
  ASSERT_EQ(p.markets[0].market, "c4.large/us-east-1a/Linux/UNIX");
  // Both spread over the zones; weighing interruption rates fills the two
  // quiet ones first.
  EXPECT_GT(p.markets[0].spot_instances, 2 * a.markets[0].spot_instances);
  EXPECT_LT(a.interruptions, p.interruptions / 2);
  EXPECT_LT(a.total_cost_usd(), 1.03 * p.total_cost_usd());
  EXPECT_GT(a.served_share, p.served_share - 0.001);
}

TEST(InterruptionAvoidanceMarketsRun, TheTypeChoiceLeavesTheVolatileMarket) {
  auto plain = RunPolicy("types-2021-interruptions.yaml", "any-type-2021.yaml");
  auto avoiding =
      RunPolicy("types-2021-interruptions.yaml", "any-type-2021-avoid.yaml");
  ASSERT_THAT(plain, IsOk());
  ASSERT_THAT(avoiding, IsOk());
  const SimulationTotals& p = plain->totals;
  const SimulationTotals& a = avoiding->totals;
  ASSERT_EQ(p.markets.size(), 4u);
  ASSERT_EQ(p.markets[0].market, "c4.large/us-east-1a/Linux/UNIX");
  ASSERT_EQ(p.markets[2].market, "m5.large/us-east-1a/Linux/UNIX");
  ASSERT_EQ(p.markets[1].market, "c4.large/us-east-1d/Linux/UNIX");
  // By price alone nearly everything goes to the cheapest, volatile market.
  // Weighing interruption rates moves most of it to the quiet c4.large
  // zone, priced near it, rather than to m5.large, a fifth dearer.
  EXPECT_GT(p.markets[0].spot_instances, 2 * a.markets[0].spot_instances);
  EXPECT_GT(a.markets[1].spot_instances, a.markets[0].spot_instances);
  EXPECT_LT(a.interruptions, p.interruptions / 2);
  EXPECT_LT(a.total_cost_usd(), 1.03 * p.total_cost_usd());
  EXPECT_GT(a.served_share, p.served_share - 0.001);
}

}  // namespace
}  // namespace spotburst::sim
