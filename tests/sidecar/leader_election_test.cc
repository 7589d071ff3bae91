// The leader election and its state store against a real ZooKeeper server,
// with a TCP proxy to partition a daemon from it. Every wait is for a
// change of a view, bounded by a generous deadline; sessions are short so
// that an expiry comes within seconds.
#include "sidecar/leader_election.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "sidecar/event_log.h"
#include "sidecar/state_store.h"
#include "spotburst/v1/controller_service.pb.h"
#include "testing/status_matchers.h"
#include "testing/tcp_proxy.h"
#include "testing/zookeeper_server.h"

namespace spotburst::sidecar {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::spotburst::testing::TcpProxy;
using ::spotburst::testing::ZooKeeperClient;
using ::spotburst::testing::ZooKeeperServer;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// Only fails a test whose event never comes.
constexpr absl::Duration kEventDeadline = absl::Seconds(30);
// Short, so that a partitioned daemon's session expires soon (the test
// server grants 1 s to 10 s).
constexpr absl::Duration kShortSession = absl::Seconds(2);

// Waits until `done` holds for the election's view; the last view.
template <typename Done>
LeadershipView WaitForView(LeaderElection& election, Done done,
                           absl::Duration deadline_in = kEventDeadline) {
  const absl::Time deadline = absl::Now() + deadline_in;
  LeadershipView view = election.View();
  while (!done(view) && absl::Now() < deadline) {
    election.WaitForChange(deadline - absl::Now());
    view = election.View();
  }
  return view;
}

bool Leading(const LeadershipView& view) { return view.leading; }
bool NotLeading(const LeadershipView& view) { return !view.leading; }
auto Following(const std::string& leader) {
  return [leader](const LeadershipView& view) {
    return view.connected && !view.leading && view.leader_identity == leader;
  };
}

v1::ControllerCheckpoint Checkpoint(const std::string& saved_by,
                                    const std::string& instance) {
  v1::ControllerCheckpoint checkpoint;
  checkpoint.set_policy_name("prod");
  checkpoint.set_policy_revision("8cf7eb0fd7c45295");
  checkpoint.set_saved_by(saved_by);
  *checkpoint.mutable_saved_at() = TimeUtil::SecondsToTimestamp(1714557600);
  v1::EngineState& state = *checkpoint.mutable_engine_state();
  *state.mutable_last_scale_up() =
      TimeUtil::NanosecondsToTimestamp(1714557000123456789);
  state.set_supply_mode(v1::SUPPLY_MODE_ON_DEMAND);
  *state.mutable_supply_mode_since() = TimeUtil::SecondsToTimestamp(1714550000);
  state.set_fallback_reason("spot price above the bid");
  v1::AgentDrain& drain = *state.add_drains();
  drain.set_instance_id(instance);
  *drain.mutable_started() = TimeUtil::SecondsToTimestamp(1714557300);
  drain.set_for_interruption(true);
  v1::AgentDrain& second = *state.add_drains();
  second.set_instance_id(instance + "-b");
  *second.mutable_started() = TimeUtil::SecondsToTimestamp(1714557360);
  return checkpoint;
}

MATCHER_P(HoldsCheckpoint, expected, "holds the checkpoint") {
  if (!arg.ok() || !arg->has_value()) {
    *result_listener << "got " << (arg.ok() ? "none" : arg.status().ToString());
    return false;
  }
  std::string differences;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  if (differencer.Compare(expected, **arg)) return true;
  *result_listener << differences;
  return false;
}

class LeaderElectionTest : public ::testing::Test {
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
    // Each test under its own path, whose parents the election creates.
    path_ = absl::StrCat(
        "/spotburst/",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  std::unique_ptr<LeaderElection> NewElection(
      const std::string& identity, absl::Duration session = kShortSession,
      const std::string& hosts = "") {
    absl::StatusOr<std::unique_ptr<LeaderElection>> election =
        LeaderElection::Create(
            {.zookeeper = hosts.empty() ? server_->hosts() : hosts,
             .path = path_,
             .identity = identity,
             .session_timeout = session});
    EXPECT_TRUE(election.ok()) << election.status();
    return election.ok() ? *std::move(election) : nullptr;
  }

  // The election's nodes, sorted as ZooKeeper lists them.
  std::vector<std::string> ElectionNodes() {
    String_vector names{0, nullptr};
    std::vector<std::string> nodes;
    if (zoo_get_children(admin_->handle(), (path_ + "/election").c_str(), 0,
                         &names) == ZOK) {
      for (int i = 0; i < names.count; ++i) nodes.push_back(names.data[i]);
    }
    deallocate_String_vector(&names);
    std::sort(nodes.begin(), nodes.end());
    return nodes;
  }

  std::string NodeData(const std::string& node) {
    char buffer[2048];
    int length = sizeof(buffer);
    if (zoo_get(admin_->handle(), node.c_str(), 0, buffer, &length, nullptr) !=
        ZOK) {
      return "<none>";
    }
    return std::string(buffer, static_cast<size_t>(std::max(length, 0)));
  }

  int SetData(const std::string& node, const std::string& data) {
    return zoo_set(admin_->handle(), node.c_str(), data.data(),
                   static_cast<int>(data.size()), -1);
  }

  static ZooKeeperServer* server_;
  std::unique_ptr<ZooKeeperClient> admin_;
  std::string path_;
};

ZooKeeperServer* LeaderElectionTest::server_ = nullptr;

TEST_F(LeaderElectionTest, OneLeadsAndTheOtherStandsByNamingIt) {
  std::unique_ptr<LeaderElection> a = NewElection("host-a:50551");
  ASSERT_NE(a, nullptr);
  const LeadershipView leader = WaitForView(*a, Leading);
  ASSERT_TRUE(leader.leading);
  EXPECT_TRUE(a->IsLeader());
  EXPECT_TRUE(leader.connected);
  EXPECT_EQ(leader.leader_identity, "host-a:50551");
  EXPECT_EQ(leader.term, 1);
  EXPECT_LE(leader.leading_since, absl::Now());
  EXPECT_GT(leader.leading_since, absl::Now() - kEventDeadline);

  std::unique_ptr<LeaderElection> b = NewElection("host-b:50551");
  ASSERT_NE(b, nullptr);
  const LeadershipView standby = WaitForView(*b, Following("host-a:50551"));
  EXPECT_TRUE(standby.connected);
  EXPECT_EQ(standby.leader_identity, "host-a:50551");
  EXPECT_FALSE(standby.leading);
  EXPECT_FALSE(b->IsLeader());
  EXPECT_EQ(standby.term, 0);
  EXPECT_EQ(standby.leading_since, absl::InfinitePast());
  EXPECT_TRUE(a->IsLeader());

  // Each holds one ephemeral sequential node with its identity.
  const std::vector<std::string> nodes = ElectionNodes();
  ASSERT_THAT(nodes, SizeIs(2));
  EXPECT_EQ(NodeData(path_ + "/election/" + nodes[0]), "host-a:50551");
  EXPECT_EQ(NodeData(path_ + "/election/" + nodes[1]), "host-b:50551");
}

TEST_F(LeaderElectionTest, ALeaderThatExitsHandsOverWithoutAnExpiry) {
  // A session the server would take 10 s to expire.
  const absl::Duration session = absl::Seconds(10);
  std::unique_ptr<LeaderElection> a = NewElection("host-a:50551", session);
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(WaitForView(*a, Leading).leading);
  std::unique_ptr<LeaderElection> b = NewElection("host-b:50551", session);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(WaitForView(*b, Following("host-a:50551")).connected);
  std::unique_ptr<StateStore> store_of_a = a->NewStateStore();

  const absl::Time exit = absl::Now();
  a.reset();
  // Well within the session timeout: the node went with the session.
  const LeadershipView view =
      WaitForView(*b, Leading, session - absl::Seconds(2));
  ASSERT_TRUE(view.leading) << "the standby waited for an expiry";
  EXPECT_LT(view.leading_since - exit, session);
  EXPECT_EQ(view.leader_identity, "host-b:50551");
  EXPECT_EQ(view.term, 1);
  EXPECT_THAT(ElectionNodes(), SizeIs(1));

  // A store kept past its election refuses, and is safe to use.
  EXPECT_THAT(store_of_a->Save(Checkpoint("host-a:50551", "i-1")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not the leader")));
  EXPECT_THAT(
      store_of_a->Load().status(),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("closed")));
}

TEST_F(LeaderElectionTest, ALeaderThatClosesHandsOverWhileItIsStillAlive) {
  const absl::Duration session = absl::Seconds(10);
  std::unique_ptr<LeaderElection> a = NewElection("host-a:50551", session);
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(WaitForView(*a, Leading).leading);
  std::unique_ptr<LeaderElection> b = NewElection("host-b:50551", session);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(WaitForView(*b, Following("host-a:50551")).connected);
  std::unique_ptr<StateStore> store_of_a = a->NewStateStore();

  // A daemon that has stopped its loop but still serves its last calls.
  a->Close();
  a->Close();
  const LeadershipView closed = a->View();
  EXPECT_FALSE(closed.leading);
  EXPECT_FALSE(closed.connected);
  const LeadershipView view =
      WaitForView(*b, Leading, session - absl::Seconds(2));
  ASSERT_TRUE(view.leading) << "the standby waited for an expiry";
  EXPECT_THAT(ElectionNodes(), SizeIs(1));
  EXPECT_THAT(store_of_a->Save(Checkpoint("host-a:50551", "i-1")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not the leader")));
  a.reset();
  EXPECT_TRUE(b->View().leading);
}

TEST_F(LeaderElectionTest, APartitionedLeaderStopsBeforeTheStandbyLeads) {
  TcpProxy link(server_->port());
  ASSERT_TRUE(link.ok());
  ScopedEventCapture events;
  std::unique_ptr<LeaderElection> a = NewElection(
      "host-a:50551", kShortSession, absl::StrCat("127.0.0.1:", link.port()));
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(WaitForView(*a, Leading).leading);
  std::unique_ptr<LeaderElection> b = NewElection("host-b:50551");
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(WaitForView(*b, Following("host-a:50551")).connected);

  // The leader's link goes: it stops at once, without its session ending.
  link.Cut();
  const LeadershipView stopped = WaitForView(*a, NotLeading);
  const absl::Time a_stopped = absl::Now();
  ASSERT_FALSE(stopped.leading);
  EXPECT_FALSE(stopped.connected);
  EXPECT_EQ(stopped.leader_identity, "");
  EXPECT_FALSE(b->IsLeader()) << "two leaders at once";

  // The standby leads once the server expired the old session, after.
  const LeadershipView taken = WaitForView(*b, Leading);
  ASSERT_TRUE(taken.leading);
  EXPECT_FALSE(a->IsLeader()) << "two leaders at once";
  EXPECT_LT(a_stopped, taken.leading_since);

  // Back in touch, the old leader learns of the expiry and joins again, at
  // the back: it stands by.
  link.Restore();
  const LeadershipView back = WaitForView(*a, Following("host-b:50551"));
  EXPECT_TRUE(back.connected);
  EXPECT_FALSE(back.leading);
  EXPECT_EQ(back.term, 1);
  EXPECT_TRUE(b->IsLeader());
  EXPECT_THAT(ElectionNodes(), SizeIs(2));

  const std::vector<std::string> lines = events.lines();
  EXPECT_THAT(lines, Contains(AllOf(HasSubstr("event=leadership_lost"),
                                    HasSubstr("reason=disconnected"))))
      << absl::StrJoin(lines, "\n");
  EXPECT_THAT(lines, Contains(HasSubstr("event=zookeeper_session_expired")));
  EXPECT_THAT(lines, Contains(AllOf(HasSubstr("event=leader_elected"),
                                    HasSubstr("identity=host-b:50551"))));
}

TEST_F(LeaderElectionTest, ALeaderBackBeforeItsSessionExpiresLeadsAgain) {
  // Long enough that the session outlives the cut.
  const absl::Duration session = absl::Seconds(10);
  TcpProxy link(server_->port());
  ASSERT_TRUE(link.ok());
  std::unique_ptr<LeaderElection> a = NewElection(
      "host-a:50551", session, absl::StrCat("127.0.0.1:", link.port()));
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(WaitForView(*a, Leading).leading);
  std::unique_ptr<LeaderElection> b = NewElection("host-b:50551", session);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(WaitForView(*b, Following("host-a:50551")).connected);

  link.Cut();
  ASSERT_FALSE(WaitForView(*a, NotLeading).leading);
  link.Restore();
  // Same session, same node: it leads again, in a new term.
  const LeadershipView back = WaitForView(*a, Leading);
  ASSERT_TRUE(back.leading);
  EXPECT_EQ(back.term, 2);
  EXPECT_THAT(ElectionNodes(), SizeIs(2));
  EXPECT_FALSE(b->IsLeader());
  EXPECT_EQ(b->View().leader_identity, "host-a:50551");
}

TEST_F(LeaderElectionTest, OnlyTheLeaderSavesAndADeposedOneCannot) {
  TcpProxy link(server_->port());
  ASSERT_TRUE(link.ok());
  std::unique_ptr<LeaderElection> a = NewElection(
      "host-a:50551", kShortSession, absl::StrCat("127.0.0.1:", link.port()));
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(WaitForView(*a, Leading).leading);
  std::unique_ptr<LeaderElection> b = NewElection("host-b:50551");
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(WaitForView(*b, Following("host-a:50551")).connected);
  std::unique_ptr<StateStore> store_a = a->NewStateStore();
  std::unique_ptr<StateStore> store_b = b->NewStateStore();
  EXPECT_THAT(store_b->Describe(), HasSubstr(path_ + "/state"));

  // Nothing saved yet; the standby reads but does not write.
  absl::StatusOr<std::optional<v1::ControllerCheckpoint>> none =
      store_b->Load();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());
  EXPECT_THAT(
      store_b->Save(Checkpoint("host-b:50551", "i-b")),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               AllOf(HasSubstr("not the leader"), HasSubstr("host-a:50551"))));

  const v1::ControllerCheckpoint first = Checkpoint("host-a:50551", "i-a");
  ASSERT_THAT(store_a->Save(first), IsOk());
  EXPECT_THAT(store_b->Load(), HoldsCheckpoint(first));
  EXPECT_THAT(NodeData(path_ + "/state"),
              AllOf(HasSubstr("\"policy_name\":\"prod\""),
                    HasSubstr("\"instance_id\":\"i-a\"")));

  // Partitioned, the leader stops writing at once.
  link.Cut();
  ASSERT_FALSE(WaitForView(*a, NotLeading).leading);
  EXPECT_THAT(store_a->Save(Checkpoint("host-a:50551", "i-late")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not the leader")));
  // Its session expires; the standby takes over and writes.
  ASSERT_TRUE(WaitForView(*b, Leading).leading);
  const v1::ControllerCheckpoint second = Checkpoint("host-b:50551", "i-b");
  ASSERT_THAT(store_b->Save(second), IsOk());

  // Back, the deposed leader still cannot write; it reads its successor's.
  link.Restore();
  ASSERT_TRUE(WaitForView(*a, Following("host-b:50551")).connected);
  EXPECT_THAT(store_a->Save(Checkpoint("host-a:50551", "i-later")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not the leader")));
  EXPECT_THAT(store_a->Load(), HoldsCheckpoint(second));
}

TEST_F(LeaderElectionTest, TheWriteChecksTheLeadersOwnNode) {
  std::unique_ptr<LeaderElection> a = NewElection("host-a:50551");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(WaitForView(*a, Leading).leading);
  std::unique_ptr<StateStore> store = a->NewStateStore();
  const v1::ControllerCheckpoint first = Checkpoint("host-a:50551", "i-1");
  ASSERT_THAT(store->Save(first), IsOk());

  // The leader loses its node after it checked that it leads, before its
  // write reaches ZooKeeper: the write is refused whole.
  const std::vector<std::string> nodes = ElectionNodes();
  ASSERT_THAT(nodes, SizeIs(1));
  a->SetBeforeSaveWriteForTesting(
      [&] { ASSERT_EQ(admin_->Delete(path_ + "/election/" + nodes[0]), ZOK); });
  EXPECT_THAT(store->Save(Checkpoint("host-a:50551", "i-2")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("not the leader"),
                             HasSubstr("election node is gone"))));
  a->SetBeforeSaveWriteForTesting(nullptr);
  EXPECT_THAT(store->Load(), HoldsCheckpoint(first));
}

TEST_F(LeaderElectionTest, AWriteCutOffByALostLinkMayHaveBeenMadeAndIsRetried) {
  TcpProxy link(server_->port());
  ASSERT_TRUE(link.ok());
  std::unique_ptr<LeaderElection> a = NewElection(
      "host-a:50551", kShortSession, absl::StrCat("127.0.0.1:", link.port()));
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(WaitForView(*a, Leading).leading);
  std::unique_ptr<StateStore> store = a->NewStateStore();

  // The link goes after the leader checked that it leads, before its write
  // is answered: the write's fate is unknown, and the error says so. (Under
  // the sanitizers this is also the path where the ZooKeeper client itself
  // leaks a transaction's operations; see scripts/lsan-suppressions.txt.)
  a->SetBeforeSaveWriteForTesting([&] { link.Cut(); });
  EXPECT_THAT(store->Save(Checkpoint("host-a:50551", "i-1")),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("may or may not have been made")));
  a->SetBeforeSaveWriteForTesting(nullptr);
  EXPECT_FALSE(WaitForView(*a, NotLeading).leading);

  // Back in touch (in the same session or a new one), it leads again, and
  // the next save replaces whatever the lost one did.
  link.Restore();
  const LeadershipView back = WaitForView(*a, Leading);
  ASSERT_TRUE(back.leading);
  EXPECT_EQ(back.term, 2);
  const v1::ControllerCheckpoint next = Checkpoint("host-a:50551", "i-2");
  ASSERT_THAT(store->Save(next), IsOk());
  EXPECT_THAT(store->Load(), HoldsCheckpoint(next));
}

TEST_F(LeaderElectionTest, ACorruptStateNamesTheNodeAndTheField) {
  std::unique_ptr<LeaderElection> a = NewElection("host-a:50551");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(WaitForView(*a, Leading).leading);  // the path exists now
  std::unique_ptr<StateStore> store = a->NewStateStore();
  const std::string node = path_ + "/state";
  ASSERT_EQ(admin_->Create(node, "{\"policy_name\": \"prod\",,}"), node);
  EXPECT_THAT(store->Load().status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(node)));

  ASSERT_EQ(SetData(node,
                    "{\"engine_state\":{\"drains\":[{\"instance_id\":\"i-1\","
                    "\"started\":\"yesterday\"}]}}"),
            ZOK);
  EXPECT_THAT(store->Load().status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr(node), HasSubstr("started"))));

  ASSERT_EQ(SetData(node, "{\"engine_state\":{\"backoffs\":[{}]}}"), ZOK);
  EXPECT_THAT(
      store->Load().status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr(node), HasSubstr("engine_state.backoffs[0]"))));
}

