// spotburstd killed (SIGKILL) at each step of a tick, over the real EC2 and
// Mesos adapters against their test endpoints (testing/
// burst_environment.h), then started again on the same state file: nothing
// is launched twice, a drain under way is finished, an ended instance stays
// ended. The test endpoints hold the reply of the call the step makes
// (EC2's hold_reply, Mesos' hold fault): the call is done but unanswered
// when the daemon dies, the worst moment for a controller to lose its
// memory.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "sidecar/sidecar_testing.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/policy.h"
#include "spotburst/v1/controller_service.grpc.pb.h"
#include "testing/burst_environment.h"
#include "testing/spotburstd_daemon.h"

namespace spotburst {
namespace {

using ::spotburst::testing::BurstEnvironment;
using ::spotburst::testing::FakeCall;
using ::spotburst::testing::SpotburstdDaemon;

constexpr char kZone[] = "us-east-1b";
constexpr int kBurst = 4;  // instances the queue below asks for

class SpotburstdRestartTest : public ::testing::Test {
 protected:
  SpotburstdRestartTest()
      : env_({.start =
                  absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()))}) {}

  void SetUp() override {
    dir_ = testing::MakeTempDir();
    // The complete EC2 policy, on a one-second tick, with per-second
    // billing and no waiting between decisions.
    absl::StatusOr<Policy> policy =
        LoadPolicyFile(testing::Repo("examples/policies/ec2-burst.yaml"));
    ASSERT_TRUE(policy.ok()) << policy.status();
    policy->evaluation_interval = absl::Seconds(1);
    policy->baseline = {};  // the private agents'
    policy->instance.launch_spec.user_data_file =
        testing::Repo("examples/mesos/burst-agent-user-data.sh");
    policy->scaling.scale_up_cooldown = absl::ZeroDuration();
    policy->scaling.scale_down_cooldown = absl::ZeroDuration();
    policy->scaling.stabilization_window = absl::ZeroDuration();
    policy->scaling.min_instance_lifetime = absl::ZeroDuration();
    policy->billing.minimum_billed = absl::Seconds(1);
    policy->billing.drain_time = absl::Minutes(10);
    ASSERT_TRUE(ValidatePolicy(*policy).ok());
    std::string json;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(
                    internal::PolicyToProto(*policy), &json)
                    .ok());
    testing::WriteAll(dir_ + "/policy.json", json);

    std::string masters;
    for (const std::string& url : env_.master_urls()) {
      absl::StrAppend(&masters, masters.empty() ? "" : ", ", url);
    }
    config_ = absl::StrCat(
        "policies: {burst: policy.json}\n"
        "managed:\n"
        "  policy: burst\n"
        "  mesos:\n"
        "    masters: [",
        masters,
        "]\n"
        "    marathon: ",
        env_.marathon_url(),
        "\n"
        "    private_selector: {cloud_type: private}\n"
        "    burst_attributes: {cloud_type: burst}\n"
        "  ec2:\n"
        "    region: us-east-1\n"
        "    pool: ",
        env_.options().pool, "\n    endpoint: ", env_.ec2_url(),
        "\n"
        "  state_file: state.json\n");
    env_.ec2().Control("boot_time", {{"seconds", 0}});
    env_.SetSpotPrice("c4.large", kZone, 0.0312,
                      env_.options().start - absl::Hours(1));
  }

  // A daemon over the state file of the ones before it.
  void Start() {
    const ec2::Environment aws = env_.AwsEnvironment();
    daemon_ = std::make_unique<SpotburstdDaemon>(
        SpotburstdDaemon::Options{.config = config_,
                                  .env = {aws.begin(), aws.end()},
                                  .dir = dir_,
                                  .metrics_listen = ""});
    ASSERT_TRUE(daemon_->listening()) << daemon_->Log();
  }
  // SIGKILL: no shutdown, no last save.
  void Kill() {
    daemon_->Kill();
    daemon_.reset();
  }
  v1::ControllerStatus Status() { return daemon_->Status(); }
  std::string Log() { return daemon_ ? daemon_->Log() : ""; }

  // What time and the instances' boot do between ticks: EC2's clock
  // follows the real one, running instances join as agents.
  void Sync(bool finish_drains = false) {
    const absl::Duration behind =
        absl::Trunc(absl::Now() - env_.Now(), absl::Seconds(1));
    if (behind > absl::ZeroDuration()) env_.Advance(behind);
    env_.SyncAgents({.finish_drains = finish_drains});
  }

  // Waits (keeping the world in step) until `done` holds; false after a
  // minute.
  template <typename Done>
  bool Until(Done done, bool finish_drains = false) {
    const absl::Time deadline = absl::Now() + absl::Minutes(1);
    while (absl::Now() < deadline) {
      Sync(finish_drains);
      if (done()) return true;
    }
    return false;
  }

  // Waits for `n` more completed ticks of the running daemon.
  bool Ticks(int n, bool finish_drains = false) {
    const int64_t target = Status().ticks() + n;
    return Until([&] { return Status().ticks() >= target; }, finish_drains);
  }

  bool Held(std::string_view name) {
    for (const FakeCall& call : env_.Calls()) {
      if (call.name == name && call.held) return true;
    }
    return false;
  }

  int Instances() { return static_cast<int>(env_.Instances().size()); }

  // The private agents busy (27 of 40 CPUs) and 4 two-CPU tasks waiting:
  // 4 instances at a burst point of 0.75.
  void Grow() {
    env_.SetPrivateUsage({.cpus = 27, .mem_mib = 40960});
    env_.SetQueue(
        {BurstEnvironment::QueuedApp("/etl/worker", kBurst, 2, 2048)});
  }
  // Demand gone; agents idle.
  void Shrink() {
    env_.SetQueue({});
    env_.SetPrivateUsage({.cpus = 10, .mem_mib = 8192});
  }

  // Grows the fleet to kBurst running instances with agents.
  void GrowToFull() {
    Grow();
    ASSERT_TRUE(Until([&] {
      return static_cast<int>(env_.Instances("running").size()) == kBurst &&
             static_cast<int>(env_.Agents().size()) == kBurst;
    })) << Log();
  }

  BurstEnvironment env_;
  std::string dir_;
  std::string config_;
  std::unique_ptr<SpotburstdDaemon> daemon_;
};

