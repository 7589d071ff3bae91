// MesosCluster finding its leader through a real ZooKeeper server, as the
// masters' --zk flag has them elect one, and following a failover.
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "adapters/mesos/testing/fake_mesos_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spotburst/mesos/mesos_cluster.h"
#include "testing/status_matchers.h"
#include "testing/zookeeper_server.h"

namespace spotburst::mesos {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::spotburst::testing::ZooKeeperClient;
using ::spotburst::testing::ZooKeeperServer;
using testing::FakeMesosServer;
using ::testing::HasSubstr;

TEST(MesosClusterZooKeeperTest, ReadsTheElectedMasterAndFollowsAFailover) {
  ZooKeeperServer zookeeper;
  ASSERT_TRUE(zookeeper.running()) << zookeeper.error();
  FakeMesosServer mesos;
  mesos.Control("agents", {{"agents",
                            {{{"attributes", {{"cloud_type", "private"}}},
                              {"resources", {{"cpus", 24}, {"mem", 65536}}},
                              {"used", {{"cpus", 6}}}}}}});
  ZooKeeperClient masters(zookeeper.hosts());
  ASSERT_TRUE(masters.connected());
  ASSERT_EQ(masters.Create("/mesos", ""), "/mesos");
  // The registry's replicas live in the same group and are skipped.
  ASSERT_FALSE(masters.Create("/mesos/log_replicas", "").empty());
  const std::string first =
      masters.JoinAsMaster("/mesos", "127.0.0.1", mesos.master_ports()[0]);
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(
      masters.JoinAsMaster("/mesos", "127.0.0.1", mesos.master_ports()[1])
          .empty());

  absl::StatusOr<std::unique_ptr<MesosCluster>> cluster =
      MesosCluster::Create({.zookeeper = "zk://" + zookeeper.hosts() + "/mesos",
                            .private_selector = {{"cloud_type", "private"}},
                            .connect_timeout = absl::Seconds(30)});
  ASSERT_THAT(cluster, IsOk());
  absl::StatusOr<ClusterState> state = (*cluster)->Snapshot();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->baseline.cpus, 24);

  // Master 0 dies: its node goes, master 1 is elected.
  mesos.Control("leader", {{"master", 1}});
  ASSERT_EQ(masters.Delete(first), 0);
  // Until the watch fires the adapter may still ask master 0, which now
  // says it is not elected: a failed read, never a wrong one.
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  absl::StatusOr<ClusterState> after = (*cluster)->Snapshot();
  while (!after.ok() && absl::Now() < deadline) {
    EXPECT_THAT(after, StatusIs(absl::StatusCode::kUnavailable,
                                HasSubstr("not the leader")));
    after = (*cluster)->Snapshot();
  }
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->baseline.cpus, 24);
  const nlohmann::json calls = mesos.State()["calls"];
  EXPECT_EQ(calls.back()["server"], "master1");
}

}  // namespace
}  // namespace spotburst::mesos
