// MesosCluster against the Mesos + Marathon test endpoint: what a realistic
// cluster looks like to the engine, a leader that changes, old masters,
// Marathon's queue, drains, credentials, and payloads that make no sense.
#include "spotburst/mesos/mesos_cluster.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/mesos/testing/fake_mesos_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/status_matchers.h"

namespace spotburst::mesos {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::ElementsAre;
using testing::FakeMesosServer;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

nlohmann::json PrivateAgent(double cpus, double used) {
  return {{"hostname", "10.20.1.17"},
          {"attributes", {{"cloud_type", "private"}, {"rack", 12}}},
          {"resources", {{"cpus", cpus}, {"mem", 61952}, {"disk", 460800}}},
          {"used", {{"cpus", used}, {"mem", 40000}}}};
}

nlohmann::json BurstAgent(const std::string& instance, double used) {
  return {{"hostname", "10.30.0.5"},
          {"attributes", {{"cloud_type", "burst"}, {"instance_id", instance}}},
          {"resources", {{"cpus", 2}, {"mem", 3840}}},
          {"used", {{"cpus", used}, {"mem", used > 0 ? 1024 : 0}}}};
}

nlohmann::json GpuAgent() {
  return {{"hostname", "10.40.0.2"},
          {"attributes", {{"cloud_type", "gpu"}}},
          {"resources", {{"cpus", 32}, {"mem", 128000}, {"gpus", 4}}},
          {"used", {{"cpus", 30}}}};
}

// Marathon's queue: a worker short of cpus, an app pinned to private
// agents, a crash-looping one backed off.
const nlohmann::json kQueue = nlohmann::json::parse(R"json([
  {"app": {"id": "/etl/worker", "instances": 40, "cpus": 2.0, "mem": 4096.0,
           "disk": 0.0, "gpus": 0, "constraints": [["hostname", "UNIQUE"]]},
   "count": 6, "role": "*", "delay": {"timeLeftSeconds": 0, "overdue": true},
   "since": "2024-05-02T09:14:03.120Z",
   "processedOffersSummary": {"processedOffersCount": 12,
     "unusedOffersCount": 12,
     "rejectSummaryLastOffers": [
       {"reason": "InsufficientCpus", "declined": 5, "processed": 6}]}},
  {"app": {"id": "/etl/pinned", "instances": 3, "cpus": 1.0, "mem": 1024.0,
           "constraints": [["cloud_type", "CLUSTER", "private"]]},
   "count": 3, "role": "*", "delay": {"timeLeftSeconds": 0, "overdue": true}},
  {"app": {"id": "/web/crashy", "instances": 2, "cpus": 0.5, "mem": 512.0},
   "count": 1, "role": "*", "delay": {"timeLeftSeconds": 240, "overdue": false}}
])json");

class MesosClusterTest : public ::testing::Test {
 protected:
  MesosClusterTest() : MesosClusterTest(FakeMesosServer::Options{}) {}
  explicit MesosClusterTest(const FakeMesosServer::Options& options)
      : mesos_(options) {}

  MesosOptions Options() {
    return {.masters = {mesos_.master_url(2), mesos_.master_url(1)},
            .marathon = mesos_.marathon_url(),
            .private_selector = {{"cloud_type", "private"}},
            .burst_attributes = {{"cloud_type", "burst"}},
            .missing_polls_to_drop = 1,
            .max_attempts = 2};
  }
  std::unique_ptr<MesosCluster> Make(
      MesosOptions options, std::map<std::string, std::string> env = {}) {
    absl::StatusOr<std::unique_ptr<MesosCluster>> cluster =
        MesosCluster::Create(std::move(options), nullptr,
                             [env](const std::string& name) {
                               auto it = env.find(name);
                               return it == env.end() ? "" : it->second;
                             });
    EXPECT_THAT(cluster, IsOk());
    return cluster.ok() ? *std::move(cluster) : nullptr;
  }
  void SetAgents(std::vector<nlohmann::json> agents) {
    mesos_.Control("agents", {{"agents", agents}});
  }
  // The calls the masters and Marathon got, as "server METHOD path [type]".
  std::vector<std::string> Calls() {
    std::vector<std::string> out;
    const nlohmann::json state = mesos_.State();
    for (const nlohmann::json& call : state["calls"]) {
      std::string line = call["server"].get<std::string>() + " " +
                         call["method"].get<std::string>() + " " +
                         call["path"].get<std::string>();
      const std::string body = call.value("body", "");
      if (!body.empty()) {
        const nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
        if (json.is_object() && json.contains("type")) {
          line += " " + json["type"].get<std::string>();
        }
      }
      out.push_back(line);
    }
    return out;
  }

