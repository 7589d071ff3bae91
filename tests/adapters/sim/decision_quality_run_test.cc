// What docs/decision-quality.md shows for the four weeks of 2021 and May
// 2015: the shipped target-bridge policy against the prototype's rule,
// over the whole scenario, measured against the hindsight yardstick; and
// the idealised fleets' ceiling, which no rule reaches 99.5 % under at
// 1.3 times the yardstick, and which the shipped policy stays beneath.
#include <algorithm>
#include <string>

#include "gtest/gtest.h"
#include "spotburst/policy.h"
#include "spotburst/sim/ceiling.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::IsOk;

const std::string kRepo = std::string(SPOTBURST_SOURCE_DIR) + "/";

CeilingReport Ceiling(const std::string& scenario_file,
                      const std::string& policy_file) {
  auto scenario = LoadScenarioFile(kRepo + scenario_file);
  EXPECT_THAT(scenario, IsOk());
  auto policy = LoadPolicyFile(kRepo + policy_file);
  EXPECT_THAT(policy, IsOk());
  if (!scenario.ok() || !policy.ok()) return {};
  auto report = ComputeCeiling(*scenario, *policy);
  EXPECT_THAT(report, IsOk());
  return report.ok() ? *std::move(report) : CeilingReport{};
}

// The most any rule serves at no more than `cost_usd`; 0 when nothing is
// that cheap.
double MostServed(const CeilingReport& report, double cost_usd) {
  double most = 0;
  for (const CeilingRow& row : report.rows) {
    if (row.cost_usd <= cost_usd) {
      most = std::max(most, row.served_share);
    }
  }
  return most;
}

SimulationTotals RunFourWeeks(const std::string& policy_file) {
  auto scenario = LoadScenarioFile(
      kRepo + "examples/scenarios/compare-2021-four-weeks.yaml");
  EXPECT_THAT(scenario, IsOk());
  auto policy =
      LoadPolicyFile(kRepo + "examples/policies/compare/" + policy_file);
  EXPECT_THAT(policy, IsOk());
  if (!scenario.ok() || !policy.ok()) return {};
  auto result = RunSimulation(*scenario, *policy, {});
  EXPECT_THAT(result, IsOk());
  return result.ok() ? result->totals : SimulationTotals{};
}

TEST(DecisionQuality, TheBridgePolicyServesMoreForLessThanThePrototypesRule) {
  const SimulationTotals bridge = RunFourWeeks("target-bridge.yaml");
  const SimulationTotals prototype = RunFourWeeks("burst-point-hourly.yaml");
  ASSERT_GT(bridge.hindsight_reference_usd, 0);
  EXPECT_EQ(bridge.hindsight_reference_usd, prototype.hindsight_reference_usd);
  const double yardstick = bridge.hindsight_reference_usd;

  // The front docs/decision-quality.md reports: over 99.2 % of the demand
  // at under 1.3 times the yardstick.
  EXPECT_GT(bridge.served_share, 0.992);
  EXPECT_LT(bridge.total_cost_usd(), 1.3 * yardstick);
  // The prototype's rule (burst point, one step per evaluation, hourly
  // billing) serves less and costs more.
  EXPECT_LT(prototype.served_share, bridge.served_share - 0.01);
  EXPECT_GT(prototype.total_cost_usd(), 1.2 * bridge.total_cost_usd());
}

TEST(DecisionQuality, NoIdealisedRuleServes995PercentAt13TimesTheYardstick) {
  const CeilingReport four_weeks =
      Ceiling("examples/scenarios/compare-2021-four-weeks.yaml",
              "examples/policies/compare/target-bridge.yaml");
  const CeilingReport may_2015 =
      Ceiling("examples/scenarios/zones-2015-05.yaml",
              "examples/policies/any-zone-c3xlarge.yaml");
  for (const CeilingReport* report : {&four_weeks, &may_2015}) {
    ASSERT_GT(report->reference_usd, 0);
    ASSERT_EQ(report->rows.size(), CeilingRules().size());
    const double budget = 1.3 * report->reference_usd;
    SCOPED_TRACE(report->scenario_name);
    // Even with spot as fast as on-demand: short of 99.5 %.
    EXPECT_LT(MostServed(*report, budget), 0.995);
    // With more money the same rules get there: the limit is the lag.
    EXPECT_GT(MostServed(*report, 1.5 * budget), 0.995);
  }
}

TEST(DecisionQuality, TheBridgePolicyStaysBeneathTheIdealisedCeiling) {
  const SimulationTotals bridge = RunFourWeeks("target-bridge.yaml");
  const CeilingReport ceiling =
      Ceiling("examples/scenarios/compare-2021-four-weeks.yaml",
              "examples/policies/compare/target-bridge.yaml");
  ASSERT_GT(bridge.total_cost_usd(), 0);
  EXPECT_EQ(ceiling.reference_usd, bridge.hindsight_reference_usd);
  // For what the policy paid, an idealised fleet serves more, but by less
  // than half a point.
  const double ideal = MostServed(ceiling, bridge.total_cost_usd());
  EXPECT_GT(ideal, bridge.served_share);
  EXPECT_LT(ideal, bridge.served_share + 0.005);
}

}  // namespace
}  // namespace spotburst::sim
