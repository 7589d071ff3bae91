// instance.alternatives: the fleet is counted in units of instance.shape,
// each instance and open request weighing its type's weight.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/policy.h"
#include "testing/engine_fixtures.h"

namespace spotburst {
namespace {

using ::spotburst::testing::CountKind;
using ::spotburst::testing::Market;
using ::spotburst::testing::OpenRequest;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::T0;
using ::spotburst::testing::UsingCpus;
using ::testing::HasSubstr;

// c4.large is the unit; a c4.xlarge holds two.
Policy TwoTypes() {
  Policy p = PrototypePolicy();
  p.instance.alternatives.push_back(testing::C4Xlarge());
  return p;
}

Instance Xlarge(std::string id) {
  Instance i = SpotInstance(std::move(id), T0() - absl::Minutes(30));
  i.instance_type = "c4.xlarge";
  return i;
}

Plan Decide(const Policy& policy, const EvaluationInput& input) {
  return testing::EvaluateOrFail(policy, input).plan;
}

TEST(UnitCount, InstancesAndRequestsCountTheirTypesWeight) {
  EvaluationInput input{.cluster = UsingCpus(30), .markets = {Market(0.03)}};
  input.fleet.instances = {Xlarge("i-1"), Xlarge("i-2"),
                           SpotInstance("i-3", T0() - absl::Minutes(30))};
  SpotRequest open = OpenRequest("sir-1", T0() - absl::Minutes(1));
  open.instance_type = "c4.xlarge";
  input.fleet.requests = {open, OpenRequest("sir-2", T0())};
  const Plan plan = Decide(TwoTypes(), input);
  EXPECT_EQ(plan.running, 2 * 2 + 1);
  EXPECT_EQ(plan.pending, 2 + 1);
}

TEST(UnitCount, ATypeThePolicyDoesNotListCountsOne) {
  EvaluationInput input{.cluster = UsingCpus(30), .markets = {Market(0.03)}};
  Instance other = Xlarge("i-1");
  other.instance_type = "m3.medium";
  input.fleet.instances = {other};
  EXPECT_EQ(Decide(TwoTypes(), input).running, 1);
}

TEST(UnitCount, MaxInstancesCapsUnits) {
  Policy p = TwoTypes();
  p.scaling.strategy = "target";
  p.scaling.max_instances = 8;
  // Far over the burst point: the strategy wants more.
  EvaluationInput input{.cluster = UsingCpus(80), .markets = {Market(0.03)}};
  input.cluster.queued.cpus = 40;
  input.fleet.instances = {Xlarge("i-1"), Xlarge("i-2"), Xlarge("i-3")};
  // 3 x 2 = 6 units of 8: room for 2 more units, not 5 more instances.
  const Plan plan = Decide(p, input);
  EXPECT_EQ(plan.running, 6);
  EXPECT_EQ(CountKind(plan, ActionKind::kRequestSpot), 2);
  input.fleet.instances.push_back(Xlarge("i-4"));
  const Plan full = Decide(p, input);
  EXPECT_EQ(CountKind(full, ActionKind::kRequestSpot), 0);
  bool at_max = false;
  for (const Reason& note : full.notes) {
    at_max = at_max || note.code == ReasonCode::kAtMaxInstances;
  }
  EXPECT_TRUE(at_max);
}

}  // namespace
}  // namespace spotburst
