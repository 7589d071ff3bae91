// The fixture of spotburstd's high-availability tests (spotburstd_ha_*_test):
// two spotburstd daemons for one pool, elected through a real ZooKeeper,
// managing a Mesos cluster that bursts into EC2 (both test endpoints,
// testing/burst_environment.h), with the decisions both stream.
//
// The daemons run on the real clock; EC2's own clock is started at the real
// time and moved to it whenever a decision arrives, which is also when the
// burst agents join and leave (SyncAgents). Everything the tests wait for
// is a decision, a log line or a status; no sleeps.
#ifndef SPOTBURST_TESTS_E2E_SPOTBURSTD_HA_FIXTURE_H_
#define SPOTBURST_TESTS_E2E_SPOTBURSTD_HA_FIXTURE_H_

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spotburst/internal/state_proto.h"
#include "spotburst/plan.h"
#include "testing/burst_environment.h"
#include "testing/spotburstd_daemon.h"
#include "testing/zookeeper_server.h"

namespace spotburst::testing {

inline constexpr char kZone[] = "us-east-1b";
inline constexpr int kBurst = 4;  // instances the demand below asks for
// Short enough for a quick failover; long enough that a daemon on a
// loaded machine keeps its session (the test server grants 1 s to 10 s).
inline constexpr absl::Duration kSession = absl::Seconds(3);
inline constexpr absl::Duration kInterval = absl::Seconds(1);
inline constexpr absl::Duration kMinimumBilled = absl::Seconds(15);
inline constexpr absl::Duration kDrain = absl::Seconds(3);
// scaling.scale_up_cooldown_s: holds any growth for this long after the
// last scale-up (not a replacement at an interruption notice).
inline constexpr absl::Duration kScaleUpCooldown = absl::Seconds(2);
// Only fails a test whose event never comes.
inline constexpr absl::Duration kEventDeadline = absl::Seconds(30);
// The failover bound (session timeout plus an evaluation interval) plus
// what ZooKeeper's expiry (checked every server tick) and a busy machine
// add.
inline constexpr absl::Duration kFailoverSlack = absl::Seconds(3);

// examples/policies/ec2-burst.yaml with durations of seconds: ticks every
// second, short cooldowns, and a minimum billed time the test can wait out;
// interruption notices looked for every `notice_poll` between ticks (zero:
// at the ticks only).
inline std::string PolicyYaml(
    absl::Duration notice_poll = absl::ZeroDuration()) {
  return absl::StrCat(
      R"(name: ec2-burst
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
  scale_up_cooldown_s: )",
      absl::ToInt64Seconds(kScaleUpCooldown), R"(
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
)",
      notice_poll > absl::ZeroDuration()
          ? absl::StrCat("notice_poll_interval_s: ",
                         absl::ToDoubleSeconds(notice_poll), "\n")
          : "");
}

inline int64_t MonotonicNs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1000000000 + now.tv_nsec;
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

inline bool Following(const v1::ControllerStatus& status,
                      const std::string& leader) {
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

  inline static ZooKeeperServer* zookeeper_ = nullptr;
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

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_E2E_SPOTBURSTD_HA_FIXTURE_H_
