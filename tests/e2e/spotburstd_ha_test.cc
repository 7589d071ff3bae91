// Two spotburstd daemons for one pool, elected through a real ZooKeeper,
// managing a Mesos cluster that bursts into EC2 (both test endpoints,
// testing/burst_environment.h): only the leader acts, the standby takes
// over when the leader dies or is cut off from ZooKeeper, and together they
// launch once and end what was launched at its billing point.
//
// The daemons run on the real clock; EC2's own clock is started at the real
// time and moved to it whenever a decision arrives, which is also when the
// burst agents join and leave (SyncAgents). Everything the test waits for
// is a decision, a log line or a status; no sleeps.
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spotburst/internal/state_proto.h"
#include "spotburst/plan.h"
#include "testing/burst_environment.h"
#include "testing/spotburstd_daemon.h"
#include "testing/tcp_proxy.h"
#include "testing/zookeeper_server.h"

namespace spotburst::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kZone[] = "us-east-1b";
constexpr int kBurst = 4;  // instances the demand below asks for
// Short enough for a quick failover; long enough that a daemon on a
// loaded machine keeps its session (the test server grants 1 s to 10 s).
constexpr absl::Duration kSession = absl::Seconds(3);
constexpr absl::Duration kInterval = absl::Seconds(1);
constexpr absl::Duration kMinimumBilled = absl::Seconds(15);
constexpr absl::Duration kDrain = absl::Seconds(3);
// Only fails a test whose event never comes.
constexpr absl::Duration kEventDeadline = absl::Seconds(30);
// The failover bound (session timeout plus an evaluation interval) plus
// what ZooKeeper's expiry (checked every server tick) and a busy machine
// add.
constexpr absl::Duration kFailoverSlack = absl::Seconds(3);

// examples/policies/ec2-burst.yaml with durations of seconds: ticks every
// second, short cooldowns, and a minimum billed time the test can wait out.
std::string PolicyYaml() {
  return absl::StrCat(R"(name: ec2-burst
evaluation_interval_s: 1
instance:
  type: c4.large
  shape: {cpus: 2, mem_mib: 3840, disk_mib: 0}
  on_demand_usd_per_hour: 0.1
  region: us-east-1
  availability_zone: us-east-1b
  product: Linux/UNIX
  launch_spec:
    image_id: ami-0abcdef1234567890
    tags: {team: batch}
scaling:
  strategy: target
  burst_point: 0.75
  min_instances: 0
  max_instances: 10
  scale_up_cooldown_s: 2
  scale_down_cooldown_s: 2
  stabilization_window_s: 1
  min_instance_lifetime_s: 0
bidding:
  strategy: current-plus
  max_bid_usd_per_hour: 0.5
  padding_usd: 0.001
  floor_at_current: true
  price_window_s: 86400
  max_price_age_s: 604800
requests:
  timeout_s: 600
billing:
  model: per-second
  minimum_billed_s: )",
                      absl::ToInt64Seconds(kMinimumBilled), R"(
  drain_time_s: )",
                      absl::ToInt64Seconds(kDrain), R"(
fallback:
  enabled: true
  retry_spot_after_s: 1800
  revert_after_s: 300
  replacement_lead_time_s: 900
cost:
  max_fleet_usd_per_hour: 2.0
)");
}

int64_t MonotonicNs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1000000000 + now.tv_nsec;
}

absl::Time Ec2Time(const nlohmann::json& value) {
  absl::Time t = absl::InfinitePast();
  std::string error;
  EXPECT_TRUE(
      value.is_string() &&
      absl::ParseTime(absl::RFC3339_full, value.get<std::string>(), &t, &error))
      << value << " " << error;
  return t;
}

// A decision as the test received it.
struct Seen {
  std::string daemon;  // "a" or "b"
  v1::Decision decision;
  Plan plan;
  absl::Time received;
  // The host's CLOCK_MONOTONIC at receipt: the fakes' calls use it too.
  int64_t monotonic_ns = 0;

  int Count(ActionKind kind) const {
    int n = 0;
    for (const Action& a : plan.actions) {
      if (a.kind == kind) n += std::max(1, a.count);
    }
    return n;
  }
};

bool Following(const v1::ControllerStatus& status, const std::string& leader) {
  return status.ha().role() == "standby" && status.ha().connected() &&
         status.ha().leader() == leader;
}

