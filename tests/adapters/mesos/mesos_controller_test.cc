// The Controller over the Mesos adapter: an instance's agent is drained on
// the real (test) master before the instance is terminated, a drain that
// takes too long ends at the grace period, and an agent already gone needs
// no drain.
#include <memory>
#include <string>
#include <vector>

#include "adapters/mesos/testing/fake_mesos_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spotburst/controller.h"
#include "spotburst/mesos/mesos_cluster.h"
#include "testing/controller_fakes.h"
#include "testing/engine_fixtures.h"
#include "testing/status_matchers.h"

namespace spotburst::mesos {
namespace {

using ::spotburst::testing::FakeClock;
using ::spotburst::testing::FakeInstances;
using ::spotburst::testing::FakePrices;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::T0;
using ::testing::ElementsAre;
using testing::FakeMesosServer;
using ::testing::IsEmpty;

nlohmann::json Agent(const std::string& instance, double used_cpus) {
  return {{"hostname", "10.30.0.5"},
          {"attributes", {{"cloud_type", "burst"}, {"instance_id", instance}}},
          {"resources", {{"cpus", 2}, {"mem", 3840}}},
          {"used", {{"cpus", used_cpus}}}};
}

class MesosControllerTest : public ::testing::Test {
 protected:
  MesosControllerTest() {
    Policy policy = PrototypePolicy();
    policy.baseline = {};  // the cluster's
    policy.billing.drain_time = absl::Minutes(5);
    engine_ = std::make_unique<Engine>(*Engine::Create(policy));
    // Two idle burst instances 30 min into their hour: both may end now.
    instances_.fleet.instances = {
        SpotInstance("i-1", T0() - absl::Minutes(30)),
        SpotInstance("i-2", T0() - absl::Minutes(30))};
    mesos_.Control("agents", {{"agents",
                               {{{"attributes", {{"cloud_type", "private"}}},
                                 {"resources", {{"cpus", 40}, {"mem", 81920}}},
                                 {"used", {{"cpus", 4}}}},
                                Agent("i-1", 0.5),
                                Agent("i-2", 0.5)}}});
    absl::StatusOr<std::unique_ptr<MesosCluster>> cluster =
        MesosCluster::Create({.masters = mesos_.master_urls(),
                              .private_selector = {{"cloud_type", "private"}},
                              .burst_attributes = {{"cloud_type", "burst"}}});
    EXPECT_THAT(cluster, IsOk());
    cluster_ = *std::move(cluster);
    controller_ = std::make_unique<Controller>(
        *engine_, *cluster_, prices_, instances_, clock_,
        ControllerOptions{.drainer = cluster_.get()});
  }

  std::string AgentId(size_t index) { return mesos_.AgentIds()[index]; }
  // DRAIN_AGENT calls the masters got, by agent id.
  std::vector<std::string> Drained() {
    std::vector<std::string> ids;
    const nlohmann::json state = mesos_.State();
    for (const nlohmann::json& call : state["calls"]) {
      const nlohmann::json body =
          nlohmann::json::parse(call.value("body", ""), nullptr, false);
      if (body.is_object() && body.value("type", "") == "DRAIN_AGENT") {
        ids.push_back(body["drain_agent"]["agent_id"]["value"]);
      }
    }
    return ids;
  }

  FakeMesosServer mesos_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<MesosCluster> cluster_;
  FakeClock clock_;
  FakePrices prices_;
  FakeInstances instances_;
  std::unique_ptr<Controller> controller_;
};

TEST_F(MesosControllerTest, DrainsOnTheMasterThenTerminatesWhenDrained) {
  TickReport first = controller_->Tick();
  ASSERT_THAT(first.status, IsOk());
  EXPECT_THAT(Drained(), ElementsAre(AgentId(1), AgentId(2)));
  EXPECT_THAT(instances_.terminated, IsEmpty());

  // i-1's tasks finish; i-2's still run.
  mesos_.Control("used", {{"id", AgentId(1)}, {"used", {{"cpus", 0}}}});
  clock_.now += absl::Minutes(1);
  TickReport second = controller_->Tick();
  ASSERT_THAT(second.status, IsOk());
  EXPECT_THAT(instances_.terminated, ElementsAre("i-1"));
  EXPECT_EQ(second.plan->draining, 1);
  // No second DRAIN_AGENT for agents already draining.
  EXPECT_EQ(Drained().size(), 2u);
}

TEST_F(MesosControllerTest, ADrainThatOutlastsTheGracePeriodEndsAnyway) {
  controller_->Tick();
  for (int minute = 1; minute <= 4; ++minute) {
    clock_.now += absl::Minutes(1);
    controller_->Tick();
    EXPECT_THAT(instances_.terminated, IsEmpty()) << minute;
  }
  clock_.now += absl::Minutes(1);
  controller_->Tick();
  EXPECT_THAT(instances_.terminated, ElementsAre("i-1", "i-2"));
}

TEST_F(MesosControllerTest, AnAgentAlreadyGoneIsNotDrained) {
  mesos_.Control("remove_agent", {{"id", AgentId(2)}});
  // The adapter keeps a missing agent for a few polls; once it is dropped
  // the instance has nothing to drain.
  for (int poll = 0; poll < 4; ++poll) {
    ASSERT_THAT(cluster_->Snapshot(), IsOk());
  }
  TickReport report = controller_->Tick();
  ASSERT_THAT(report.status, IsOk());
  EXPECT_THAT(instances_.terminated, ElementsAre("i-2"));
  EXPECT_THAT(Drained(), ElementsAre(AgentId(1)));
}

TEST_F(MesosControllerTest, AnUnreachableClusterTakesNoAction) {
  mesos_.Control("leader", {{"master", nullptr}});
  TickReport report = controller_->Tick();
  EXPECT_FALSE(report.status.ok());
  EXPECT_FALSE(report.plan.has_value());
  EXPECT_THAT(instances_.terminated, IsEmpty());
  EXPECT_THAT(Drained(), IsEmpty());
}

}  // namespace
}  // namespace spotburst::mesos
