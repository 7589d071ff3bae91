// When the cluster reports its agents: instances without one are booting,
// an instance's agent is drained before the instance ends (at once on an
// interruption notice), and demand held back never triggers a burst.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
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
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

Policy DrainingPolicy() {
  Policy p = PrototypePolicy();
  p.billing.drain_time = absl::Minutes(5);
  return p;
}

BurstAgent Agent(std::string instance_id,
                 AgentState state = AgentState::kActive) {
  return {.instance_id = instance_id,
          .agent_id = "S-" + instance_id,
          .state = state,
          .total = {.cpus = 2, .mem_mib = 3840}};
}

struct World {
  double cpus_used = 0;
  std::vector<Instance> instances;
  std::vector<BurstAgent> agents;
  bool reports_agents = true;
  EngineState state;
  std::vector<HeldBackDemand> held_back;
  Resources queued;
};

absl::StatusOr<Evaluation> Evaluate(const World& w, absl::Time now = T0(),
                                    Policy policy = DrainingPolicy()) {
  absl::StatusOr<Engine> engine = Engine::Create(std::move(policy));
  if (!engine.ok()) return engine.status();
  EvaluationInput input{.cluster = UsingCpus(w.cpus_used),
                        .markets = {testing::Market(0.027, -1, -1, -1, now)},
                        .state = w.state};
  input.cluster.queued = w.queued;
  input.cluster.held_back = w.held_back;
  input.cluster.reports_agents = w.reports_agents;
  input.cluster.burst_agents = w.agents;
  input.fleet.instances = w.instances;
  return engine->Evaluate(input, now);
}

const Action* Find(const Plan& plan, ActionKind kind,
                   const std::string& instance_id) {
  for (const Action& a : plan.actions) {
    if (a.kind == kind && a.instance_id == instance_id) return &a;
  }
  return nullptr;
}

// Two instances 30 min into their hour, nothing used: both may end now.
World Idle() {
  return {.instances = {SpotInstance("i-1", T0() - absl::Minutes(30)),
                        SpotInstance("i-2", T0() - absl::Minutes(30))},
          .agents = {Agent("i-1"), Agent("i-2")}};
}

TEST(AgentDrain, WithoutAgentsReportedInstancesEndAtOnce) {
  World w = Idle();
  w.reports_agents = false;
  absl::StatusOr<Evaluation> e = Evaluate(w);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(CountKind(e->plan, ActionKind::kTerminateInstance), 2);
  EXPECT_EQ(CountKind(e->plan, ActionKind::kDrainInstance), 0);
  EXPECT_THAT(e->state.drains, IsEmpty());
}

TEST(AgentDrain, ScaleInDrainsTheAgentFirstAndRemembersIt) {
  absl::StatusOr<Evaluation> e = Evaluate(Idle());
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(CountKind(e->plan, ActionKind::kTerminateInstance), 0);
  ASSERT_EQ(CountKind(e->plan, ActionKind::kDrainInstance), 2);
  const Action* drain = Find(e->plan, ActionKind::kDrainInstance, "i-1");
  ASSERT_NE(drain, nullptr);
  EXPECT_EQ(drain->reasons.back().code, ReasonCode::kDrain);
  EXPECT_THAT(drain->reasons.back().message(),
              HasSubstr("drain agent S-i-1 of i-1 first: its tasks get up to "
                        "5m (billing.drain_time_s)"));
  EXPECT_EQ(e->plan.draining, 2);
  EXPECT_THAT(e->state.drains,
              ElementsAre(Field(&AgentDrain::instance_id, "i-1"),
                          Field(&AgentDrain::instance_id, "i-2")));
  EXPECT_EQ(e->state.drains[0].started, T0());
  EXPECT_FALSE(e->state.drains[0].for_interruption);
  // Still alive and paid for until it ends.
  EXPECT_NEAR(e->plan.fleet_usd_per_hour, 2 * 0.127, 1e-9);
  EXPECT_THAT(PlanToText(e->plan),
              HasSubstr("instances: running 2, pending 0, draining 2"));
  EXPECT_THAT(PlanToText(e->plan), HasSubstr("  drain-instance i-1: "));
}