class SpotburstdHaTest : public ::testing::Test {
 protected:
  // One ZooKeeper server for the suite: it takes a while to start.
  static void SetUpTestSuite() { zookeeper_ = new ZooKeeperServer(); }
  static void TearDownTestSuite() {
    delete zookeeper_;
    zookeeper_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(zookeeper_->running()) << zookeeper_->error();
    // EC2's clock starts at the real time, in whole seconds, as its clock
    // moves.
    env_ = std::make_unique<BurstEnvironment>(BurstEnvironmentOptions{
        .start = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()))});
    ec2_now_ = env_->options().start;
    env_->SetSpotPrice("c4.large", kZone, 0.0312, ec2_now_ - absl::Hours(1));
    env_->ec2().Control("boot_time", {{"seconds", 2}});
    dir_ = MakeTempDir();
    WriteAll(dir_ + "/policy.yaml", PolicyYaml());
    ha_path_ = absl::StrCat(
        "/spotburst/",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  // A daemon for the pool, named `identity` in the election, reaching
  // ZooKeeper at `zookeeper`.
  std::unique_ptr<SpotburstdDaemon> StartDaemon(const std::string& identity,
                                                const std::string& zookeeper) {
    std::string masters;
    for (const std::string& url : env_->master_urls()) {
      absl::StrAppend(&masters, masters.empty() ? "" : ", ", url);
    }
    std::map<std::string, std::string> env;
    for (const auto& [name, value] : env_->AwsEnvironment()) {
      env[name] = value;
    }
    auto daemon = std::make_unique<SpotburstdDaemon>(SpotburstdDaemon::Options{
        .config = absl::StrCat(
            "policies:\n"
            "  burst: ",
            dir_, "/policy.yaml\n",
            "managed:\n"
            "  policy: burst\n"
            "  mesos:\n"
            "    masters: [",
            masters, "]\n    marathon: ", env_->marathon_url(),
            "\n"
            "    private_selector: {cloud_type: private}\n"
            "    instance_id_attribute: instance_id\n"
            "    burst_attributes: {cloud_type: burst}\n"
            "  ec2:\n"
            "    region: us-east-1\n"
            "    endpoint: ",
            env_->ec2_url(),
            "\n"
            "    pool: mesos-a\n"
            "  ha:\n"
            "    zookeeper: ",
            zookeeper, "\n    path: ", ha_path_, "\n    identity: ", identity,
            "\n    session_timeout_s: ", absl::ToInt64Seconds(kSession), "\n"),
        .env = env});
    EXPECT_TRUE(daemon->listening()) << daemon->Log();
    return daemon;
  }

  // EC2's clock to the real time (whole seconds, never ahead of it), the
  // burst agents to the running instances, and what the test watches.
  void React(const DecisionFeed::Item& item) {
    const absl::Time now =
        absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
    if (now > ec2_now_) {
      env_->Advance(now - ec2_now_);
      ec2_now_ = now;
    }
    env_->SyncAgents();
    int live = 0;
    for (const nlohmann::json& i : env_->Instances()) {
      const std::string state = i.value("state", "");
      live += state == "pending" || state == "running";
    }
    most_live_ = std::max(most_live_, live);
    if (!item.response) {
      ended_.insert(item.daemon);
      return;
    }
    Seen seen{.daemon = item.daemon,
              .decision = item.response->decision(),
              .received = item.received,
              .monotonic_ns = MonotonicNs()};
    absl::StatusOr<Evaluation> evaluation =
        internal::EvaluationFromProto(seen.decision.plan());
    ASSERT_TRUE(evaluation.ok()) << evaluation.status();
    seen.plan = evaluation->plan;
    most_desired_ = std::max(most_desired_, seen.plan.desired);
    seen_.push_back(std::move(seen));
  }

  // Reacts to each decision until `done` holds after one; false if it
  // did not within kEventDeadline.
  template <typename Done>
  bool Drive(Done done) {
    const absl::Time deadline = absl::Now() + kEventDeadline;
    while (true) {
      std::optional<DecisionFeed::Item> item =
          feed_.Next(deadline - absl::Now());
      if (!item) return false;
      React(*item);
      if (::testing::Test::HasFatalFailure()) return false;
      if (done(seen_.empty() ? nullptr : &seen_.back())) return true;
    }
  }

  // 27 of the 40 private CPUs busy and 4 tasks of 2 CPUs waiting: 4
  // instances keep the CPUs under the burst point (0.75).
  void DemandGrows() {
    env_->SetPrivateUsage({.cpus = 27, .mem_mib = 40960});
    env_->SetQueue(
        {BurstEnvironment::QueuedApp("/etl/worker", kBurst, 2, 2048)});
  }
  void TasksLandOnBurstAgents() {
    env_->SetQueue({});
    for (const nlohmann::json& i : env_->Instances("running")) {
      env_->SetAgentUsage(i["id"], {.cpus = 2, .mem_mib = 2048});
    }
  }
  // Done but for 10 private CPUs; the burst agents idle.
  void DemandFalls() {
    env_->SetPrivateUsage({.cpus = 10, .mem_mib = 8192});
    for (const nlohmann::json& i : env_->Instances("running")) {
      env_->SetAgentUsage(i["id"], {});
    }
  }

  std::vector<const Seen*> From(const std::string& daemon) const {
    std::vector<const Seen*> out;
    for (const Seen& s : seen_) {
      if (s.daemon == daemon) out.push_back(&s);
    }
    return out;
  }

  // daemon-a leads (reaching ZooKeeper at `a_zookeeper`) and daemon-b
  // stands by, both streaming their decisions into feed_, until daemon-b
  // has decided and follows daemon-a.
  void StartLeaderAndStandby(const std::string& a_zookeeper) {
    a_ = StartDaemon("daemon-a", a_zookeeper);
    ASSERT_TRUE(a_->listening());
    ASSERT_TRUE(a_->WaitForLine("event=leading", kEventDeadline)) << a_->Log();
    b_ = StartDaemon("daemon-b", zookeeper_->hosts());
    ASSERT_TRUE(b_->listening());
    watch_a_ = a_->Watch(feed_, "a");
    watch_b_ = b_->Watch(feed_, "b");
    ASSERT_TRUE(Drive([&](const Seen* last) {
      return last != nullptr && last->daemon == "b" &&
             Following(b_->Status(), "daemon-a");
    })) << b_->Log();
  }

  static ZooKeeperServer* zookeeper_;
  std::unique_ptr<BurstEnvironment> env_;
  absl::Time ec2_now_;
  std::string dir_;
  std::string ha_path_;
  DecisionFeed feed_;
  std::vector<Seen> seen_;
  std::set<std::string> ended_;  // daemons whose stream ended
  int most_live_ = 0;            // pending or running instances, at most
  int most_desired_ = 0;         // what any plan wanted, at most
  // After feed_, which their watches fill: destroyed before it, the
  // watches first.
  std::unique_ptr<SpotburstdDaemon> a_, b_;
  std::unique_ptr<DecisionWatch> watch_a_, watch_b_;
};