  FakeMesosServer mesos_;
};

TEST_F(MesosClusterTest, SeesARealisticClusterAsTheEngineNeedsIt) {
  SetAgents({PrivateAgent(16, 14.5), PrivateAgent(16, 8), BurstAgent("i-1", 1),
             GpuAgent()});
  mesos_.Control("queue", {{"queue", kQueue}});
  std::unique_ptr<MesosCluster> cluster = Make(Options());
  absl::StatusOr<ClusterState> state = cluster->Snapshot();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->baseline.cpus, 32);  // the private agents only
  EXPECT_EQ(state->baseline.mem_mib, 2 * 61952);
  EXPECT_EQ(state->used.cpus, 14.5 + 8 + 1);  // not the GPU pool's 30
  EXPECT_TRUE(state->reports_agents);
  ASSERT_THAT(state->burst_agents, SizeIs(1));
  EXPECT_EQ(state->burst_agents[0].instance_id, "i-1");
  EXPECT_EQ(state->burst_agents[0].state, AgentState::kActive);
  EXPECT_EQ(state->burst_agents[0].total.cpus, 2);
  // Queued: only the worker (6 x 2 cpus); the rest is held back.
  EXPECT_EQ(state->queued.cpus, 12);
  EXPECT_EQ(state->queued.mem_mib, 6 * 4096);
  EXPECT_THAT(state->held_back,
              ElementsAre(Field(&HeldBackDemand::workload, "/etl/pinned"),
                          Field(&HeldBackDemand::workload, "/web/crashy")));
  EXPECT_EQ(state->held_back[0].reason, HoldReason::kPlacementConstraint);
  EXPECT_EQ(state->held_back[1].reason, HoldReason::kLaunchDelay);
  EXPECT_THAT(cluster->warnings(), IsEmpty());
  // Found through the first master's redirect; read on the leader.
  const std::vector<std::string> calls = Calls();
  ASSERT_THAT(calls, SizeIs(4));
  EXPECT_EQ(calls[0], "master2 GET /master/redirect");
  EXPECT_EQ(calls[1], "master0 GET /metrics/snapshot");
  EXPECT_EQ(calls[2], "master0 GET /master/slaves");
  EXPECT_EQ(calls[3], "marathon GET /v2/queue");
}

TEST_F(MesosClusterTest, TheOperatorApiGivesTheSameAnswer) {
  SetAgents({PrivateAgent(16, 14.5), BurstAgent("i-1", 1), GpuAgent()});
  MesosOptions options = Options();
  options.use_operator_api = true;
  std::unique_ptr<MesosCluster> cluster = Make(options);
  absl::StatusOr<ClusterState> state = cluster->Snapshot();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->baseline.cpus, 16);
  EXPECT_EQ(state->used.cpus, 15.5);
  ASSERT_THAT(state->burst_agents, SizeIs(1));
  EXPECT_THAT(Calls(), ::testing::Contains("master0 POST /api/v1 GET_AGENTS"));
}

TEST_F(MesosClusterTest, FollowsALeaderChangeAndNeverReadsADeposedMaster) {
  SetAgents({PrivateAgent(16, 4)});
  std::unique_ptr<MesosCluster> cluster = Make(Options());
  ASSERT_THAT(cluster->Snapshot(), IsOk());

  mesos_.Control("leader", {{"master", 1}});
  absl::StatusOr<ClusterState> after = cluster->Snapshot();
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->baseline.cpus, 16);
  EXPECT_THAT(Calls(), ::testing::Contains("master1 GET /master/slaves"));

  // A master deposed between the redirect and the read says so: a failed
  // read, no action in that tick.
  mesos_.Control("fault", {{"server", "master"},
                           {"path", "/metrics/snapshot"},
                           {"mode", "status"},
                           {"status", 200},
                           {"body", R"({"master/elected": 0.0})"}});
  EXPECT_THAT(cluster->Snapshot(),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("is not the leader (master/elected = 0)")));
  // No leader at all.
  mesos_.Control("leader", {{"master", nullptr}});
  EXPECT_THAT(cluster->Snapshot(),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("no leading master known")));
  mesos_.Control("leader", {{"master", 2}});
  EXPECT_THAT(cluster->Snapshot(), IsOk());
}