TEST(AgentDrain, WaitsWhileDrainingThenEndsWhenDrained) {
  World w = Idle();
  absl::StatusOr<Evaluation> first = Evaluate(w);
  ASSERT_THAT(first, IsOk());
  w.state = first->state;
  w.agents = {Agent("i-1", AgentState::kDraining),
              Agent("i-2", AgentState::kDraining)};
  absl::StatusOr<Evaluation> waiting = Evaluate(w, T0() + absl::Minutes(2));
  ASSERT_THAT(waiting, IsOk());
  EXPECT_EQ(CountKind(waiting->plan, ActionKind::kTerminateInstance), 0);
  EXPECT_EQ(CountKind(waiting->plan, ActionKind::kDrainInstance), 0);
  EXPECT_EQ(waiting->plan.running, 0);  // draining ones are not capacity
  EXPECT_EQ(waiting->plan.draining, 2);
  EXPECT_THAT(PlanToText(waiting->plan),
              HasSubstr("note draining: waiting for 2 agent(s) to drain before "
                        "their instance ends: i-1 (agent S-i-1 draining, 2 min "
                        "of 5 min)"));

  w.state = waiting->state;
  w.agents = {Agent("i-1", AgentState::kDrained),
              Agent("i-2", AgentState::kDraining)};
  absl::StatusOr<Evaluation> done = Evaluate(w, T0() + absl::Minutes(3));
  ASSERT_THAT(done, IsOk());
  const Action* end = Find(done->plan, ActionKind::kTerminateInstance, "i-1");
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->reasons.back().code, ReasonCode::kDrained);
  EXPECT_EQ(end->reasons.back().message(),
            "i-1's agent S-i-1 drained in 3 min");
  EXPECT_EQ(Find(done->plan, ActionKind::kTerminateInstance, "i-2"), nullptr);
  EXPECT_EQ(done->plan.draining, 1);
  // The drain is remembered until the instance is gone from the fleet.
  EXPECT_EQ(done->state.drains.size(), 2u);
  w.state = done->state;
  w.instances.erase(w.instances.begin());
  absl::StatusOr<Evaluation> after = Evaluate(w, T0() + absl::Minutes(4));
  ASSERT_THAT(after, IsOk());
  EXPECT_THAT(after->state.drains,
              ElementsAre(Field(&AgentDrain::instance_id, "i-2")));
}

TEST(AgentDrain, PerSecondADrainOverEarlyEndsAtTheMinimumBilledTime) {
  // Billed at least 6 min; the 1-min drain starts 5 min in, and the idle
  // agent is drained at once.
  Policy policy = DrainingPolicy();
  policy.billing.model = BillingModel::kPerSecond;
  policy.billing.minimum_billed = absl::Minutes(6);
  policy.billing.drain_time = absl::Minutes(1);
  World w{.instances = {SpotInstance("i-1", T0() - absl::Minutes(5))},
          .agents = {Agent("i-1")}};
  absl::StatusOr<Evaluation> first = Evaluate(w, T0(), policy);
  ASSERT_THAT(first, IsOk());
  ASSERT_EQ(CountKind(first->plan, ActionKind::kDrainInstance), 1);

  w.state = first->state;
  w.agents = {Agent("i-1", AgentState::kDrained)};
  absl::StatusOr<Evaluation> early =
      Evaluate(w, T0() + absl::Seconds(30), policy);
  ASSERT_THAT(early, IsOk());
  EXPECT_EQ(CountKind(early->plan, ActionKind::kTerminateInstance), 0);
  EXPECT_EQ(early->plan.draining, 1);
  EXPECT_EQ(early->plan.running, 0);
  EXPECT_THAT(PlanToText(early->plan),
              HasSubstr("holding 1 drained instance(s) until their minimum "
                        "billed time: i-1's agent S-i-1 is drained (billed "
                        "5m30s < minimum 6m; ends at 2015-12-13 09:47:40)"));

  w.state = early->state;
  absl::StatusOr<Evaluation> due = Evaluate(w, T0() + absl::Minutes(1), policy);
  ASSERT_THAT(due, IsOk());
  const Action* end = Find(due->plan, ActionKind::kTerminateInstance, "i-1");
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->into_billing_period, absl::Minutes(6));
  EXPECT_EQ(due->plan.draining, 0);
}