TEST_F(SpotburstdRestartTest, KilledWithALaunchUnansweredLaunchesOnce) {
  env_.ec2().Control("hold_reply",
                     {{"next_calls", 1}, {"action", "RunInstances"}});
  Start();
  Grow();
  ASSERT_TRUE(Until([&] { return Held("RunInstances"); })) << Log();
  Kill();
  env_.ec2().Control("release", nlohmann::json::object());
  ASSERT_EQ(Instances(), kBurst);

  Start();
  ASSERT_TRUE(Ticks(3)) << Log();
  EXPECT_EQ(Instances(), kBurst) << Log();
  EXPECT_EQ(env_.Count("RunInstances"), 1);
  EXPECT_EQ(Status().last_plan().running() + Status().last_plan().pending(),
            kBurst);
}

TEST_F(SpotburstdRestartTest, KilledWithADrainUnansweredFinishesIt) {
  Start();
  GrowToFull();
  env_.mesos().Control(
      "fault", {{"server", "master"}, {"path", "/api/v1"}, {"mode", "hold"}});
  Shrink();
  ASSERT_TRUE(Until([&] { return Held("DRAIN_AGENT"); })) << Log();
  Kill();
  env_.mesos().Control("release", nlohmann::json::object());

  // The drain began before the daemon died: the new one finds it on the
  // masters and ends the instance once its agent is drained.
  Start();
  ASSERT_TRUE(Until([&] { return env_.Instances("running").empty(); },
                    /*finish_drains=*/true))
      << Log();
  EXPECT_EQ(env_.Count("RunInstances"), 1);
  // Every instance ended was drained first.
  std::vector<std::string> terminated;
  for (const FakeCall& call : env_.Calls()) {
    if (call.name == "TerminateInstances") {
      terminated.insert(terminated.end(), call.instance_ids.begin(),
                        call.instance_ids.end());
    }
  }
  EXPECT_EQ(static_cast<int>(terminated.size()), kBurst);
  EXPECT_THAT(Log(), ::testing::HasSubstr("event=state_restored"));
  // What a person at a terminal sees.
  const testing::RunResult status = testing::RunProgram(
      {SPOTBURST_CLI_PATH, "status",
       absl::StrCat("--target=127.0.0.1:", daemon_->port())});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, ::testing::ContainsRegex(
                              "state: state file .*/state.json, restored "));
  // Without HA the daemon always acts: its leader health name serves.
  auto health = grpc::health::v1::Health::NewStub(daemon_->channel());
  grpc::ClientContext context;
  testing::SetDeadline(context);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("spotburst.v1.ControllerService.leader");
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(SpotburstdRestartTest, KilledWithATerminationUnansweredEndsNoMore) {
  Start();
  GrowToFull();
  env_.ec2().Control("hold_reply",
                     {{"next_calls", 1}, {"action", "TerminateInstances"}});
  Shrink();
  ASSERT_TRUE(Until([&] { return Held("TerminateInstances"); },
                    /*finish_drains=*/true))
      << Log();
  Kill();
  env_.ec2().Control("release", nlohmann::json::object());

  Start();
  ASSERT_TRUE(Until([&] { return env_.Instances("running").empty(); },
                    /*finish_drains=*/true))
      << Log();
  ASSERT_TRUE(Ticks(2, /*finish_drains=*/true));
  EXPECT_EQ(env_.Count("RunInstances"), 1);
  EXPECT_EQ(Status().last_plan().running(), 0);
  EXPECT_EQ(Status().last_tick().actions_failed(), 0);
}

TEST_F(SpotburstdRestartTest, KilledWhileReadingDoesNothingTwice) {
  Start();
  GrowToFull();
  env_.ec2().Control("hold_reply",
                     {{"next_calls", 1}, {"action", "DescribeInstances"}});
  ASSERT_TRUE(Until([&] { return Held("DescribeInstances"); })) << Log();
  Kill();
  env_.ec2().Control("release", nlohmann::json::object());
  Start();
  ASSERT_TRUE(Ticks(3));
  EXPECT_EQ(Instances(), kBurst);
  EXPECT_EQ(env_.Count("RunInstances"), 1);
  EXPECT_EQ(env_.Count("TerminateInstances"), 0);
}

}  // namespace
}  // namespace spotburst
