// instance.avoid_interruptions in the simulated world: over four weeks of
// three zones priced alike, one of which reclaims capacity ten times as
// often, weighing each zone's interruption rate moves spot out of it.
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

absl::StatusOr<SimulationResult> RunPolicy(const std::string& policy_file) {
  auto scenario =
      LoadScenarioFile(kExamples + "scenarios/zones-2021-interruptions.yaml");
  if (!scenario.ok()) return scenario.status();
  auto policy = LoadPolicyFile(kExamples + "policies/compare/" + policy_file);
  if (!policy.ok()) return policy.status();
  return RunSimulation(*scenario, *policy, {.keep_timeline = false});
}

TEST(InterruptionAvoidanceRun,
     FewerInterruptionsForAboutTheSameCostAndService) {
  auto cheapest = RunPolicy("any-zone-bridge.yaml");
  auto avoiding = RunPolicy("any-zone-avoid.yaml");
  ASSERT_THAT(cheapest, IsOk());
  ASSERT_THAT(avoiding, IsOk());
  const SimulationTotals& c = cheapest->totals;
  const SimulationTotals& a = avoiding->totals;
  ASSERT_EQ(c.markets.size(), 3u);
  ASSERT_EQ(c.markets[0].market, "c4.large/us-east-1a/Linux/UNIX");
  // Priced alike, the cheapest zone at each moment is mostly the volatile
  // one; weighing interruption rates moves most spot elsewhere.
  EXPECT_GT(c.markets[0].spot_instances, 2 * a.markets[0].spot_instances);
  EXPECT_LT(a.interruptions, c.interruptions / 2);
  EXPECT_LT(a.total_cost_usd(), 1.03 * c.total_cost_usd());
  EXPECT_GT(a.served_share, c.served_share - 0.001);
}

}  // namespace
}  // namespace spotburst::sim