// An instance whose agent never joined ends without a drain, so its end
// waits for the minimum billed time itself, not for that minus the drain.
TEST(AgentDrain, PerSecondABootingInstanceEndsAtTheMinimumBilledTime) {
  Policy policy = DrainingPolicy();
  policy.billing.model = BillingModel::kPerSecond;
  policy.billing.minimum_billed = absl::Minutes(6);
  policy.billing.drain_time = absl::Minutes(2);
  World w{.instances = {SpotInstance("i-1", T0() - absl::Minutes(5))},
          .agents = {}};
  absl::StatusOr<Evaluation> early = Evaluate(w, T0(), policy);
  ASSERT_THAT(early, IsOk());
  EXPECT_EQ(CountKind(early->plan, ActionKind::kTerminateInstance), 0);
  const Action* wait =
      Find(early->plan, ActionKind::kPostponeTermination, "i-1");
  ASSERT_NE(wait, nullptr);
  EXPECT_EQ(wait->endable_at, T0() + absl::Minutes(1));

  w.state = early->state;
  absl::StatusOr<Evaluation> due = Evaluate(w, T0() + absl::Minutes(1), policy);
  ASSERT_THAT(due, IsOk());
  const Action* end = Find(due->plan, ActionKind::kTerminateInstance, "i-1");
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->into_billing_period, absl::Minutes(6));
}

TEST(AgentDrain, EndsWhenTheGracePeriodIsUp) {
  World w = Idle();
  absl::StatusOr<Evaluation> first = Evaluate(w);
  ASSERT_THAT(first, IsOk());
  w.state = first->state;
  w.agents = {Agent("i-1", AgentState::kDraining),
              Agent("i-2", AgentState::kActive)};
  absl::StatusOr<Evaluation> e = Evaluate(w, T0() + absl::Minutes(5));
  ASSERT_THAT(e, IsOk());
  const Action* end = Find(e->plan, ActionKind::kTerminateInstance, "i-1");
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->reasons.back().message(),
            "i-1's agent S-i-1 still draining after 5 min >= grace 5 min "
            "(billing.drain_time_s): ending it");
  // An agent that never started draining ends the same way.
  EXPECT_NE(Find(e->plan, ActionKind::kTerminateInstance, "i-2"), nullptr);
  EXPECT_EQ(e->plan.draining, 0);
}

TEST(AgentDrain, AnAgentThatLeftEndsItsInstanceAtOnce) {
  World w = Idle();
  absl::StatusOr<Evaluation> first = Evaluate(w);
  ASSERT_THAT(first, IsOk());
  w.state = first->state;
  w.agents = {Agent("i-2", AgentState::kDraining)};
  absl::StatusOr<Evaluation> e = Evaluate(w, T0() + absl::Minutes(1));
  ASSERT_THAT(e, IsOk());
  const Action* end = Find(e->plan, ActionKind::kTerminateInstance, "i-1");
  ASSERT_NE(end, nullptr);
  EXPECT_THAT(end->reasons.back().message(),
              HasSubstr("i-1's agent left the cluster after 1 min"));
}

TEST(AgentDrain, AnInstanceWithoutAgentIsBootingAndEndsWithoutDrain) {
  World w = Idle();
  w.agents = {Agent("i-2"), Agent("i-3", AgentState::kDrained)};
  w.instances.push_back(SpotInstance("i-3", T0() - absl::Minutes(30)));
  absl::StatusOr<Evaluation> e = Evaluate(w);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->plan.booting, 1);
  // i-3's drained agent takes no work: not counted.
  EXPECT_THAT(PlanToText(e->plan), HasSubstr("running 2 (1 booting)"));
  EXPECT_THAT(PlanToText(e->plan),
              HasSubstr("note booting: 1 instance(s) whose agent has not "
                        "joined the cluster yet: i-1 (up 30 min)"));
  const Action* end = Find(e->plan, ActionKind::kTerminateInstance, "i-1");
  ASSERT_NE(end, nullptr);
  EXPECT_THAT(end->reasons.back().message(),
              HasSubstr("i-1 has no agent in the cluster: nothing to drain"));
  // An agent drained already needs no second drain.
  const Action* drained = Find(e->plan, ActionKind::kTerminateInstance, "i-3");
  ASSERT_NE(drained, nullptr);
  EXPECT_EQ(drained->reasons.back().message(), "i-3's agent S-i-3 is drained");
  EXPECT_EQ(Find(e->plan, ActionKind::kDrainInstance, "i-3"), nullptr);
  EXPECT_NE(Find(e->plan, ActionKind::kDrainInstance, "i-2"), nullptr);
}

