// The leader detection against a real ZooKeeper server, with nodes made
// as Mesos masters make them. Every wait is for an event (a watch, a
// session state), bounded by a generous deadline.
#include "zookeeper_leader_detector.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/tcp_proxy.h"
#include "testing/zookeeper_server.h"
#include "zookeeper_url.h"

namespace spotburst::mesos {
namespace {

using ::spotburst::testing::IsOkAndHolds;
using ::spotburst::testing::StatusIs;
using ::spotburst::testing::TcpProxy;
using ::spotburst::testing::ZooKeeperClient;
using ::spotburst::testing::ZooKeeperServer;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// Only fails a test whose event never comes.
constexpr absl::Duration kEventDeadline = absl::Seconds(60);

struct DetectorSettings {
  std::string credentials;
  absl::Duration session_timeout = absl::Seconds(10);
  // Generous where a connection is expected; short where it is not.
  absl::Duration connect_timeout = absl::Seconds(30);
};

std::unique_ptr<ZooKeeperLeaderDetector> NewDetector(
    const std::string& hosts, const std::string& group,
    const DetectorSettings& settings = {}) {
  absl::StatusOr<std::unique_ptr<ZooKeeperLeaderDetector>> detector =
      ZooKeeperLeaderDetector::Create(
          {.zookeeper = {.servers = hosts,
                         .path = group,
                         .credentials = settings.credentials},
           .session_timeout = settings.session_timeout,
           .connect_timeout = settings.connect_timeout});
  EXPECT_TRUE(detector.ok()) << detector.status();
  return detector.ok() ? *std::move(detector) : nullptr;
}

// Calls LeaderUrl() until `done` holds for its answer, waiting for a
// change in between; the last answer.
template <typename Done>
absl::StatusOr<std::string> LeaderUrlOnceDone(ZooKeeperLeaderDetector& detector,
                                              Done done) {
  const absl::Time deadline = absl::Now() + kEventDeadline;
  absl::StatusOr<std::string> leader = detector.LeaderUrl();
  while (!done(leader) && absl::Now() < deadline) {
    detector.WaitForChange(deadline - absl::Now());
    leader = detector.LeaderUrl();
  }
  return leader;
}

class ZooKeeperLeaderDetectorTest : public ::testing::Test {
 protected:
  // One server for the suite: it takes a while to start.
  static void SetUpTestSuite() { server_ = new ZooKeeperServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(server_->running()) << server_->error();
    admin_ = std::make_unique<ZooKeeperClient>(server_->hosts());
    ASSERT_TRUE(admin_->connected()) << "cannot connect to ZooKeeper";
    // Each test under its own group.
    group_ = std::string("/") +
             ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  void MakeGroup() { ASSERT_EQ(admin_->Create(group_, ""), group_); }

  std::string hosts() const { return server_->hosts(); }

  static ZooKeeperServer* server_;
  std::unique_ptr<ZooKeeperClient> admin_;
  std::string group_;
};

ZooKeeperServer* ZooKeeperLeaderDetectorTest::server_ = nullptr;

TEST_F(ZooKeeperLeaderDetectorTest, TheLowestSequenceAmongMastersLeads) {
  MakeGroup();
  // What else lives in the group: the registry's replicas, a child whose
  // last token is no number, a binary node of an old master (which took
  // the lowest sequence: it is not readable, so not the leader).
  ASSERT_FALSE(admin_->Create(group_ + "/log_replicas", "").empty());
  ASSERT_FALSE(admin_->Create(group_ + "/json.info_pending", "{}").empty());
  ASSERT_FALSE(admin_
                   ->Create(group_ + "/info_", std::string("\x0a\x03\x31", 3),
                            ZOO_EPHEMERAL | ZOO_SEQUENCE)
                   .empty());
  // The first to join leads, whatever its address.
  ASSERT_FALSE(admin_->JoinAsMaster(group_, "10.20.0.12", 5050).empty());
  ASSERT_FALSE(admin_->JoinAsMaster(group_, "10.20.0.11", 5050).empty());
  ASSERT_FALSE(admin_->JoinAsMaster(group_, "10.20.0.10", 5051).empty());

  std::unique_ptr<ZooKeeperLeaderDetector> detector =
      NewDetector(hosts(), group_);
  ASSERT_NE(detector, nullptr);
  EXPECT_THAT(detector->LeaderUrl(), IsOkAndHolds("http://10.20.0.12:5050"));
  EXPECT_THAT(detector->LeaderUrl(), IsOkAndHolds("http://10.20.0.12:5050"));
}

TEST_F(ZooKeeperLeaderDetectorTest, FollowsALeaderChange) {
  MakeGroup();
  const std::string first = admin_->JoinAsMaster(group_, "10.20.0.11", 5050);
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(admin_->JoinAsMaster(group_, "10.20.0.12", 5050).empty());
  std::unique_ptr<ZooKeeperLeaderDetector> detector =
      NewDetector(hosts(), group_);
  ASSERT_NE(detector, nullptr);
  ASSERT_THAT(detector->LeaderUrl(), IsOkAndHolds("http://10.20.0.11:5050"));

  // The leader's session ends: its node goes; the watch tells.
  ASSERT_EQ(admin_->Delete(first), ZOK);
  ASSERT_TRUE(detector->WaitForChange(kEventDeadline));
  EXPECT_THAT(detector->LeaderUrl(), IsOkAndHolds("http://10.20.0.12:5050"));

  // A master joining later does not take over; the watch was set again.
  ASSERT_FALSE(admin_->JoinAsMaster(group_, "10.20.0.13", 5050).empty());
  ASSERT_TRUE(detector->WaitForChange(kEventDeadline));
  EXPECT_THAT(detector->LeaderUrl(), IsOkAndHolds("http://10.20.0.12:5050"));
}

TEST_F(ZooKeeperLeaderDetectorTest, NoMasterIsUnavailableUntilOneJoins) {
  // No group node at all: a wrong path, or no master ever ran.
  std::unique_ptr<ZooKeeperLeaderDetector> detector =
      NewDetector(hosts(), group_);
  ASSERT_NE(detector, nullptr);
  EXPECT_THAT(detector->LeaderUrl(),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr(group_), HasSubstr("does not exist"))));

