// Instances under an interruption notice: not counted, replaced at once
// (through a scale-up cooldown, once each), never ended by the policy, and
// still within max_instances.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/wire_format.h"
#include "testing/engine_fixtures.h"
#include "testing/state_round_trip.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::CountKind;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::StatusIs;
using ::spotburst::testing::T0;
using ::spotburst::testing::UsingCpus;
using ::testing::HasSubstr;
using ::testing::Not;

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

// The prototype's policy with a 10-minute scale-up cooldown, the last
// scale-up a minute ago.
Policy CoolingDownPolicy() {
  Policy policy = PrototypePolicy();
  policy.scaling.scale_up_cooldown = absl::Minutes(10);
  return policy;
}

Evaluation EvaluateCoolingDown(double cpus_used, Fleet fleet,
                               EngineState state) {
  state.last_scale_up = T0() - absl::Minutes(1);
  EvaluationInput input{.cluster = UsingCpus(cpus_used),
                        .markets = {testing::Market(0.027)},
                        .fleet = std::move(fleet),
                        .state = std::move(state)};
  return testing::EvaluateOrFail(CoolingDownPolicy(), input);
}

const Reason* FindNote(const Plan& plan, ReasonCode code) {
  for (const Reason& note : plan.notes) {
    if (note.code == code) return &note;
  }
  return nullptr;
}

TEST(Interruption, AScaleUpCooldownStillLetsTheReplacementThrough) {
  Fleet fleet;
  fleet.instances = {SpotInstance("i-1", T0() - absl::Minutes(30)),
                     Interrupted("i-2"),
                     SpotInstance("i-3", T0() - absl::Minutes(30))};
  const Evaluation e = EvaluateCoolingDown(34, fleet, {});
  const Action* request = FindKind(e.plan, ActionKind::kRequestSpot);
  ASSERT_NE(request, nullptr) << PlanToText(e.plan);
  EXPECT_EQ(request->count, 1);
  const Reason* cooldown = FindNote(e.plan, ReasonCode::kCooldown);
  ASSERT_NE(cooldown, nullptr);
  EXPECT_THAT(cooldown->message(),
              HasSubstr("scale-up to 3 held: last scale-up 1m ago, cooldown "
                        "10m; replacing 1 unit(s) under interruption notice "
                        "now"));
  EXPECT_EQ(testing::FigureOf(*cooldown, "replacing_notices"), 1);
  EXPECT_THAT(e.state.replaced_notices, ::testing::ElementsAre("i-2"));
  // Replacing is no growth: the cooldown runs from the last scale-up.
  EXPECT_EQ(e.state.last_scale_up, T0() - absl::Minutes(1));
}

TEST(Interruption, EachNoticeIsReplacedThroughTheCooldownOnce) {
  // The replacement asked for at the notice is open; demand has grown.
  Fleet fleet;
  fleet.instances = {SpotInstance("i-1", T0() - absl::Minutes(30)),
                     Interrupted("i-2"),
                     SpotInstance("i-3", T0() - absl::Minutes(30))};
  fleet.requests = {testing::OpenRequest("sir-1", T0() - absl::Seconds(30))};
  const Evaluation e =
      EvaluateCoolingDown(40, fleet, {.replaced_notices = {"i-2"}});
  EXPECT_EQ(CountKind(e.plan, ActionKind::kRequestSpot), 0)
      << PlanToText(e.plan);
  const Reason* cooldown = FindNote(e.plan, ReasonCode::kCooldown);
  ASSERT_NE(cooldown, nullptr);
  EXPECT_THAT(cooldown->message(), HasSubstr("scale-up to 4 held"));
  EXPECT_THAT(cooldown->message(), Not(HasSubstr("replacing")));
  EXPECT_THAT(e.state.replaced_notices, ::testing::ElementsAre("i-2"));
}

TEST(Interruption, ARefusedReplacementIsTriedAgainWithinTheCooldown) {
  // The replacement made at the notice, within the cooldown of a scale-up
  // five minutes ago, was refused: it is not in the fleet. (An on-demand
  // launch, so that spot stays open in the policy's one zone.)
  Fleet fleet;
  fleet.instances = {SpotInstance("i-1", T0() - absl::Minutes(30)),
                     Interrupted("i-2"),
                     SpotInstance("i-3", T0() - absl::Minutes(30))};
  EvaluationInput input{
      .cluster = UsingCpus(34),
      .markets = {testing::Market(0.027)},
      .fleet = std::move(fleet),
      .state = {.last_scale_up = T0() - absl::Minutes(5),
                .replaced_notices = {"i-2"}},
      .launch_failures = {{.market = {.instance_type = "c4.large",
                                      .availability_zone = "us-east-1a"},
                           .lifecycle = Lifecycle::kOnDemand,
                           .cause = FailureCause::kCapacity,
                           .time = T0() - absl::Minutes(1),
                           .code = "InsufficientInstanceCapacity"}}};
  const Evaluation e = testing::EvaluateOrFail(CoolingDownPolicy(), input);
  EXPECT_EQ(CountKind(e.plan, ActionKind::kRequestSpot), 1)
      << PlanToText(e.plan);
  EXPECT_THAT(e.state.replaced_notices, ::testing::ElementsAre("i-2"));
  EXPECT_EQ(e.state.last_scale_up, T0());
}

TEST(Interruption, AReplacementOutsideTheCooldownIsRememberedToo) {
  Fleet fleet;
  fleet.instances = {SpotInstance("i-1", T0() - absl::Minutes(30)),
                     Interrupted("i-2"),
                     SpotInstance("i-3", T0() - absl::Minutes(30))};
  EvaluationInput input{.cluster = UsingCpus(34),
                        .markets = {testing::Market(0.027)},
                        .fleet = fleet};
  const Evaluation e = testing::EvaluateOrFail(CoolingDownPolicy(), input);
  EXPECT_EQ(CountKind(e.plan, ActionKind::kRequestSpot), 1);
  EXPECT_EQ(e.state.last_scale_up, T0());
  EXPECT_THAT(e.state.replaced_notices, ::testing::ElementsAre("i-2"));
}

TEST(Interruption, AReplacedNoticeIsForgottenOnceItsInstanceIsGone) {
  Fleet fleet;
  fleet.instances = {SpotInstance("i-1", T0() - absl::Minutes(30)),
                     SpotInstance("i-3", T0() - absl::Minutes(30)),
                     SpotInstance("i-4", T0() - absl::Minutes(1))};
  const Evaluation e =
      EvaluateCoolingDown(34, fleet, {.replaced_notices = {"i-2"}});
  EXPECT_THAT(e.state.replaced_notices, ::testing::IsEmpty());
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

TEST(Interruption, TheReplacedNoticesTravelThroughTheWireFormat) {
  EngineState state;
  state.replaced_notices = {"i-2", "i-5"};
  EXPECT_THAT(testing::ExpectStateRoundTrips(state, T0()),
              HasSubstr(R"("replaced_notices":["i-2","i-5"])"));
}

TEST(Interruption, AnEmptyReplacedNoticeIsRefusedByName) {
  EXPECT_THAT(ParseStateJson(R"({"now": "2015-12-13T09:46:40Z", "engine": )"
                             R"({"replaced_notices": ["i-2", ""]}})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("engine.replaced_notices[1]: required")));
}

}  // namespace
}  // namespace spotburst