TEST(AgentDrain, AnInterruptionNoticeDrainsAtOnceAndNeverEnds) {
  World w;
  w.cpus_used = 34;  // 3 instances are right: no scale-in
  w.instances = {SpotInstance("i-1", T0() - absl::Minutes(30)),
                 SpotInstance("i-2", T0() - absl::Minutes(30)),
                 SpotInstance("i-3", T0() - absl::Minutes(30))};
  w.instances[1].interruption_notice = true;
  w.instances[1].interruption_time = T0() + absl::Minutes(2);
  w.agents = {Agent("i-1"), Agent("i-2"), Agent("i-3")};
  absl::StatusOr<Evaluation> e = Evaluate(w);
  ASSERT_THAT(e, IsOk());
  const Action* drain = Find(e->plan, ActionKind::kDrainInstance, "i-2");
  ASSERT_NE(drain, nullptr);
  EXPECT_EQ(drain->reasons[0].code, ReasonCode::kInterruption);
  EXPECT_THAT(drain->reasons[0].message(),
              HasSubstr("i-2 has an interruption notice (ends at 2015-12-13 "
                        "09:48:40): drain agent S-i-2 now"));
  ASSERT_EQ(e->state.drains.size(), 1u);
  EXPECT_TRUE(e->state.drains[0].for_interruption);
  // Its replacement is requested in the same plan.
  EXPECT_EQ(CountKind(e->plan, ActionKind::kRequestSpot), 1);

  // Drained, or past any grace period: the provider ends it, not the policy.
  w.state = e->state;
  w.agents[1].state = AgentState::kDrained;
  absl::StatusOr<Evaluation> later = Evaluate(w, T0() + absl::Minutes(10));
  ASSERT_THAT(later, IsOk());
  EXPECT_EQ(Find(later->plan, ActionKind::kTerminateInstance, "i-2"), nullptr);
  EXPECT_EQ(Find(later->plan, ActionKind::kDrainInstance, "i-2"), nullptr);
}

TEST(AgentDrain, HeldBackDemandIsReportedAndNeverBursts) {
  World w;
  w.cpus_used = 20;  // well under the burst point
  w.held_back = {{.workload = "/etl/pinned",
                  .reason = HoldReason::kPlacementConstraint,
                  .instances = 4,
                  .resources = {.cpus = 8, .mem_mib = 16384},
                  .detail = "constraint cloud_type:CLUSTER:private"},
                 {.workload = "/web/crashy",
                  .reason = HoldReason::kLaunchDelay,
                  .instances = 1,
                  .resources = {.cpus = 1},
                  .detail = "backed off 240 s after failed launches"}};
  absl::StatusOr<Evaluation> e = Evaluate(w);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(CountKind(e->plan, ActionKind::kRequestSpot), 0);
  EXPECT_THAT(
      PlanToText(e->plan),
      HasSubstr("note unmet-demand: waiting demand: queued for resources "
                "nothing (may burst); held back cpus 9, mem 16384 MiB, which "
                "more capacity would not serve: /etl/pinned x4 (cpus 8, mem "
                "16384 MiB) by placement-constraint: constraint "
                "cloud_type:CLUSTER:private; /web/crashy x1 (cpus 1) by "
                "launch-delay: backed off 240 s after failed launches"));

  // Queued demand still bursts (with a strategy that counts it), and the
  // note shows the split.
  w.queued = {.cpus = 24, .mem_mib = 4096};
  Policy target = DrainingPolicy();
  target.scaling.strategy = "target";
  absl::StatusOr<Evaluation> queued = Evaluate(w, T0(), target);
  ASSERT_THAT(queued, IsOk());
  EXPECT_GT(CountKind(queued->plan, ActionKind::kRequestSpot), 0);
  EXPECT_THAT(PlanToText(queued->plan),
              HasSubstr("queued for resources cpus 24, mem 4096 MiB (may "
                        "burst)"));
}

