// instance.alternatives: a scale-in removes units, in the billing order,
// skipping instances and requests that weigh more than is left to remove.
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
using ::spotburst::testing::OpenRequest;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::T0;
using ::spotburst::testing::UsingCpus;

// c4.large (2 CPUs) is the unit; a c4.xlarge holds two.
Policy TwoTypes() {
  Policy p = PrototypePolicy();
  p.scaling.strategy = "target";
  p.instance.alternatives.push_back(testing::C4Xlarge());
  return p;
}

Evaluation Decide(const Policy& policy, const EvaluationInput& input) {
  return testing::EvaluateOrFail(policy, input);
}

std::vector<std::string> Ids(const Plan& plan, ActionKind kind) {
  std::vector<std::string> ids;
  for (const Action& a : plan.actions) {
    if (a.kind == kind) {
      ids.push_back(a.instance_id.empty() ? a.request_id : a.instance_id);
    }
  }
  return ids;
}

// 32 CPUs used: the target strategy wants 2 units (32 / (40 + 2 x 2) is
// under the 0.75 burst point, 32 / (40 + 2) is not).
constexpr double kUsedForTwoUnits = 32;

TEST(ScaleInUnits, SkipsAnInstanceHeavierThanWhatIsLeftToRemove) {
  EvaluationInput input{.cluster = UsingCpus(kUsedForTwoUnits),
                        .markets = {Market(0.03)}};
  // The c4.xlarge is 55 min into its hour, first to end by billing; it
  // weighs 2 and 1 unit is to go: the c4.large (30 min in) ends instead.
  Instance heavy = SpotInstance("i-heavy", T0() - absl::Minutes(55));
  heavy.instance_type = "c4.xlarge";
  input.fleet.instances = {heavy,
                           SpotInstance("i-light", T0() - absl::Minutes(30))};
  const Evaluation e = Decide(TwoTypes(), input);
  EXPECT_EQ(e.plan.running, 3);
  EXPECT_EQ(e.plan.desired, 2);
  EXPECT_EQ(Ids(e.plan, ActionKind::kTerminateInstance),
            std::vector<std::string>{"i-light"});
  EXPECT_TRUE(Ids(e.plan, ActionKind::kPostponeTermination).empty());
}

TEST(ScaleInUnits, AnInstanceOfTheRightWeightEndsFirstInBillingOrder) {
  EvaluationInput input{.cluster = UsingCpus(0), .markets = {Market(0.03)}};
  // 4 units, none wanted: the c4.xlarge ends as well as the c4.large.
  Instance heavy = SpotInstance("i-heavy", T0() - absl::Minutes(55));
  heavy.instance_type = "c4.xlarge";
  input.fleet.instances = {heavy,
                           SpotInstance("i-light", T0() - absl::Minutes(30)),
                           SpotInstance("i-young", T0() - absl::Minutes(5))};
  const Evaluation e = Decide(TwoTypes(), input);
  EXPECT_EQ(e.plan.running, 4);
  EXPECT_EQ(Ids(e.plan, ActionKind::kTerminateInstance),
            (std::vector<std::string>{"i-heavy", "i-light"}));
  // The young one is postponed to its good billing point.
  EXPECT_EQ(Ids(e.plan, ActionKind::kPostponeTermination),
            std::vector<std::string>{"i-young"});
}

TEST(ScaleInUnits, OpenRequestsAreCancelledFirstCountingTheirUnits) {
  // 34 CPUs used: 3 units wanted of the 4 counted.
  EvaluationInput input{.cluster = UsingCpus(34), .markets = {Market(0.03)}};
  input.fleet.instances = {SpotInstance("i-1", T0() - absl::Minutes(30))};
  // The newest request weighs 2: cancelling it would remove too much.
  SpotRequest heavy = OpenRequest("sir-heavy", T0() - absl::Minutes(1));
  heavy.instance_type = "c4.xlarge";
  input.fleet.requests = {OpenRequest("sir-light", T0() - absl::Minutes(2)),
                          heavy};
  const Evaluation e = Decide(TwoTypes(), input);
  EXPECT_EQ(e.plan.pending, 3);
  EXPECT_EQ(e.plan.desired, 3);
  EXPECT_EQ(Ids(e.plan, ActionKind::kCancelRequest),
            std::vector<std::string>{"sir-light"});
  EXPECT_TRUE(Ids(e.plan, ActionKind::kTerminateInstance).empty());
}

}  // namespace
}  // namespace spotburst