ZooKeeperServer* SpotburstdHaTest::zookeeper_ = nullptr;

// The daemon's health name that serves only while it applies plans.
grpc::health::v1::HealthCheckResponse::ServingStatus LeaderHealth(
    const SpotburstdDaemon& daemon) {
  auto health = grpc::health::v1::Health::NewStub(daemon.channel());
  grpc::ClientContext context;
  SetDeadline(context);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("spotburst.v1.ControllerService.leader");
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status called = health->Check(&context, request, &response);
  EXPECT_TRUE(called.ok()) << called.error_message();
  return response.status();
}

TEST_F(SpotburstdHaTest, TheStandbyTakesOverFromAKilledLeaderAndEndsItsFleet) {
  // Exactly one leads, and both know which.
  ASSERT_NO_FATAL_FAILURE(StartLeaderAndStandby(zookeeper_->hosts()));
  std::unique_ptr<SpotburstdDaemon>& a = a_;
  std::unique_ptr<SpotburstdDaemon>& b = b_;
  const v1::ControllerStatus leading = a->Status();
  EXPECT_EQ(leading.ha().role(), "leader");
  EXPECT_EQ(leading.ha().identity(), "daemon-a");
  EXPECT_EQ(leading.ha().leader(), "daemon-a");
  EXPECT_EQ(a->Metrics()["spotburst_leader"], 1);
  EXPECT_EQ(b->Metrics()["spotburst_leader"], 0);
  EXPECT_EQ(LeaderHealth(*a), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_EQ(LeaderHealth(*b),
            grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  // What a person at a terminal sees on the standby.
  const RunResult status =
      RunProgram({SPOTBURST_CLI_PATH, "status",
                  absl::StrCat("--target=127.0.0.1:", b->port())});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out,
              ::testing::HasSubstr("high availability: standby as daemon-b; "
                                   "leader: daemon-a\n"));

  // The leader held, the queue grows: the standby plans the burst, and
  // applies nothing.
  a->SetPaused(true, "the standby shows what it would do");
  DemandGrows();
  ASSERT_TRUE(Drive([&](const Seen* last) {
    return last->daemon == "b" &&
           last->Count(ActionKind::kRequestSpot) == kBurst;
  }));
  EXPECT_TRUE(seen_.back().decision.standby());
  EXPECT_FALSE(seen_.back().decision.applied());
  EXPECT_EQ(seen_.back().decision.made_by(), "daemon-b");
  EXPECT_EQ(env_->Count("RunInstances"), 0);

  // The leader goes on: it launches, once.
  a->SetPaused(false, "");
  ASSERT_TRUE(Drive([&](const Seen* last) {
    return last->daemon == "a" && last->decision.applied() &&
           last->Count(ActionKind::kRequestSpot) > 0;
  }));
  EXPECT_EQ(seen_.back().Count(ActionKind::kRequestSpot), kBurst);
  EXPECT_THAT(env_->Instances(), SizeIs(kBurst));

  // They boot and their agents join; the tasks land on them.
  ASSERT_TRUE(Drive([&](const Seen*) {
    return env_->Agents().size() == static_cast<size_t>(kBurst);
  }));
  TasksLandOnBurstAgents();
  const size_t landed = seen_.size();
  ASSERT_TRUE(Drive([&](const Seen* last) {
    return seen_.size() > landed && last->daemon == "a" &&
           last->plan.running == kBurst && last->plan.booting == 0 &&
           last->plan.actions.empty();
  }));
  std::map<std::string, double> metrics_a = a->Metrics();
  EXPECT_EQ(metrics_a["spotburst_actions_applied_total{kind=\"request-spot\"}"],
            1);
  std::map<std::string, double> metrics_b = b->Metrics();
  for (const char* kind :
       {"request-spot", "drain-instance", "terminate-instance"}) {
    EXPECT_EQ(metrics_b[absl::StrCat("spotburst_actions_applied_total{kind=\"",
                                     kind, "\"}")],
              0)
        << kind;
  }

  // The leader dies without a word; the standby leads within the session
  // timeout and a tick, with the state its predecessor saved.
  const size_t b_lines = b->LineCount();
  const int64_t killed_ns = MonotonicNs();
  const absl::Time killed = absl::Now();
  a->Kill();
  ASSERT_TRUE(Drive([&](const Seen* last) {
    return last->daemon == "b" && !last->decision.standby();
  })) << b->Log();
  const absl::Duration failover = seen_.back().received - killed;
  std::cout << "failover: " << failover << "\n";
  EXPECT_LE(failover, kSession + kInterval + kFailoverSlack);
  EXPECT_TRUE(b->WaitForLine("event=leading", kEventDeadline, b_lines));
  const std::optional<std::string> restored =
      b->WaitForLine("event=state_restored", kEventDeadline, b_lines);
  ASSERT_TRUE(restored) << b->Log();
  EXPECT_THAT(*restored, HasSubstr("saved_by=daemon-a"));
  const v1::ControllerStatus took_over = b->Status();
  EXPECT_EQ(took_over.ha().role(), "leader");
  EXPECT_TRUE(took_over.has_state_restored_at());
  // It found the fleet as it was: nothing to launch.
  EXPECT_EQ(seen_.back().plan.running, kBurst);
  EXPECT_EQ(seen_.back().Count(ActionKind::kRequestSpot), 0);

  // Demand falls: each agent is drained, then its instance ended at its
  // billing point, until no fleet is left.
  DemandFalls();
  ASSERT_TRUE(Drive([&](const Seen* last) {
    for (const nlohmann::json& i : env_->Instances()) {
      if (i.value("state", "") != "terminated") return false;
    }
    return env_->Agents().empty() && last->daemon == "b" &&
           last->plan.running == 0 && last->plan.draining == 0 &&
           last->plan.actions.empty();
  })) << b->Log();

  // One launch, of what the plan wanted, across the failover.
  EXPECT_EQ(env_->Count("RunInstances"), 1);
  std::set<std::string> tokens;
  for (const nlohmann::json& i : env_->Instances()) {
    tokens.insert(i.value("client_token", ""));
  }
  EXPECT_THAT(tokens, SizeIs(1));
  EXPECT_THAT(env_->Instances(), SizeIs(kBurst));
  EXPECT_EQ(most_desired_, kBurst);
  EXPECT_LE(most_live_, most_desired_);

  // One daemon acted at a time: the launch before the kill (the leader's),
  // the drains and terminations after it (its successor's), each as many
  // as that daemon's applied decisions said.
  int a_launched = 0, b_launched = 0, b_drained = 0, b_ended = 0;
  for (const Seen& s : seen_) {
    if (s.daemon == "a") {
      EXPECT_FALSE(s.decision.standby()) << s.decision.decision_id();
      if (s.decision.applied()) a_launched += s.Count(ActionKind::kRequestSpot);
      EXPECT_EQ(s.Count(ActionKind::kDrainInstance), 0);
    } else if (s.monotonic_ns < killed_ns) {
      EXPECT_TRUE(s.decision.standby()) << s.decision.decision_id();
      EXPECT_FALSE(s.decision.applied()) << s.decision.decision_id();
    } else if (s.decision.applied()) {
      b_launched += s.Count(ActionKind::kRequestSpot);
      b_drained += s.Count(ActionKind::kDrainInstance);
      b_ended += s.Count(ActionKind::kTerminateInstance);
      for (const Action& action : s.plan.actions) {
        if (action.kind != ActionKind::kTerminateInstance) continue;
        EXPECT_GE(action.into_billing_period, kMinimumBilled)
            << action.instance_id;
      }
    }
  }
  EXPECT_EQ(a_launched, kBurst);
  EXPECT_EQ(b_launched, 0);
  EXPECT_EQ(b_drained, kBurst);
  EXPECT_EQ(b_ended, kBurst);
  std::map<std::string, int64_t> drained_at, ended_at;
  for (const FakeCall& call : env_->Calls()) {
    if (call.name == "RunInstances") {
      EXPECT_LT(call.monotonic_ns, killed_ns) << "a launch after the kill";
    } else if (call.name == "DRAIN_AGENT" ||
               call.name == "TerminateInstances") {
      EXPECT_GT(call.monotonic_ns, killed_ns) << call.name << " before it";
      EXPECT_EQ(call.status, 200) << call.name;
    }
    if (call.name == "DRAIN_AGENT") {
      drained_at.emplace(call.agent_id, call.monotonic_ns);
    } else if (call.name == "TerminateInstances") {
      for (const std::string& id : call.instance_ids) {
        ended_at.emplace(id, call.monotonic_ns);
      }
    }
  }
  EXPECT_THAT(drained_at, SizeIs(kBurst));
  // Each agent drained before EC2 was asked to end its instance; each
  // instance ended no earlier than its minimum billed time on EC2's clock.
  for (const nlohmann::json& i : env_->Instances()) {
    const std::string id = i["id"];
    const std::string agent = env_->AgentOf(id);
    ASSERT_TRUE(ended_at.contains(id)) << id << " was never terminated";
    ASSERT_TRUE(drained_at.contains(agent)) << id << "'s agent " << agent;
    EXPECT_LT(drained_at[agent], ended_at[id]) << id;
    EXPECT_GE(Ec2Time(i["ended_at"]) - Ec2Time(i["launch_time"]),
              kMinimumBilled)
        << id;
  }

  // The new leader's metrics say what it did.
  metrics_b = b->Metrics();
  EXPECT_EQ(metrics_b["spotburst_leader"], 1);
  EXPECT_EQ(
      metrics_b["spotburst_actions_applied_total{kind=\"drain-instance\"}"],
      kBurst);
  EXPECT_EQ(
      metrics_b["spotburst_actions_applied_total{kind=\"terminate-instance\"}"],
      kBurst);
  EXPECT_EQ(metrics_b["spotburst_actions_applied_total{kind=\"request-spot\"}"],
            0);
  EXPECT_EQ(b->Stop(), 0) << b->Log();
}

TEST_F(SpotburstdHaTest, ALeaderCutOffFromZooKeeperStandsByAndLaunchesNothing) {
  // The leader reaches ZooKeeper through a link the test can cut.
  TcpProxy link(zookeeper_->port());
  ASSERT_TRUE(link.ok());
  ASSERT_NO_FATAL_FAILURE(
      StartLeaderAndStandby(absl::StrCat("127.0.0.1:", link.port())));
  std::unique_ptr<SpotburstdDaemon>& a = a_;
  std::unique_ptr<SpotburstdDaemon>& b = b_;

  // Cut off, the leader stops leading at once, long before its session
  // expires and the other one may lead.
  const size_t a_lines = a->LineCount();
  link.Cut();
  const std::optional<std::string> stood_by =
      a->WaitForLine("event=standing_by", kEventDeadline, a_lines);
  ASSERT_TRUE(stood_by) << a->Log();
  EXPECT_THAT(a->Lines("event=leadership_lost", a_lines),
              ::testing::Contains(HasSubstr("reason=disconnected")));
  const size_t cut = seen_.size();

  // Demand grows while it is cut off: it plans the burst and launches
  // nothing; the other one leads and launches, once.
  DemandGrows();
  ASSERT_TRUE(Drive([&](const Seen* last) {
    return last->daemon == "b" && last->decision.applied() &&
           last->Count(ActionKind::kRequestSpot) > 0;
  })) << b->Log();
  // Its decisions said standby before the other one led, and each that
  // would act (the burst: demand grew once it stood by) applied nothing.
  // (A tick that began before the cut may be streamed after it: quiet.)
  int a_standby = 0, a_would_launch = 0;
  for (size_t i = cut; i < seen_.size(); ++i) {
    const Seen& s = seen_[i];
    if (s.daemon != "a") continue;
    a_standby += s.decision.standby();
    if (s.plan.actions.empty()) continue;
    EXPECT_TRUE(s.decision.standby()) << s.decision.decision_id();
    EXPECT_FALSE(s.decision.applied()) << s.decision.decision_id();
    a_would_launch += s.Count(ActionKind::kRequestSpot);
  }
  EXPECT_GT(a_standby, 0);
  EXPECT_GT(a_would_launch, 0);
  const v1::ControllerStatus cut_off = a->Status();
  EXPECT_EQ(cut_off.ha().role(), "standby");
  EXPECT_FALSE(cut_off.ha().connected());
  EXPECT_EQ(env_->Count("RunInstances"), 1);
  EXPECT_THAT(env_->Instances(), SizeIs(kBurst));

  // The link back, its session gone: it follows the new leader, and still
  // launches nothing.
  link.Restore();
  ASSERT_TRUE(Drive([&](const Seen* last) {
    return last->daemon == "a" && Following(a->Status(), "daemon-b");
  })) << a->Log();
  EXPECT_EQ(a->Metrics()["spotburst_leader"], 0);
  EXPECT_EQ(
      a->Metrics()["spotburst_actions_applied_total{kind=\"request-spot\"}"],
      0);
  EXPECT_EQ(b->Metrics()["spotburst_leader"], 1);
  EXPECT_EQ(
      b->Metrics()["spotburst_actions_applied_total{kind=\"request-spot\"}"],
      1);
  EXPECT_EQ(env_->Count("RunInstances"), 1);
  EXPECT_LE(most_live_, most_desired_);
  EXPECT_EQ(a->Stop(), 0) << a->Log();
  EXPECT_EQ(b->Stop(), 0) << b->Log();
}

TEST_F(SpotburstdHaTest, ALeaderStoppedWithSigtermHandsOverAtOnce) {
  // A client (the decision stream) stays connected to the leader while it
  // shuts down.
  ASSERT_NO_FATAL_FAILURE(StartLeaderAndStandby(zookeeper_->hosts()));
  std::unique_ptr<SpotburstdDaemon>& a = a_;
  std::unique_ptr<SpotburstdDaemon>& b = b_;

  // A clean exit leaves the election as soon as the loop has stopped,
  // before the daemon drains its calls: the standby leads within a tick,
  // not a session timeout later.
  const absl::Time stopped = absl::Now();
  std::optional<int> exit_code;
  std::thread stop([&] { exit_code = a->Stop(); });
  ASSERT_TRUE(Drive([&](const Seen* last) {
    return last->daemon == "b" && !last->decision.standby();
  })) << b->Log();
  const absl::Duration handover = seen_.back().received - stopped;
  std::cout << "handover after SIGTERM: " << handover << "\n";
  EXPECT_LE(handover, kInterval + absl::Seconds(1));
  stop.join();
  EXPECT_EQ(exit_code, 0) << a->Log();
  const std::string log = a->Log();
  const size_t closed = log.find("event=leadership_lost reason=closed");
  ASSERT_NE(closed, std::string::npos) << log;
  EXPECT_LT(closed, log.find("event=stopped")) << log;
  EXPECT_EQ(b->Stop(), 0) << b->Log();
}

}  // namespace
}  // namespace spotburst::testing
