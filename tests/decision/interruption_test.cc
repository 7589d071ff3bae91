// Instances under an interruption notice: not counted, replaced at once,
// never ended by the policy, and still within max_instances.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/wire_format.h"
#include "testing/engine_fixtures.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::CountKind;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::T0;
using ::spotburst::testing::UsingCpus;
using ::testing::HasSubstr;

Instance Interrupted(std::string id) {
  Instance i = SpotInstance(std::move(id), T0() - absl::Minutes(30));
  i.interruption_notice = true;
  i.interruption_time = T0() + absl::Minutes(2);
  return i;
}

absl::StatusOr<Evaluation> Evaluate(const Policy& policy, double cpus_used,
                                    std::vector<Instance> instances) {
  absl::StatusOr<Engine> engine = Engine::Create(policy);
  if (!engine.ok()) return engine.status();
  EvaluationInput input{.cluster = UsingCpus(cpus_used),
                        .markets = {testing::Market(0.027)}};
  input.fleet.instances = std::move(instances);
  return engine->Evaluate(input, T0());
}

const Action* FindKind(const Plan& plan, ActionKind kind) {
  for (const Action& a : plan.actions) {
    if (a.kind == kind) return &a;
  }
  return nullptr;
}

TEST(Interruption, TheInterruptedInstanceIsReplacedAtOnceAndSaysWhy) {
  // 40 CPUs of baseline + 3 x 2; 34 used keeps 3 instances (steady).
  const std::vector<Instance> steady = {
      SpotInstance("i-1", T0() - absl::Minutes(30)),
      SpotInstance("i-2", T0() - absl::Minutes(30)),
      SpotInstance("i-3", T0() - absl::Minutes(30))};
  absl::StatusOr<Evaluation> before = Evaluate(PrototypePolicy(), 34, steady);
  ASSERT_THAT(before, IsOk());
  EXPECT_EQ(CountKind(before->plan, ActionKind::kRequestSpot), 0);

  std::vector<Instance> noticed = steady;
  noticed[1] = Interrupted("i-2");
  absl::StatusOr<Evaluation> e = Evaluate(PrototypePolicy(), 34, noticed);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->plan.running, 2);
  const Action* request = FindKind(e->plan, ActionKind::kRequestSpot);
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->count, 1);
  EXPECT_THAT(request->reasons[0].message(),
              HasSubstr("(1 under interruption notice, not counted)"));
  EXPECT_THAT(PlanToText(e->plan),
              HasSubstr("note interruption: 1 instance(s) under interruption "
                        "notice: i-2 (ends 2015-12-13T09:48:40Z); not counted "
                        "as capacity and never ended by the policy"));
}

TEST(Interruption, ScaleInNeverEndsAnInterruptedInstance) {
  Policy policy = PrototypePolicy();
  // Nothing used: every instance may go, at a good billing point.
  absl::StatusOr<Evaluation> e = Evaluate(
      policy, 0,
      {Interrupted("i-1"), SpotInstance("i-2", T0() - absl::Minutes(30)),
       SpotInstance("i-3", T0() - absl::Minutes(30))});
  ASSERT_THAT(e, IsOk());
  for (const Action& a : e->plan.actions) {
    EXPECT_NE(a.instance_id, "i-1") << ActionKindName(a.kind);
  }
  EXPECT_EQ(CountKind(e->plan, ActionKind::kTerminateInstance), 2);
}

TEST(Interruption, ReplacementsStayWithinMaxInstances) {
  Policy policy = PrototypePolicy();
  policy.scaling.max_instances = 3;
  // Busy: wants more than the 3 it may have; one of the 3 is interrupted.
  absl::StatusOr<Evaluation> e = Evaluate(
      policy, 45,
      {SpotInstance("i-1", T0() - absl::Minutes(30)), Interrupted("i-2"),
       SpotInstance("i-3", T0() - absl::Minutes(30))});
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(CountKind(e->plan, ActionKind::kRequestSpot), 0);
  EXPECT_THAT(PlanToText(e->plan), HasSubstr("room for 0 under max 3"));
}

TEST(Interruption, TheNoticeTravelsThroughTheWireFormat) {
  EvaluationInput input;
  input.fleet.instances = {Interrupted("i-2")};
  absl::StatusOr<StateWithTime> back = ParseStateJson(StateToJson(input, T0()));
  ASSERT_THAT(back, IsOk());
  ASSERT_EQ(back->input.fleet.instances.size(), 1u);
  EXPECT_TRUE(back->input.fleet.instances[0].interruption_notice);
  EXPECT_EQ(back->input.fleet.instances[0].interruption_time,
            T0() + absl::Minutes(2));
}

}  // namespace
}  // namespace spotburst
