// Interruption notices in spotburstd's managed mode: with the policy's
// notice_poll_interval_s the loop lists the fleet between ticks and
// evaluates at once on a new notice (the replacement is requested at the
// notice, and the decision says it was made there), the ticks keep their
// schedule, and there is no such evaluation without the interval or while
// the daemon is paused.
//
// The world is the simulated cloud with frequent capacity interruptions;
// its time is the scenario's, so which evaluations the run makes does not
// depend on the machine's speed.
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "managed_testing.h"
#include "sidecar/managed_controller.h"
#include "sidecar/policy_store.h"
#include "sidecar_testing.h"
#include "spotburst/v1/controller_service.grpc.pb.h"

namespace spotburst::testing {
namespace {

constexpr int64_t kStart = 1617717600;  // 2021-04-06T14:00:00Z
constexpr int64_t kTickSeconds = 60;
constexpr int kTicks = 120;  // two hours

// Two hours of steady demand for 10 instances, filled within a minute or two
// and interrupted often (each notice two minutes before its end).
std::string ScenarioYaml() {
  return absl::StrCat(R"(name: notices
start: "2021-04-06T14:00:00Z"
duration_s: )",
                      kTicks * kTickSeconds, R"(
seed: 7
market:
  price_trace: )",
                      Repo("data/spot_us-east-1_2021-03_2021-05_c4.large.csv"),
                      R"(
  availability_zone: us-east-1b
  regime: capacity
  interruption_rate_per_hour: 2
cloud:
  request_batch_interval_s: 60
  fulfilment_delay_min_s: 0
  fulfilment_delay_max_s: 60
  boot_min_s: 60
  boot_max_s: 60
demand:
  phases:
    - at_s: 0
      tasks: 100
      per_task: {cpus: 1, mem_mib: 128}
)");
}

// A directory with the scenario and experiment 1 revised's policy, polling
// for notices every `poll_s` seconds (0: not at all).
std::string WriteWorld(int poll_s) {
  const std::string dir = MakeTempDir();
  WriteAll(dir + "/scenario.yaml", ScenarioYaml());
  std::string policy = ReadAll(Repo(kPolicyFile));
  if (poll_s > 0)
    absl::StrAppend(&policy, "notice_poll_interval_s: ", poll_s, "\n");
  WriteAll(dir + "/policy.yaml", policy);
  return dir;
}

sidecar::ManagedOptions ManagedIn(const std::string& dir, double speed) {
  return {.policy_name = "notices",
          .scenario_file = dir + "/scenario.yaml",
          .simulated_seconds_per_second = speed};
}

sidecar::SidecarOptions Daemon(const std::string& dir, double speed) {
  sidecar::SidecarOptions options;
  options.policy_files["notices"] = dir + "/policy.yaml";
  options.managed = ManagedIn(dir, speed);
  options.decision_log.path = dir + "/decisions.jsonl";
  options.metrics_listen = "127.0.0.1:0";
  return options;
}

int64_t SecondsIn(const v1::Decision& decision) {
  return decision.state().now().seconds() - kStart;
}
bool OnTheTickGrid(const v1::Decision& decision) {
  return SecondsIn(decision) % kTickSeconds == 0;
}

std::set<std::string> UnderNotice(const v1::Decision& decision) {
  std::set<std::string> ids;
  for (const v1::Instance& instance : decision.state().fleet().instances()) {
    if (instance.interruption_notice()) ids.insert(instance.id());
  }
  return ids;
}

// Whether `decision` sees a notice that `before` did not.
bool SeesANewNotice(const v1::Decision& before, const v1::Decision& decision) {
  const std::set<std::string> seen = UnderNotice(before);
  for (const std::string& id : UnderNotice(decision)) {
    if (!seen.contains(id)) return true;
  }
  return false;
}