  MakeGroup();
  ASSERT_FALSE(admin_->Create(group_ + "/log_replicas", "").empty());
  EXPECT_THAT(detector->LeaderUrl(),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("no Mesos master in " + group_)));

  ASSERT_FALSE(admin_->JoinAsMaster(group_, "10.20.0.11", 5050).empty());
  ASSERT_TRUE(detector->WaitForChange(kEventDeadline));
  EXPECT_THAT(detector->LeaderUrl(), IsOkAndHolds("http://10.20.0.11:5050"));
}

TEST_F(ZooKeeperLeaderDetectorTest, OnlyBinaryNodesOfOldMastersIsAClearError) {
  MakeGroup();
  ASSERT_FALSE(admin_
                   ->Create(group_ + "/info_",
                            std::string("\x0a\x24\x35\x63\x10\x8a", 6),
                            ZOO_EPHEMERAL | ZOO_SEQUENCE)
                   .empty());
  std::unique_ptr<ZooKeeperLeaderDetector> detector =
      NewDetector(hosts(), group_);
  ASSERT_NE(detector, nullptr);
  EXPECT_THAT(detector->LeaderUrl(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("only info_ nodes"),
                             HasSubstr("json.info_"), HasSubstr("0.24"))));
}

TEST_F(ZooKeeperLeaderDetectorTest, ALeaderNodeWithoutAnAddressNamesTheNode) {
  MakeGroup();
  const std::string node = admin_->Create(group_ + "/json.info_", "{\"id\":1}",
                                          ZOO_EPHEMERAL | ZOO_SEQUENCE);
  ASSERT_FALSE(node.empty());
  std::unique_ptr<ZooKeeperLeaderDetector> detector =
      NewDetector(hosts(), group_);
  ASSERT_NE(detector, nullptr);
  EXPECT_THAT(detector->LeaderUrl(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(node.substr(group_.size() + 1))));
}

TEST_F(ZooKeeperLeaderDetectorTest, RecoversFromAnExpiredSession) {
  MakeGroup();
  ASSERT_FALSE(admin_->JoinAsMaster(group_, "10.20.0.11", 5050).empty());
  // The detector reaches the server through a link the test can cut.
  TcpProxy link(server_->port());
  ASSERT_TRUE(link.ok());
  std::unique_ptr<ZooKeeperLeaderDetector> detector =
      NewDetector("127.0.0.1:" + std::to_string(link.port()), group_,
                  {.connect_timeout = absl::Milliseconds(500)});
  ASSERT_NE(detector, nullptr);
  ASSERT_THAT(detector->LeaderUrl(), IsOkAndHolds("http://10.20.0.11:5050"));
  const std::optional<ZooKeeperLeaderDetector::SessionId> before =
      detector->SessionForTesting();
  ASSERT_TRUE(before.has_value());

  // Cut off, it no longer vouches for the leader it knew.
  link.Cut();
  EXPECT_THAT(
      LeaderUrlOnceDone(*detector,
                        [](const absl::StatusOr<std::string>& answer) {
                          return !answer.ok();
                        }),
      StatusIs(absl::StatusCode::kUnavailable, HasSubstr("not connected")));

  // Meanwhile its session ends, the standard way: another client joins it,
  // then closes it (with the detector cut off, it cannot take the session
  // back in between). On a slow machine it may have expired already.
  {
    clientid_t id{};
    id.client_id = before->id;
    ASSERT_EQ(before->password.size(), sizeof(id.passwd));
    before->password.copy(id.passwd, sizeof(id.passwd));
    ZooKeeperClient intruder(hosts(), &id);
  }

  // Back in touch, it learns of the expiry and opens a new session.
  link.Restore();
  const absl::StatusOr<std::string> leader = LeaderUrlOnceDone(
      *detector, [&](const absl::StatusOr<std::string>& answer) {
        const std::optional<ZooKeeperLeaderDetector::SessionId> now =
            detector->SessionForTesting();
        return answer.ok() && now.has_value() && now->id != before->id;
      });
  EXPECT_THAT(leader, IsOkAndHolds("http://10.20.0.11:5050"));
  const std::optional<ZooKeeperLeaderDetector::SessionId> after =
      detector->SessionForTesting();
  ASSERT_TRUE(after.has_value());
  EXPECT_NE(after->id, before->id) << "still the expired session";
}