TEST(AgentDrain, NoNoteWithoutHeldBackDemandOrAgents) {
  World w = Idle();
  w.reports_agents = false;
  absl::StatusOr<Evaluation> e = Evaluate(w);
  ASSERT_THAT(e, IsOk());
  for (const Reason& note : e->plan.notes) {
    EXPECT_NE(note.code, ReasonCode::kUnmetDemand);
    EXPECT_NE(note.code, ReasonCode::kBooting);
  }
  EXPECT_THAT(PlanToText(e->plan), Not(HasSubstr("booting")));
}

TEST(AgentDrain, ADrainTheStateDoesNotKnowIsTakenOn) {
  // A controller restarted with no state: the cluster still drains i-1's
  // agent (an earlier drain), and i-2's is drained already.
  World w;
  w.cpus_used = 34;  // enough for the 3 instances: no scale-in wanted
  w.instances = {SpotInstance("i-1", T0() - absl::Minutes(30)),
                 SpotInstance("i-2", T0() - absl::Minutes(30)),
                 SpotInstance("i-3", T0() - absl::Minutes(30))};
  w.agents = {Agent("i-1", AgentState::kDraining),
              Agent("i-2", AgentState::kDrained), Agent("i-3")};
  absl::StatusOr<Evaluation> e = Evaluate(w);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->plan.running, 1);  // neither takes work
  EXPECT_THAT(PlanToText(e->plan),
              HasSubstr("the cluster drains the agent(s) of i-1, i-2 without "
                        "a drain in the engine state"));
  EXPECT_NE(Find(e->plan, ActionKind::kTerminateInstance, "i-2"), nullptr);
  EXPECT_EQ(Find(e->plan, ActionKind::kTerminateInstance, "i-1"), nullptr);
  EXPECT_EQ(e->plan.draining, 1);
  ASSERT_EQ(e->state.drains.size(), 2u);
  EXPECT_EQ(e->state.drains[0].started, T0());
  // The lost capacity is replaced.
  EXPECT_GT(CountKind(e->plan, ActionKind::kRequestSpot), 0);
}

TEST(AgentDrain, DrainingInstancesCountTowardMaxInstances) {
  World w = Idle();
  absl::StatusOr<Evaluation> first = Evaluate(w);
  ASSERT_THAT(first, IsOk());
  // Demand comes back while both drain: room for 1 more under max 3.
  Policy policy = DrainingPolicy();
  policy.scaling.strategy = "target";  // straight to the count needed
  policy.scaling.max_instances = 3;
  w.state = first->state;
  w.cpus_used = 60;
  w.agents = {Agent("i-1", AgentState::kDraining),
              Agent("i-2", AgentState::kDraining)};
  absl::StatusOr<Evaluation> e = Evaluate(w, T0() + absl::Minutes(1), policy);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(CountKind(e->plan, ActionKind::kRequestSpot), 1);
  EXPECT_THAT(PlanToText(e->plan), HasSubstr("room for 1 under max 3"));
}

TEST(AgentDrain, BadAgentsOrHeldBackDemandAreRefusedNamingTheField) {
  World w = Idle();
  w.agents.push_back(Agent("i-1"));
  EXPECT_THAT(
      Evaluate(w).status(),
      testing::StatusIs(absl::StatusCode::kInvalidArgument,
                        HasSubstr("cluster.burst_agents[2].instance_id: "
                                  "i-1 already has "
                                  "cluster.burst_agents[0]")));
  w = Idle();
  w.agents[1].used.cpus = -1;
  EXPECT_THAT(
      Evaluate(w).status(),
      testing::StatusIs(absl::StatusCode::kInvalidArgument,
                        HasSubstr("cluster.burst_agents[1].used.cpus")));
  w = Idle();
  w.held_back = {{.workload = "/x", .instances = -2}};
  EXPECT_THAT(Evaluate(w).status(),
              testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("cluster.held_back[0].instances")));
}

}  // namespace
}  // namespace spotburst
