// The fake Mesos + Marathon endpoint through its C++ harness: the URLs and
// the control API the adapter's tests use, and Marathon's queue as served
// read by the adapter's parser and split.
#include "adapters/mesos/testing/fake_mesos_server.h"

#include <string>

#include "adapters/mesos/testing/loopback_http.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "marathon_queue.h"
#include "nlohmann/json.hpp"
#include "testing/status_matchers.h"
#include "unmet_demand.h"

namespace spotburst::mesos {
namespace {

using ::spotburst::testing::StatusIs;
using testing::FakeMesosServer;
using ::testing::HasSubstr;
using testing::LoopbackRequest;
using testing::LoopbackResponse;
using ::testing::SizeIs;

const nlohmann::json kBurstAgent = {
    {"hostname", "10.30.0.5"},
    {"attributes", {{"cloud_type", "burst"}, {"instance_id", "i-0abc"}}},
    {"resources", {{"cpus", 2}, {"mem", 3840}}},
    {"used", {{"cpus", 1}, {"mem", 1024}}}};

std::optional<LoopbackResponse> Get(int port, const std::string& path) {
  return LoopbackRequest(port, "GET", path);
}

TEST(FakeMesosServerTest, StartsMastersAndMarathonAndFollowsControl) {
  FakeMesosServer mesos;
  ASSERT_THAT(mesos.master_urls(), SizeIs(3));
  EXPECT_EQ(mesos.master_url(1),
            "http://127.0.0.1:" + std::to_string(mesos.master_ports()[1]));
  mesos.Control("agents", {{"agents", nlohmann::json::array({kBurstAgent})}});
  const std::vector<std::string> ids = mesos.AgentIds();
  ASSERT_THAT(ids, SizeIs(1));

  auto redirect = Get(mesos.master_ports()[2], "/master/redirect");
  ASSERT_TRUE(redirect.has_value());
  EXPECT_EQ(redirect->status, 307);
  EXPECT_EQ(redirect->headers["location"],
            "//127.0.0.1:" + std::to_string(mesos.master_ports()[0]));

  mesos.Control("leader", {{"master", 1}});
  auto snapshot = Get(mesos.master_ports()[1], "/metrics/snapshot");
  ASSERT_TRUE(snapshot.has_value());
  const nlohmann::json metrics = nlohmann::json::parse(snapshot->body);
  EXPECT_EQ(metrics["master/elected"], 1.0);
  EXPECT_EQ(metrics["master/cpus_total"], 2.0);

  // A drain, as the adapter will ask for it, shows in the agent and the log.
  const nlohmann::json drain = {
      {"type", "DRAIN_AGENT"},
      {"drain_agent",
       {{"agent_id", {{"value", ids[0]}}},
        {"max_grace_period", {{"nanoseconds", 30000000000}}}}}};
  auto drained =
      LoopbackRequest(mesos.master_ports()[1], "POST", "/api/v1", drain.dump(),
                      {{"Content-Type", "application/json"}});
  ASSERT_TRUE(drained.has_value());
  EXPECT_EQ(drained->status, 200);
  const nlohmann::json state = mesos.State();
  EXPECT_EQ(state["agents"][0]["drain"]["state"], "DRAINING");
  EXPECT_EQ(state["calls"].back()["server"], "master1");
  EXPECT_EQ(nlohmann::json::parse(
                state["calls"].back()["body"].get<std::string>())["type"],
            "DRAIN_AGENT");
}

TEST(FakeMesosServerTest, PassesItsOptions) {
  FakeMesosServer mesos({.masters = 1,
                         .version = "0.28.2",
                         .user = "spotburst",
                         .password = "s3cret"});
  ASSERT_THAT(mesos.master_urls(), SizeIs(1));
  auto refused = Get(mesos.master_ports()[0], "/master/slaves");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 401);
  auto allowed =
      LoopbackRequest(mesos.master_ports()[0], "GET", "/master/state", "",
                      {{"Authorization", "Basic c3BvdGJ1cnN0OnMzY3JldA=="}});
  ASSERT_TRUE(allowed.has_value());
  EXPECT_EQ(allowed->status, 200);
  EXPECT_EQ(nlohmann::json::parse(allowed->body)["version"], "0.28.2");
}

TEST(FakeMesosServerTest, ServedQueueSplitsAndAGarbledOneIsRefused) {
  FakeMesosServer mesos({.masters = 1});
  mesos.Control("queue", {{"queue", nlohmann::json::parse(R"([
          {"app": {"id": "/etl/worker", "cpus": 2.0, "mem": 4096.0,
                   "constraints": [["hostname", "UNIQUE"]]},
           "count": 12, "role": "*",
           "delay": {"timeLeftSeconds": 0, "overdue": true}},
          {"app": {"id": "/billing/db", "cpus": 1, "mem": 2048,
                   "constraints": [["cloud_type", "CLUSTER", "private"]]},
           "count": 2, "role": "*",
           "delay": {"timeLeftSeconds": 0, "overdue": true}}])")}});
  auto served = Get(mesos.marathon_port(), "/v2/queue");
  ASSERT_TRUE(served.has_value());
  auto queue = ParseMarathonQueue(served->body);
  ASSERT_TRUE(queue.ok()) << queue.status();
  const UnmetDemand demand =
      SplitUnmetDemand(*queue, {.attributes = {{"cloud_type", "burst"}},
                                .unique_attributes = {"instance_id"}});
  EXPECT_EQ(demand.queued, (Resources{.cpus = 24, .mem_mib = 49152}));
  ASSERT_THAT(demand.held_back, SizeIs(1));
  EXPECT_EQ(demand.held_back[0].workload, "/billing/db");

  for (const char* mode : {"truncate", "garble"}) {
    SCOPED_TRACE(mode);
    mesos.Control(
        "fault",
        {{"server", "marathon"}, {"path", "/v2/queue"}, {"mode", mode}});
    auto broken = Get(mesos.marathon_port(), "/v2/queue");
    ASSERT_TRUE(broken.has_value());
    EXPECT_THAT(
        ParseMarathonQueue(broken->body),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("/v2/queue")));
  }
}

}  // namespace
}  // namespace spotburst::mesos