// Runs the daemon to the scenario's end: its decision log, and its
// spotburst_notice_ticks_total.
struct Finished {
  std::vector<v1::Decision> decisions;
  double notice_ticks = -1;
};
Finished RunToTheEnd(sidecar::SidecarOptions options) {
  Finished run;
  auto server = StartServer(options);
  if (server == nullptr) return run;
  auto stub = Stub(server->port());
  const v1::ControllerStatus status =
      StatusWhen(*stub, [](const auto& s) { return s.finished(); });
  EXPECT_TRUE(status.finished());
  EXPECT_EQ(status.failed_ticks(), 0);
  run.notice_ticks =
      MetricSamples(Http(server->metrics_port(), "GET", "/metrics")
                        .body)["spotburst_notice_ticks_total"];
  server->Shutdown(absl::Now() + absl::Seconds(5));
  run.decisions = ReadLog(options.decision_log.path);
  EXPECT_EQ(static_cast<int64_t>(run.decisions.size()), status.ticks());
  return run;
}

TEST(ManagedNotice, ANoticeIsEvaluatedAtOnceAndItsReplacementRequested) {
  sidecar::SidecarOptions options = Daemon(WriteWorld(5), 1e6);
  // A watcher started with the daemon sees every decision.
  options.managed->wait_for_watcher = true;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  auto stub = Stub(server->port());
  {
    // The stream says which decision was made at a notice.
    Watch watch(*stub, /*include_inputs=*/true);
    v1::WatchDecisionsResponse response;
    v1::Decision before;
    while (watch.Next(response) && !response.decision().on_notice()) {
      EXPECT_EQ(response.missed(), 0);
      before = response.decision();
    }
    const v1::Decision& at_notice = response.decision();
    ASSERT_TRUE(at_notice.on_notice());
    EXPECT_TRUE(at_notice.applied());
    EXPECT_FALSE(OnTheTickGrid(at_notice)) << SecondsIn(at_notice);
    EXPECT_TRUE(SeesANewNotice(before, at_notice));
    watch.Cancel();
  }
  const v1::ControllerStatus status =
      StatusWhen(*stub, [](const auto& s) { return s.finished(); });
  ASSERT_TRUE(status.finished());
  const double notice_ticks =
      MetricSamples(Http(server->metrics_port(), "GET", "/metrics")
                        .body)["spotburst_notice_ticks_total"];
  server->Shutdown(absl::Now() + absl::Seconds(5));

  const std::vector<v1::Decision> decisions =
      ReadLog(options.decision_log.path);
  ASSERT_EQ(static_cast<int64_t>(decisions.size()), status.ticks());
  int ticks = 0, at_notices = 0, replaced = 0;
  const v1::Decision* last_tick = nullptr;
  for (size_t i = 0; i < decisions.size(); ++i) {
    const v1::Decision& d = decisions[i];
    if (!d.on_notice()) {
      // The ticks keep their schedule: one a minute from the start.
      EXPECT_EQ(SecondsIn(d), ticks * kTickSeconds) << d.decision_id();
      ++ticks;
      last_tick = &d;
      continue;
    }
    ++at_notices;
    ASSERT_NE(last_tick, nullptr);
    // Between two ticks, on a notice the decision before had not seen.
    EXPECT_GT(SecondsIn(d), SecondsIn(*last_tick)) << d.decision_id();
    EXPECT_LT(SecondsIn(d), SecondsIn(*last_tick) + kTickSeconds)
        << d.decision_id();
    EXPECT_TRUE(SeesANewNotice(decisions[i - 1], d)) << d.decision_id();
    replaced += Count(d.plan(), v1::ACTION_KIND_REQUEST_SPOT) > 0;
  }
  EXPECT_EQ(ticks, kTicks);
  EXPECT_GT(at_notices, 3);
  // The replacement is requested at the notice (unless one is already
  // under way).
  EXPECT_GT(replaced, 0);
  EXPECT_EQ(notice_ticks, at_notices);
}

