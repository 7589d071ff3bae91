// Sorting agents into private capacity, burst agents and others, and
// keeping a missing agent for a few polls.
#include "agent_tracker.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spotburst::mesos {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

Agent MakeAgent(std::string id, Attributes attributes, double cpus,
                double used_cpus) {
  return {.id = std::move(id),
          .hostname = "10.0.0.1",
          .attributes = std::move(attributes),
          .total = {.cpus = cpus, .mem_mib = 1000},
          .used = {.cpus = used_cpus},
          .active = true};
}

AgentRules Rules(int drop_after = 2) {
  return {.private_selector = {{"cloud_type", "private"}},
          .instance_id_attribute = "instance_id",
          .missing_polls_to_drop = drop_after};
}

AgentList Cluster() {
  return {
      .agents = {
          MakeAgent("S1", {{"cloud_type", "private"}, {"rack", "12"}}, 16, 10),
          MakeAgent("S2", {{"cloud_type", "private"}}, 16, 4),
          MakeAgent("S3", {{"cloud_type", "burst"}, {"instance_id", "i-1"}}, 2,
                    1.5),
          // Another pool's agent: neither capacity nor usage here.
          MakeAgent("S4", {{"cloud_type", "gpu"}}, 32, 30)}};
}

TEST(AgentTracker, SortsPrivateBurstAndOtherAgents) {
  AgentTracker tracker(Rules());
  const ClusterAgents out = tracker.Update(Cluster());
  EXPECT_EQ(out.baseline.cpus, 32);
  EXPECT_EQ(out.baseline.mem_mib, 2000);
  EXPECT_EQ(out.used.cpus, 15.5);  // private 14 + burst 1.5
  EXPECT_EQ(out.private_agents, 2);
  EXPECT_EQ(out.other_agents, 1);
  ASSERT_EQ(out.burst.size(), 1u);
  EXPECT_EQ(out.burst[0].instance_id, "i-1");
  EXPECT_EQ(out.burst[0].agent_id, "S3");
  EXPECT_EQ(out.burst[0].state, AgentState::kActive);
  EXPECT_EQ(out.burst[0].total.cpus, 2);
}

TEST(AgentTracker, AnEmptySelectorTakesEveryNonBurstAgent) {
  AgentRules rules = Rules();
  rules.private_selector.clear();
  AgentTracker tracker(rules);
  const ClusterAgents out = tracker.Update(Cluster());
  EXPECT_EQ(out.baseline.cpus, 64);
  EXPECT_EQ(out.private_agents, 3);
}

TEST(AgentTracker, AMissingAgentIsKeptForAFewPollsThenDropped) {
  AgentTracker tracker(Rules(/*drop_after=*/2));
  tracker.Update(Cluster());
  AgentList without = Cluster();
  without.agents.erase(without.agents.begin());      // S1 leaves
  without.agents.erase(without.agents.begin() + 1);  // so does i-1's agent
  for (int poll = 1; poll <= 2; ++poll) {
    const ClusterAgents out = tracker.Update(without);
    EXPECT_EQ(out.baseline.cpus, 32) << poll;
    EXPECT_EQ(out.kept_missing, 2) << poll;
    EXPECT_THAT(out.burst, ElementsAre(Field(&BurstAgent::instance_id, "i-1")));
    // Not there now: no drain goes to it.
    EXPECT_EQ(tracker.AgentOfInstance("i-1"), nullptr);
  }
  const ClusterAgents dropped = tracker.Update(without);
  EXPECT_EQ(dropped.baseline.cpus, 16);
  EXPECT_THAT(dropped.burst, IsEmpty());
  // Back: it counts at once.
  EXPECT_EQ(tracker.Update(Cluster()).baseline.cpus, 32);
}

TEST(AgentTracker, ARestartedAgentReplacesItsOldSelf) {
  AgentTracker tracker(Rules());
  tracker.Update(Cluster());
  AgentList restarted = Cluster();
  restarted.agents[2].id = "S3-again";
  const ClusterAgents out = tracker.Update(restarted);
  ASSERT_EQ(out.burst.size(), 1u);
  EXPECT_EQ(out.burst[0].agent_id, "S3-again");
  ASSERT_NE(tracker.AgentOfInstance("i-1"), nullptr);
  EXPECT_EQ(tracker.AgentOfInstance("i-1")->id, "S3-again");
}

TEST(AgentTracker, DrainStates) {
  Agent agent = MakeAgent("S", {}, 2, 1);
  EXPECT_EQ(BurstAgentState(agent), AgentState::kActive);
  agent.drain = DrainPhase::kDraining;
  EXPECT_EQ(BurstAgentState(agent), AgentState::kDraining);
  agent.drain = DrainPhase::kDrained;
  EXPECT_EQ(BurstAgentState(agent), AgentState::kDrained);
  // Deactivated without a drain (DEACTIVATE_AGENT): drained once idle.
  agent.drain = DrainPhase::kNone;
  agent.deactivated = true;
  EXPECT_EQ(BurstAgentState(agent), AgentState::kDraining);
  agent.used = {};
  EXPECT_EQ(BurstAgentState(agent), AgentState::kDrained);
  // A master that cannot drain at all: reported drained.
  AgentTracker tracker(Rules());
  const ClusterAgents out = tracker.Update(Cluster(), {"i-1"});
  EXPECT_EQ(out.burst[0].state, AgentState::kDrained);
}

}  // namespace
}  // namespace spotburst::mesos
