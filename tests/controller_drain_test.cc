// Controller: an instance's agent is drained before the instance ends, and
// a drain that never started is never taken for one that did.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/controller.h"
#include "testing/controller_fakes.h"
#include "testing/engine_fixtures.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::FakeClock;
using ::spotburst::testing::FakeDrainer;
using ::spotburst::testing::FakeInstances;
using ::spotburst::testing::FakeMetrics;
using ::spotburst::testing::FakePrices;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::StatusIs;
using ::spotburst::testing::T0;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Policy DrainingPolicy() {
  Policy p = PrototypePolicy();
  p.billing.drain_time = absl::Minutes(5);
  return p;
}

BurstAgent Agent(std::string id, AgentState state = AgentState::kActive) {
  return {.instance_id = id, .agent_id = "S-" + id, .state = state};
}

class ControllerDrainTest : public ::testing::Test {
 protected:
  ControllerDrainTest() : engine_(*Engine::Create(DrainingPolicy())) {
    // Two idle instances 30 min into their hour: both may end now.
    instances_.fleet.instances = {
        SpotInstance("i-1", T0() - absl::Minutes(30)),
        SpotInstance("i-2", T0() - absl::Minutes(30))};
    metrics_.state = {.used = {.cpus = 0}, .reports_agents = true};
    SetAgents({Agent("i-1"), Agent("i-2")});
    instances_.calls = &calls_;
    drainer_.calls = &calls_;
  }
  void SetAgents(std::vector<BurstAgent> agents) {
    metrics_.state.burst_agents = std::move(agents);
  }
  Controller Make(ControllerOptions options) {
    return Controller(engine_, metrics_, prices_, instances_, clock_,
                      std::move(options));
  }
  Engine engine_;
  FakeClock clock_;
  FakeMetrics metrics_;
  FakePrices prices_;
  FakeInstances instances_;
  FakeDrainer drainer_;
  std::vector<std::string> calls_;
};

TEST_F(ControllerDrainTest, DrainsFirstAndEndsOnceDrained) {
  Controller controller = Make({.drainer = &drainer_});
  TickReport first = controller.Tick();
  ASSERT_THAT(first.status, IsOk());
  EXPECT_THAT(calls_, ElementsAre("drain i-1", "drain i-2"));
  EXPECT_THAT(drainer_.graces, ElementsAre(absl::Minutes(5)));
  EXPECT_EQ(first.applied, 2);
  EXPECT_EQ(first.next_state.drains.size(), 2u);

  clock_.now += absl::Minutes(1);
  SetAgents({Agent("i-1", AgentState::kDrained),
             Agent("i-2", AgentState::kDraining)});
  TickReport second = controller.Tick();
  ASSERT_THAT(second.status, IsOk());
  EXPECT_THAT(calls_, ElementsAre("drain i-1", "drain i-2", "terminate i-1"));
  EXPECT_EQ(second.plan->draining, 1);
}

TEST_F(ControllerDrainTest, EndsWhenTheGracePeriodIsUp) {
  Controller controller = Make({.drainer = &drainer_});
  controller.Tick();
  SetAgents({Agent("i-1", AgentState::kDraining),
             Agent("i-2", AgentState::kDraining)});
  clock_.now += absl::Minutes(4);
  controller.Tick();
  EXPECT_THAT(instances_.terminated, IsEmpty());
  clock_.now += absl::Minutes(1);
  TickReport report = controller.Tick();
  EXPECT_THAT(instances_.terminated, ElementsAre("i-1", "i-2"));
  EXPECT_THAT(report.plan->actions[0].reasons.back().message(),
              HasSubstr("still draining after 5 min >= grace 5 min"));
}

TEST_F(ControllerDrainTest, AnAgentAlreadyGoneEndsItsInstanceAtOnce) {
  Controller controller = Make({.drainer = &drainer_});
  controller.Tick();
  SetAgents({Agent("i-2", AgentState::kDraining)});
  clock_.now += absl::Minutes(1);
  controller.Tick();
  EXPECT_THAT(calls_, ElementsAre("drain i-1", "drain i-2", "terminate i-1"));
}