TEST(ManagedNotice, TheStatusSaysATickWasMadeAtANotice) {
  const std::string dir = WriteWorld(5);
  auto store =
      sidecar::PolicyStore::Create({{"notices", dir + "/policy.yaml"}});
  ASSERT_TRUE(store.ok()) << store.status();
  auto policy = (*store)->FromName("notices");
  ASSERT_TRUE(policy.ok()) << policy.status();
  sidecar::DecisionHub hub;
  auto managed = sidecar::ManagedController::Create(
      ManagedIn(dir, 1e6), **policy, (*store)->registry(), /*dry_run=*/false,
      /*log=*/nullptr, hub);
  ASSERT_TRUE(managed.ok()) << managed.status();
  // Each report is observed before it is recorded: the status then still
  // shows the one before.
  std::optional<bool> previous_on_notice;
  std::optional<v1::TickStatus> at_notice, at_tick;
  absl::Notification seen;
  (*managed)->SetTickObserver([&](const TickReport& report, absl::Duration) {
    if (previous_on_notice.has_value()) {
      std::optional<v1::TickStatus>& slot =
          *previous_on_notice ? at_notice : at_tick;
      if (!slot) slot = (*managed)->Status().last_tick();
      if (at_notice && at_tick && !seen.HasBeenNotified()) seen.Notify();
    }
    previous_on_notice = report.on_notice;
  });
  (*managed)->Start();
  ASSERT_TRUE(seen.WaitForNotificationWithTimeout(absl::Seconds(10)));
  (*managed)->Stop();  // joins the loop: the observer is done
  ASSERT_TRUE(at_notice && at_tick);
  EXPECT_TRUE(at_notice->on_notice());
  EXPECT_EQ(at_notice->code(), 0);
  EXPECT_NE((at_notice->evaluated_at().seconds() - kStart) % kTickSeconds, 0);
  EXPECT_FALSE(at_tick->on_notice());
  EXPECT_EQ((at_tick->evaluated_at().seconds() - kStart) % kTickSeconds, 0);
}

TEST(ManagedNotice, WithoutAPollIntervalNoticesWaitForTheNextTick) {
  const Finished run = RunToTheEnd(Daemon(WriteWorld(0), 1e6));
  ASSERT_EQ(run.decisions.size(), static_cast<size_t>(kTicks));
  int new_notices = 0;
  for (size_t i = 0; i < run.decisions.size(); ++i) {
    const v1::Decision& d = run.decisions[i];
    EXPECT_FALSE(d.on_notice()) << d.decision_id();
    EXPECT_EQ(SecondsIn(d), static_cast<int64_t>(i) * kTickSeconds);
    new_notices += i > 0 && SeesANewNotice(run.decisions[i - 1], d);
  }
  // The same world has notices: the ticks found them.
  EXPECT_GT(new_notices, 3);
  EXPECT_EQ(run.notice_ticks, 0);
}

TEST(ManagedNotice, APausedDaemonMakesNoEvaluationAtANotice) {
  // A tick every 2 ms of real time: the pause lands early in the run.
  sidecar::SidecarOptions options = Daemon(WriteWorld(5), 30000);
  options.managed->wait_for_watcher = true;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  auto stub = Stub(server->port());
  {
    // Paused once the fleet runs, so that notices come while paused.
    Watch watch(*stub, /*include_inputs=*/false);
    v1::WatchDecisionsResponse response;
    while (watch.Next(response) && response.decision().plan().running() < 3) {
    }
    ASSERT_GE(response.decision().plan().running(), 3);
    grpc::ClientContext context;
    SetDeadline(context);
    v1::SetPausedRequest request;
    request.set_paused(true);
    request.set_reason("maintenance");
    v1::SetPausedResponse paused;
    ASSERT_TRUE(stub->SetPaused(&context, request, &paused).ok());
    watch.Cancel();
  }
  const v1::ControllerStatus status =
      StatusWhen(*stub, [](const auto& s) { return s.finished(); });
  ASSERT_TRUE(status.finished());
  server->Shutdown(absl::Now() + absl::Seconds(5));

  const std::vector<v1::Decision> decisions =
      ReadLog(options.decision_log.path);
  int paused_new_notices = 0;
  for (size_t i = 1; i < decisions.size(); ++i) {
    const v1::Decision& d = decisions[i];
    if (!d.paused()) continue;
    EXPECT_FALSE(d.on_notice()) << d.decision_id();
    EXPECT_TRUE(OnTheTickGrid(d)) << d.decision_id();
    paused_new_notices += SeesANewNotice(decisions[i - 1], d);
  }
  // Notices came while paused: the ticks found them, no poll did.
  EXPECT_GT(paused_new_notices, 0);
}

}  // namespace
}  // namespace spotburst::testing