TEST_F(MesosClusterTest, MalformedOrPartialAnswersFailTheReadNamingWhat) {
  SetAgents({PrivateAgent(16, 4)});
  std::unique_ptr<MesosCluster> cluster = Make(Options());
  mesos_.Control(
      "fault",
      {{"server", "master"}, {"path", "/master/slaves"}, {"mode", "truncate"}});
  EXPECT_THAT(cluster->Snapshot(), StatusIs(absl::StatusCode::kInvalidArgument,
                                            HasSubstr("/master/slaves")));
  mesos_.Control(
      "fault",
      {{"server", "master"},
       {"path", "/master/slaves"},
       {"mode", "status"},
       {"status", 200},
       {"body",
        R"({"slaves": [{"id": "S9", "hostname": "h", "active": true}]})"}});
  EXPECT_THAT(cluster->Snapshot(), StatusIs(absl::StatusCode::kInvalidArgument,
                                            HasSubstr("resources")));
  mesos_.Control(
      "fault",
      {{"server", "marathon"}, {"path", "/v2/queue"}, {"mode", "garble"}});
  EXPECT_THAT(cluster->Snapshot(), StatusIs(absl::StatusCode::kInvalidArgument,
                                            HasSubstr("/v2/queue")));
  // A master that keeps failing is retried, then reported.
  mesos_.Control("fault", {{"server", "master"},
                           {"path", "/master/slaves"},
                           {"mode", "status"},
                           {"status", 503},
                           {"body", "busy"},
                           {"next_calls", 2}});
  EXPECT_THAT(cluster->Snapshot(),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("HTTP 503: busy (after 2 attempts)")));
  // Once is not enough to fail: the second attempt answers.
  mesos_.Control("fault", {{"server", "master"},
                           {"path", "/master/slaves"},
                           {"mode", "status"},
                           {"status", 503},
                           {"body", "busy"}});
  EXPECT_THAT(cluster->Snapshot(), IsOk());
}

TEST_F(MesosClusterTest, DrainsAnAgentAndSeesItDrain) {
  SetAgents({PrivateAgent(16, 4), BurstAgent("i-1", 1), BurstAgent("i-2", 0)});
  std::unique_ptr<MesosCluster> cluster = Make(Options());
  ASSERT_THAT(cluster->Snapshot(), IsOk());
  // i-3 never joined: nothing to drain, no error.
  ASSERT_THAT(cluster->Drain({"i-1", "i-2", "i-3"}, absl::Seconds(90)), IsOk());
  const nlohmann::json state = mesos_.State();
  const nlohmann::json& busy = state["agents"][1];
  EXPECT_EQ(busy["drain"]["state"], "DRAINING");
  EXPECT_EQ(busy["drain"]["max_grace_ns"], 90'000'000'000LL);
  absl::StatusOr<ClusterState> draining = cluster->Snapshot();
  ASSERT_THAT(draining, IsOk());
  ASSERT_THAT(draining->burst_agents, SizeIs(2));
  EXPECT_EQ(draining->burst_agents[0].state, AgentState::kDraining);
  EXPECT_EQ(draining->burst_agents[1].state, AgentState::kDrained);  // idle

  mesos_.Control("used", {{"id", busy["id"]}, {"used", {{"cpus", 0}}}});
  absl::StatusOr<ClusterState> drained = cluster->Snapshot();
  ASSERT_THAT(drained, IsOk());
  EXPECT_EQ(drained->burst_agents[0].state, AgentState::kDrained);
  // Asking again for a drained agent sends nothing more.
  const size_t drains_before = Calls().size();
  ASSERT_THAT(cluster->Drain({"i-1"}, absl::Seconds(90)), IsOk());
  for (size_t i = drains_before; i < Calls().size(); ++i) {
    EXPECT_THAT(Calls()[i], Not(HasSubstr("DRAIN_AGENT")));
  }
}

TEST_F(MesosClusterTest, BadOptionsAndCredentialsAreNamedNeverShown) {
  MesosOptions both = Options();
  both.zookeeper = "zk://127.0.0.1:2181/mesos";
  EXPECT_THAT(MesosCluster::Create(both),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("exactly one of masters")));
  MesosOptions bad_master = Options();
  bad_master.masters = {"http://ops:hunter2@m1:5050"};
  const absl::Status status = MesosCluster::Create(bad_master).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("mesos.masters[0]")));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("hunter2")));
  MesosOptions selector = Options();
  selector.private_selector = {{"instance_id", "x"}};
  EXPECT_THAT(MesosCluster::Create(selector),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("mesos.private_selector")));
  EXPECT_THAT(
      MesosCluster::Create(Options(), nullptr,
                           [](const std::string& name) {
                             return name == "SPOTBURST_MESOS_PRINCIPAL"
                                        ? std::string("ops")
                                        : std::string();
                           })
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("SPOTBURST_MESOS_PRINCIPAL and SPOTBURST_MESOS_SECRET "
                         "must be set together")));
}