TEST_F(ControllerDrainTest, AFailedDrainIsAskedAgainWithAFreshGracePeriod) {
  drainer_.fail = absl::UnavailableError("mesos: no leading master");
  Controller controller = Make({.drainer = &drainer_});
  TickReport failed = controller.Tick();
  ASSERT_EQ(failed.apply_errors.size(), 1u);
  EXPECT_THAT(failed.apply_errors[0], StatusIs(absl::StatusCode::kUnavailable,
                                               HasSubstr("no leading master")));
  EXPECT_THAT(failed.next_state.drains, IsEmpty());
  EXPECT_THAT(controller.engine_state().drains, IsEmpty());

  // Past the grace period (and still at a good billing point): never
  // ended, because no drain began.
  drainer_.fail = absl::OkStatus();
  clock_.now += absl::Minutes(15);
  TickReport retried = controller.Tick();
  EXPECT_THAT(instances_.terminated, IsEmpty());
  EXPECT_THAT(calls_,
              ElementsAre("drain i-1", "drain i-2", "drain i-1", "drain i-2"));
  ASSERT_EQ(retried.next_state.drains.size(), 2u);
  EXPECT_EQ(retried.next_state.drains[0].started, clock_.now);
}

TEST_F(ControllerDrainTest, ADryRunDrainsNothingAndEndsNothing) {
  Controller controller = Make({.dry_run = true, .drainer = &drainer_});
  for (int i = 0; i < 8; ++i) {
    TickReport report = controller.Tick();
    ASSERT_THAT(report.status, IsOk());
    EXPECT_EQ(report.plan->actions.size(), 2u);
    EXPECT_EQ(report.plan->actions[0].kind, ActionKind::kDrainInstance);
    EXPECT_THAT(report.next_state.drains, IsEmpty());
    clock_.now += absl::Minutes(1);
  }
  EXPECT_THAT(calls_, IsEmpty());
}

TEST_F(ControllerDrainTest, WithoutADrainerTheInstanceIsLeftRunning) {
  Controller controller = Make({});
  TickReport report = controller.Tick();
  ASSERT_EQ(report.apply_errors.size(), 1u);
  EXPECT_THAT(report.apply_errors[0],
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no Drainer is configured")));
  // Past the grace period, at a good billing point: still running.
  clock_.now += absl::Minutes(15);
  TickReport later = controller.Tick();
  EXPECT_EQ(later.apply_errors.size(), 1u);
  EXPECT_THAT(instances_.terminated, IsEmpty());
}

// may_apply (the HA lease): a refusal before the tick applies nothing and
// is reported as standby; drains not begun are forgotten.
TEST_F(ControllerDrainTest, AStandbyEvaluatesButAppliesNothing) {
  Controller controller =
      Make({.drainer = &drainer_, .may_apply = [] {
              return absl::FailedPreconditionError("standby: host-b leads");
            }});
  TickReport report = controller.Tick();
  ASSERT_THAT(report.status, IsOk());
  EXPECT_EQ(report.plan->actions.size(), 2u);
  ASSERT_TRUE(report.standby.has_value());
  EXPECT_THAT(*report.standby, StatusIs(absl::StatusCode::kFailedPrecondition,
                                        HasSubstr("host-b leads")));
  EXPECT_EQ(report.applied, 0);
  EXPECT_THAT(report.apply_errors, IsEmpty());
  EXPECT_THAT(calls_, IsEmpty());
  EXPECT_THAT(report.next_state.drains, IsEmpty());
}

// A lease lost between groups of actions: what came before stands, nothing
// after it is applied.
TEST_F(ControllerDrainTest, ALeaseLostMidPlanStopsApplyingThere) {
  Controller controller = Make({.drainer = &drainer_});
  controller.Tick();  // both drains begin
  SetAgents({Agent("i-1", AgentState::kDrained),
             Agent("i-2", AgentState::kDraining)});
  clock_.now += absl::Minutes(1);
  int asked = 0;
  Controller gated =
      Make({.drainer = &drainer_, .may_apply = [&asked]() -> absl::Status {
              // Leading for the tick's first question, lost by the second.
              return ++asked == 1 ? absl::OkStatus()
                                  : absl::UnavailableError("session lost");
            }});
  gated.set_engine_state(controller.engine_state());
  TickReport report = gated.Tick();
  EXPECT_FALSE(report.standby.has_value());
  EXPECT_THAT(calls_, ElementsAre("drain i-1", "drain i-2"));  // no terminate
  ASSERT_EQ(report.apply_errors.size(), 1u);
  EXPECT_THAT(report.apply_errors[0],
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("stopped applying the plan: session lost")));
}

}  // namespace
}  // namespace spotburst