TEST_F(LeaderElectionTest, UnreachableZooKeeperNeverLeadsAndLoadSaysSo) {
  TcpProxy link(server_->port());
  ASSERT_TRUE(link.ok());
  link.Cut();
  std::unique_ptr<LeaderElection> a = NewElection(
      "host-a:50551", kShortSession, absl::StrCat("127.0.0.1:", link.port()));
  ASSERT_NE(a, nullptr);
  std::unique_ptr<StateStore> store = a->NewStateStore();
  // Load waits a session timeout for a connection, then says why.
  EXPECT_THAT(
      store->Load().status(),
      StatusIs(absl::StatusCode::kUnavailable,
               AllOf(HasSubstr(path_ + "/state"), HasSubstr("not connected"))));
  const LeadershipView view = a->View();
  EXPECT_FALSE(view.leading);
  EXPECT_FALSE(view.connected);
  EXPECT_EQ(view.leader_identity, "");
  EXPECT_THAT(
      store->Save(Checkpoint("host-a:50551", "i-1")),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               AllOf(HasSubstr("not the leader"), HasSubstr("not connected"))));

  // Reachable again, it leads (it is alone).
  link.Restore();
  EXPECT_TRUE(WaitForView(*a, Leading).leading);
}

TEST_F(LeaderElectionTest, DestroyedWhileEventsArrive) {
  std::unique_ptr<LeaderElection> a = NewElection("host-a:50551");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(WaitForView(*a, Leading).leading);
  for (int i = 0; i < 5; ++i) {
    std::unique_ptr<LeaderElection> b = NewElection("host-b:50551");
    ASSERT_NE(b, nullptr);
    ASSERT_TRUE(WaitForView(*b, Following("host-a:50551")).connected);
    std::unique_ptr<StateStore> store = b->NewStateStore();
    // The watch fires while the standby goes, and its store stays behind;
    // AddressSanitizer would catch a callback into freed memory.
    ASSERT_FALSE(admin_
                     ->Create(path_ + "/election/n_", "host-c:50551",
                              ZOO_EPHEMERAL | ZOO_SEQUENCE)
                     .empty());
    b.reset();
    EXPECT_THAT(
        store->Load().status(),
        StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("closed")));
  }
  EXPECT_TRUE(a->IsLeader());
}

