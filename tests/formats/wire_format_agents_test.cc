// The JSON wire format of what a cluster that reports agents adds: held-back
// demand and burst agents in the cluster, drains in the engine state, the
// drain-instance action and the booting/draining counts of a plan.
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/wire_format.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kState[] = R"json({
  "now": "2016-03-01T12:00:00Z",
  "cluster": {
    "used": {"cpus": 34},
    "baseline": {"cpus": 40},
    "held_back": [{"workload": "/etl/pinned",
                   "reason": "HOLD_REASON_PLACEMENT_CONSTRAINT",
                   "instances": 4, "resources": {"cpus": 8, "mem_mib": 16384},
                   "detail": "constraint cloud_type:CLUSTER:private"}],
    "reports_agents": true,
    "burst_agents": [{"instance_id": "i-0abc", "agent_id": "a1-S7",
                      "state": "AGENT_STATE_DRAINING",
                      "total": {"cpus": 2, "mem_mib": 3840},
                      "used": {"cpus": 0.5}}]
  },
  "engine": {
    "drains": [{"instance_id": "i-0abc", "started": "2016-03-01T11:58:00Z"}]
  }
})json";

TEST(WireFormatAgents, StateFieldsRoundTrip) {
  absl::StatusOr<StateWithTime> state = ParseStateJson(kState);
  ASSERT_THAT(state, IsOk());
  const ClusterState& cluster = state->input.cluster;
  ASSERT_EQ(cluster.held_back.size(), 1u);
  EXPECT_EQ(cluster.held_back[0].workload, "/etl/pinned");
  EXPECT_EQ(cluster.held_back[0].reason, HoldReason::kPlacementConstraint);
  EXPECT_EQ(cluster.held_back[0].instances, 4);
  EXPECT_EQ(cluster.held_back[0].resources.mem_mib, 16384);
  EXPECT_TRUE(cluster.reports_agents);
  ASSERT_EQ(cluster.burst_agents.size(), 1u);
  EXPECT_EQ(cluster.burst_agents[0].agent_id, "a1-S7");
  EXPECT_EQ(cluster.burst_agents[0].state, AgentState::kDraining);
  EXPECT_EQ(cluster.burst_agents[0].used.cpus, 0.5);
  ASSERT_EQ(state->input.state.drains.size(), 1u);
  EXPECT_EQ(state->input.state.drains[0].started,
            absl::FromUnixSeconds(1456833480));

  absl::StatusOr<StateWithTime> again =
      ParseStateJson(StateToJson(state->input, state->now));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->input.cluster.held_back, cluster.held_back);
  EXPECT_EQ(again->input.cluster.burst_agents, cluster.burst_agents);
  EXPECT_TRUE(again->input.cluster.reports_agents);
  EXPECT_EQ(again->input.state, state->input.state);
}

TEST(WireFormatAgents, BadFieldsAreNamed) {
  const auto with = [](std::string from, std::string to) {
    std::string text = kState;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    return ParseStateJson(text).status();
  };
  EXPECT_THAT(with("\"HOLD_REASON_PLACEMENT_CONSTRAINT\"",
                   "\"HOLD_REASON_UNSPECIFIED\""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cluster.held_back[0].reason: required")));
  EXPECT_THAT(with("\"instances\": 4", "\"instances\": -1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cluster.held_back[0].instances: -1")));
  EXPECT_THAT(with("\"AGENT_STATE_DRAINING\"", "\"AGENT_STATE_UNSPECIFIED\""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cluster.burst_agents[0].state: required")));
  EXPECT_THAT(with("{\"instance_id\": \"i-0abc\", \"agent_id\"",
                   "{\"instance_id\": \"\", \"agent_id\""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cluster.burst_agents[0].instance_id: "
                                 "required")));
  EXPECT_THAT(with("\"used\": {\"cpus\": 0.5}", "\"used\": {\"cpus\": -1}"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cluster.burst_agents[0].used.cpus")));
  EXPECT_THAT(with(", \"started\": \"2016-03-01T11:58:00Z\"", ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("engine.drains[0].started: required")));
}

TEST(WireFormatAgents, PlanCountsAndDrainActionRoundTrip) {
  Plan plan;
  plan.policy_name = "p";
  plan.evaluated_at = absl::FromUnixSeconds(1456833600);
  plan.booting = 2;
  plan.draining = 1;
  plan.actions.push_back(
      {.kind = ActionKind::kDrainInstance,
       .instance_id = "i-0abc",
       .reasons = {{.code = ReasonCode::kDrain, .text = "drain agent a1-S7"}}});
  EngineState next;
  next.drains.push_back({.instance_id = "i-0abc",
                         .started = plan.evaluated_at,
                         .for_interruption = true});
  const std::string json = PlanToJson(plan, next);
  EXPECT_THAT(json, HasSubstr("\"ACTION_KIND_DRAIN_INSTANCE\""));
  absl::StatusOr<Evaluation> back = ParsePlanJson(json);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->plan.booting, 2);
  EXPECT_EQ(back->plan.draining, 1);
  ASSERT_EQ(back->plan.actions.size(), 1u);
  EXPECT_EQ(back->plan.actions[0].kind, ActionKind::kDrainInstance);
  EXPECT_EQ(back->plan.actions[0].reasons[0].code, ReasonCode::kDrain);
  EXPECT_EQ(back->state, next);
}

}  // namespace
}  // namespace spotburst