TEST_F(ZooKeeperLeaderDetectorTest, ReadsWithDigestCredentialsNeverShown) {
  const std::string credentials = "ops:hunter2";
  ASSERT_EQ(admin_->AddDigestAuth(credentials), ZOK);
  // Readable by the one who made it only.
  ASSERT_EQ(admin_->Create(group_, "", 0, &ZOO_CREATOR_ALL_ACL), group_);
  ASSERT_FALSE(admin_->JoinAsMaster(group_, "10.20.0.11", 5050).empty());

  ::testing::internal::CaptureStderr();
  std::unique_ptr<ZooKeeperLeaderDetector> allowed =
      NewDetector(hosts(), group_, {.credentials = credentials});
  ASSERT_NE(allowed, nullptr);
  EXPECT_THAT(allowed->LeaderUrl(), IsOkAndHolds("http://10.20.0.11:5050"));

  for (const std::string& wrong : {std::string(), std::string("ops:hunter3")}) {
    std::unique_ptr<ZooKeeperLeaderDetector> refused =
        NewDetector(hosts(), group_, {.credentials = wrong});
    ASSERT_NE(refused, nullptr);
    const absl::Status status = refused->LeaderUrl().status();
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kPermissionDenied,
                                 HasSubstr("credentials")));
    EXPECT_THAT(std::string(status.message()),
                AllOf(Not(HasSubstr("hunter")), Not(HasSubstr("ops:"))));
  }
  allowed.reset();
  // ZooKeeper's client logs to stderr unless told otherwise.
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST_F(ZooKeeperLeaderDetectorTest, DestroyedWhileEventsArrive) {
  MakeGroup();
  ASSERT_FALSE(admin_->JoinAsMaster(group_, "10.20.0.11", 5050).empty());
  for (int i = 0; i < 5; ++i) {
    std::unique_ptr<ZooKeeperLeaderDetector> detector =
        NewDetector(hosts(), group_);
    ASSERT_NE(detector, nullptr);
    ASSERT_THAT(detector->LeaderUrl(), IsOkAndHolds("http://10.20.0.11:5050"));
    // The watch fires while the detector goes; AddressSanitizer would
    // catch a callback into freed memory.
    ASSERT_FALSE(admin_->JoinAsMaster(group_, "10.20.1.1", 5050).empty());
  }
}

// The server goes away: the detector says so instead of answering with a
// leader it cannot confirm, and never hangs.
class ZooKeeperLeaderDetectorServerLossTest
    : public ZooKeeperLeaderDetectorTest {};

TEST_F(ZooKeeperLeaderDetectorServerLossTest, AStoppedServerIsUnavailable) {
  MakeGroup();
  ASSERT_FALSE(admin_->JoinAsMaster(group_, "10.20.0.11", 5050).empty());
  const DetectorSettings short_connect = {.connect_timeout =
                                              absl::Milliseconds(500)};
  std::unique_ptr<ZooKeeperLeaderDetector> detector =
      NewDetector(hosts(), group_, short_connect);
  ASSERT_NE(detector, nullptr);
  ASSERT_THAT(detector->LeaderUrl(), IsOkAndHolds("http://10.20.0.11:5050"));

  const std::string stopped_hosts = hosts();
  server_->Stop();
  const absl::StatusOr<std::string> leader = LeaderUrlOnceDone(
      *detector,
      [](const absl::StatusOr<std::string>& answer) { return !answer.ok(); });
  EXPECT_THAT(leader, StatusIs(absl::StatusCode::kUnavailable,
                               HasSubstr("not connected")));

  // A detector that never reached it.
  std::unique_ptr<ZooKeeperLeaderDetector> late =
      NewDetector(stopped_hosts, group_, short_connect);
  ASSERT_NE(late, nullptr);
  EXPECT_THAT(late->LeaderUrl(), StatusIs(absl::StatusCode::kUnavailable,
                                          AllOf(HasSubstr(stopped_hosts),
                                                HasSubstr("not connected"))));
}

}  // namespace
}  // namespace spotburst::mesos