class MesosClusterAuthTest : public MesosClusterTest {
 protected:
  MesosClusterAuthTest()
      : MesosClusterTest({.user = "ops", .password = "s3cr3t-pw"}) {}
};

TEST_F(MesosClusterAuthTest, CredentialsFromTheEnvironmentAreSentNotShown) {
  SetAgents({PrivateAgent(16, 4)});
  std::unique_ptr<MesosCluster> without = Make(Options());
  EXPECT_THAT(without->Snapshot(),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("credentials are required")));
  std::unique_ptr<MesosCluster> wrong =
      Make(Options(), {{"SPOTBURST_MESOS_PRINCIPAL", "ops"},
                       {"SPOTBURST_MESOS_SECRET", "not-it"}});
  const absl::Status refused = wrong->Snapshot().status();
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kPermissionDenied,
                                HasSubstr("the credentials were refused")));
  EXPECT_THAT(std::string(refused.message()), Not(HasSubstr("not-it")));
  std::unique_ptr<MesosCluster> right =
      Make(Options(), {{"SPOTBURST_MESOS_PRINCIPAL", "ops"},
                       {"SPOTBURST_MESOS_SECRET", "s3cr3t-pw"},
                       {"SPOTBURST_MARATHON_USER", "ops"},
                       {"SPOTBURST_MARATHON_PASSWORD", "s3cr3t-pw"}});
  EXPECT_THAT(right->Snapshot(), IsOk());
}

class MesosClusterOldMasterTest : public MesosClusterTest {
 protected:
  MesosClusterOldMasterTest() : MesosClusterTest({.version = "0.28.2"}) {}
};

TEST_F(MesosClusterOldMasterTest, SaysWhatIsMissingAndEndsWithoutDrain) {
  SetAgents({PrivateAgent(16, 4), BurstAgent("i-1", 1)});
  std::unique_ptr<MesosCluster> cluster = Make(Options());
  absl::StatusOr<ClusterState> state = cluster->Snapshot();
  ASSERT_THAT(state, IsOk());
  // Usage from the master's own gauges, and a warning that says why.
  EXPECT_EQ(state->used.cpus, 5);
  EXPECT_THAT(cluster->warnings(),
              ElementsAre(HasSubstr("reports no used_resources per agent")));
  // Neither DRAIN_AGENT nor DEACTIVATE_AGENT exists there: the agent is
  // reported drained, so the instance ends without waiting for nothing.
  ASSERT_THAT(cluster->Drain({"i-1"}, absl::Seconds(60)), IsOk());
  const std::vector<std::string> calls = Calls();
  EXPECT_THAT(calls, ::testing::Contains("master0 POST /api/v1 DRAIN_AGENT"));
  EXPECT_THAT(calls,
              ::testing::Contains("master0 POST /api/v1 DEACTIVATE_AGENT"));
  absl::StatusOr<ClusterState> after = cluster->Snapshot();
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->burst_agents[0].state, AgentState::kDrained);
  EXPECT_THAT(cluster->warnings(),
              ::testing::Contains(HasSubstr("i-1 ends without a drain")));
}

}  // namespace
}  // namespace spotburst::mesos
