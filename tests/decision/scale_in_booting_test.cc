// A scale-in under per-second billing while instances still boot: the ones
// that serve stay at the count wanted until the booting ones join; the rest
// of the excess is taken from the booting ones.
#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/policy.h"
#include "testing/engine_fixtures.h"

namespace spotburst {
namespace {

using ::spotburst::testing::Market;
using ::spotburst::testing::OnDemandInstance;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::T0;
using ::spotburst::testing::WantingUnits;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

Policy PerSecondTarget() {
  Policy p = PrototypePolicy();
  p.scaling.strategy = "target";
  p.billing.model = BillingModel::kPerSecond;
  return p;
}

// od-1 and sp-1 serve (up half an hour); sp-2 and sp-3 launched two
// minutes ago and are still pending: four counted, `wanted` wanted.
EvaluationInput TwoServingTwoBooting(int wanted) {
  EvaluationInput input = WantingUnits(wanted, {Market(0.027)});
  input.fleet.instances = {OnDemandInstance("od-1", T0() - absl::Minutes(30)),
                           SpotInstance("sp-1", T0() - absl::Minutes(30)),
                           SpotInstance("sp-2", T0() - absl::Minutes(2)),
                           SpotInstance("sp-3", T0() - absl::Minutes(2))};
  input.fleet.instances[2].state = InstanceState::kPending;
  input.fleet.instances[3].state = InstanceState::kPending;
  return input;
}

std::vector<std::string> Ended(const Plan& plan) {
  std::vector<std::string> ids;
  for (const Action& a : plan.actions) {
    if (a.kind == ActionKind::kTerminateInstance ||
        a.kind == ActionKind::kDrainInstance) {
      ids.push_back(a.instance_id);
    }
  }
  return ids;
}

bool Says(const Action& action, ReasonCode code) {
  return std::any_of(action.reasons.begin(), action.reasons.end(),
                     [&](const Reason& r) { return r.code == code; });
}

TEST(ScaleInWhileBooting, ServingInstancesStayWhenTheyAreAllThatServes) {
  const Plan plan =
      testing::EvaluateOrFail(PerSecondTarget(), TwoServingTwoBooting(2)).plan;
  // On-demand would go first, but it serves and the two wanted serve only
  // once the booting ones join.
  EXPECT_THAT(Ended(plan), UnorderedElementsAre("sp-2", "sp-3"));
  for (const Action& a : plan.actions) {
    if (a.kind != ActionKind::kTerminateInstance) continue;
    EXPECT_TRUE(Says(a, ReasonCode::kBooting)) << a.instance_id;
  }
}

TEST(ScaleInWhileBooting, ServingInstancesBeyondTheCountWantedEndFirst) {
  const Plan plan =
      testing::EvaluateOrFail(PerSecondTarget(), TwoServingTwoBooting(1)).plan;
  // One serving instance is beyond the one wanted: the on-demand one.
  EXPECT_THAT(Ended(plan), UnorderedElementsAre("od-1", "sp-2", "sp-3"));
}

TEST(ScaleInWhileBooting, WithNothingBootingTheBillingOrderDecides) {
  EvaluationInput input = TwoServingTwoBooting(2);
  for (Instance& i : input.fleet.instances) i.state = InstanceState::kRunning;
  const Plan plan = testing::EvaluateOrFail(PerSecondTarget(), input).plan;
  // On-demand first, then the youngest.
  const std::vector<std::string> ended = Ended(plan);
  ASSERT_EQ(ended.size(), 2u);
  EXPECT_EQ(std::count(ended.begin(), ended.end(), "od-1"), 1);
  EXPECT_EQ(std::count(ended.begin(), ended.end(), "sp-1"), 0);
}

TEST(ScaleInWhileBooting, UnderHourlyBillingTheBillingOrderDecides) {
  Policy p = PerSecondTarget();
  p.billing.model = BillingModel::kHourly;
  // od-1 and sp-1 are 30 min into their hour; 40 and 35 min later they are
  // at the limit. The booting ones would waste their first hour.
  EvaluationInput input = TwoServingTwoBooting(2);
  input.fleet.instances[0].launch_time = T0() - absl::Minutes(45);
  input.fleet.instances[1].launch_time = T0() - absl::Minutes(45);
  const Plan plan = testing::EvaluateOrFail(p, input).plan;
  // Keeping them would pay a new hour each for the minutes the others boot.
  EXPECT_THAT(Ended(plan), UnorderedElementsAre("od-1", "sp-1"));
}

TEST(ScaleInWhileBooting, AnInstanceWithoutItsAgentBootsWhenAgentsAreReported) {
  EvaluationInput input = TwoServingTwoBooting(2);
  for (Instance& i : input.fleet.instances) i.state = InstanceState::kRunning;
  input.cluster.reports_agents = true;
  input.cluster.burst_agents = {{.instance_id = "od-1", .agent_id = "a-1"},
                                {.instance_id = "sp-1", .agent_id = "a-2"}};
  Policy p = PerSecondTarget();
  const Plan plan = testing::EvaluateOrFail(p, input).plan;
  // sp-2 and sp-3 have no agent: they end at once (nothing to drain), and
  // the agents that serve are not drained.
  EXPECT_THAT(Ended(plan), UnorderedElementsAre("sp-2", "sp-3"));
}

TEST(ScaleInWhileBooting, BootingInstancesNotYetEndableArePostponed) {
  Policy p = PerSecondTarget();
  p.scaling.min_instance_lifetime = absl::Minutes(10);
  const Plan plan = testing::EvaluateOrFail(p, TwoServingTwoBooting(2)).plan;
  // The serving ones stay; the booting ones wait for their minimum
  // lifetime rather than a serving one ending in their place.
  EXPECT_THAT(Ended(plan), IsEmpty());
  int postponed = 0;
  for (const Action& a : plan.actions) {
    if (a.kind == ActionKind::kPostponeTermination) {
      ++postponed;
      EXPECT_NE(a.instance_id, "od-1");
      EXPECT_NE(a.instance_id, "sp-1");
    }
  }
  EXPECT_EQ(postponed, 2);
}

}  // namespace
}  // namespace spotburst