TEST(LeaderElectionOptionsTest, ErrorsNameTheKey) {
  const LeaderElectionOptions good = {.zookeeper = "10.0.0.1:2181,zk-2:2181",
                                      .path = "/spotburst/mesos-a",
                                      .identity = "host-a:50551"};
  EXPECT_THAT(ValidateLeaderElectionOptions(good), IsOk());
  struct Case {
    LeaderElectionOptions options;
    std::string key;
  };
  auto with = [&good](auto change) {
    LeaderElectionOptions options = good;
    change(options);
    return options;
  };
  const std::string long_text(5000, 'x');
  const std::vector<Case> cases = {
      {with([](auto& o) { o.zookeeper = ""; }), "managed.ha.zookeeper"},
      {with([](auto& o) { o.zookeeper = "zk://10.0.0.1:2181/mesos"; }),
       "managed.ha.zookeeper"},
      {with([](auto& o) { o.zookeeper = "10.0.0.1:2181,10.0.0.2"; }),
       "managed.ha.zookeeper"},
      {with([](auto& o) { o.zookeeper = "10.0.0.1:99999"; }),
       "managed.ha.zookeeper"},
      {with([&](auto& o) { o.zookeeper = long_text; }), "managed.ha.zookeeper"},
      {with([](auto& o) { o.path = ""; }), "managed.ha.path"},
      {with([](auto& o) { o.path = "spotburst"; }), "managed.ha.path"},
      {with([](auto& o) { o.path = "/"; }), "managed.ha.path"},
      {with([](auto& o) { o.path = "/spotburst/"; }), "managed.ha.path"},
      {with([](auto& o) { o.path = "/spotburst//a"; }), "managed.ha.path"},
      {with([](auto& o) { o.path = "/spotburst/../a"; }), "managed.ha.path"},
      {with([](auto& o) { o.path = "/zookeeper/quota"; }), "managed.ha.path"},
      {with([&](auto& o) { o.path = "/" + long_text; }), "managed.ha.path"},
      {with([](auto& o) { o.identity = ""; }), "managed.ha.identity"},
      {with([](auto& o) { o.identity = std::string(257, 'h'); }),
       "managed.ha.identity"},
      {with([](auto& o) { o.identity = "host-a\n50551"; }),
       "managed.ha.identity"},
      {with([](auto& o) { o.session_timeout = absl::Seconds(1); }),
       "managed.ha.session_timeout_s"},
      {with([](auto& o) { o.session_timeout = absl::Seconds(61); }),
       "managed.ha.session_timeout_s"},
  };
  for (const Case& c : cases) {
    const absl::Status status = ValidateLeaderElectionOptions(c.options);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr(c.key + ": ")))
        << c.options.zookeeper.substr(0, 80) << " "
        << c.options.path.substr(0, 80) << " "
        << c.options.identity.substr(0, 80);
    // Never the whole of a long value.
    EXPECT_LT(status.message().size(), 300u) << status.message().substr(0, 80);
    // Create refuses them before connecting anywhere.
    EXPECT_THAT(LeaderElection::Create(c.options).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.key)));
  }
}

}  // namespace
}  // namespace spotburst::sidecar
