// spotburstd's Prometheus metrics: the tick -> metric mapping, the HTTP
// endpoint, and a real daemon in managed mode scraped after its first tick.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sidecar/config.h"
#include "sidecar/metrics_http.h"
#include "sidecar/sidecar_metrics.h"
#include "sidecar_testing.h"
#include "spotburst/launch_failure.h"
#include "spotburst/v1/controller_service.grpc.pb.h"
#include "spotburst/v1/policy_service.grpc.pb.h"

namespace spotburst::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(SidecarMetrics, FailureCausesFromTheAttachedCauseElseTheCode) {
  using sidecar::FailureCauseLabel;
  const absl::Status unavailable = absl::UnavailableError("no route");
  EXPECT_EQ(FailureCauseLabel(unavailable, /*read=*/true),
            "cluster_unreachable");
  EXPECT_EQ(FailureCauseLabel(absl::DeadlineExceededError("slow"), true),
            "cluster_unreachable");
  EXPECT_EQ(FailureCauseLabel(unavailable, /*read=*/false), "other");
  EXPECT_EQ(FailureCauseLabel(absl::PermissionDeniedError("no"), true), "auth");
  EXPECT_EQ(FailureCauseLabel(absl::UnauthenticatedError("no"), false), "auth");
  EXPECT_EQ(FailureCauseLabel(absl::ResourceExhaustedError("slow down"), false),
            "throttling");
  EXPECT_EQ(FailureCauseLabel(absl::InternalError("bug"), false), "other");
  // The cause wins over the code.
  EXPECT_EQ(
      FailureCauseLabel(
          WithFailureCause(absl::ResourceExhaustedError("InsufficientCapacity"),
                           FailureCause::kCapacity),
          false),
      "capacity");
  EXPECT_EQ(FailureCauseLabel(WithFailureCause(absl::UnavailableError("quota"),
                                               FailureCause::kQuota),
                              false),
            "quota");
  EXPECT_EQ(FailureCauseLabel(WithFailureCause(absl::InternalError("x"),
                                               FailureCause::kThrottled),
                              false),
            "throttling");
  EXPECT_EQ(FailureCauseLabel(
                WithFailureCause(absl::InternalError("x"), FailureCause::kAuth),
                false),
            "auth");
}

TEST(SidecarMetrics, CountsTicksFailuresAndActionsAndShowsTheLastPlan) {
  sidecar::SidecarMetrics metrics(/*leader=*/true);
  // A tick that could not read the cluster.
  TickReport unreachable;
  unreachable.status = absl::UnavailableError("mesos master: no route");
  metrics.ObserveTick(unreachable, absl::Milliseconds(3));
  // A tick whose plan applied a cancel but whose launch was refused for
  // capacity; its follow-up launched on-demand.
  TickReport tick;
  tick.input.markets.push_back(
      {.market = {.instance_type = "c4.large", .availability_zone = "a"},
       .stats = {.current_usd = 0.25, .points = 1}});
  tick.plan.emplace();
  tick.plan->market = tick.input.markets[0].market;
  tick.plan->desired = 4;
  tick.plan->running = 3;
  tick.applied = 1;
  tick.applied_by_kind[ActionKind::kCancelRequest] = 1;
  tick.apply_errors.push_back(WithFailureCause(
      absl::ResourceExhaustedError("no capacity"), FailureCause::kCapacity));
  TickReport& follow_up = tick.follow_ups.emplace_back();
  follow_up.input = tick.input;
  follow_up.plan.emplace();
  follow_up.plan->market = tick.input.markets[0].market;
  follow_up.plan->supply_mode = SupplyMode::kOnDemand;
  follow_up.plan->desired = 4;
  follow_up.plan->running = 3;
  follow_up.plan->pending = 1;
  follow_up.plan->bid_usd_per_hour = 0;
  follow_up.plan->fleet_usd_per_hour = 0.75;
  follow_up.applied_by_kind[ActionKind::kLaunchOnDemand] = 1;
  metrics.ObserveTick(tick, absl::Milliseconds(40));

  const std::map<std::string, double> s = MetricSamples(metrics.RenderText());
  const std::string market = "c4.large/a/Linux/UNIX";
  EXPECT_EQ(s.at("spotburst_ticks_total{outcome=\"read_failed\"}"), 1);
  EXPECT_EQ(s.at("spotburst_ticks_total{outcome=\"apply_failed\"}"), 1);
  EXPECT_EQ(s.at("spotburst_ticks_total{outcome=\"ok\"}"), 0);
  EXPECT_EQ(
      s.at("spotburst_read_failures_total{cause=\"cluster_unreachable\"}"), 1);
  EXPECT_EQ(s.at("spotburst_apply_failures_total{cause=\"capacity\"}"), 1);
  EXPECT_EQ(s.at("spotburst_apply_failures_total{cause=\"quota\"}"), 0);
  EXPECT_EQ(s.at("spotburst_actions_applied_total{kind=\"cancel-request\"}"),
            1);
  EXPECT_EQ(s.at("spotburst_actions_applied_total{kind=\"launch-on-demand\"}"),
            1);
  // The gauges describe the follow-up, the tick's last plan.
  EXPECT_EQ(s.at("spotburst_pending_instances"), 1);
  EXPECT_EQ(s.at("spotburst_desired_instances"), 4);
  EXPECT_EQ(s.at("spotburst_running_instances"), 3);
  EXPECT_EQ(s.at("spotburst_fleet_cost_usd_per_hour"), 0.75);
  EXPECT_EQ(s.at(absl::StrCat("spotburst_supply_mode{market=\"", market,
                              "\",mode=\"on-demand\"}")),
            1);
  EXPECT_EQ(s.at(absl::StrCat("spotburst_supply_mode{market=\"", market,
                              "\",mode=\"spot\"}")),
            0);
  EXPECT_EQ(s.at(absl::StrCat("spotburst_spot_price_usd_per_hour{market=\"",
                              market, "\"}")),
            0.25);
  EXPECT_EQ(s.at("spotburst_leader"), 1);
  EXPECT_EQ(s.at("spotburst_tick_duration_seconds_count"), 2);
  EXPECT_EQ(s.at("spotburst_tick_duration_seconds_bucket{le=\"0.005\"}"), 1);
  EXPECT_EQ(s.at("spotburst_tick_duration_seconds_bucket{le=\"0.05\"}"), 2);
}

TEST(SidecarMetrics, DecisionLogCountsAddUpAcrossScrapes) {
  sidecar::SidecarMetrics metrics(/*leader=*/false);
  metrics.ObserveDecisionLog(
      {.recorded = 5, .dropped = 2, .written = 3, .queued = 2});
  metrics.ObserveDecisionLog({.recorded = 9,
                              .dropped = 7,
                              .serialize_errors = 1,
                              .written = 8,
                              .write_errors = 1,
                              .queued = 0});
  std::map<std::string, double> s = MetricSamples(metrics.RenderText());
  EXPECT_EQ(s.at("spotburst_decision_log_recorded_total"), 9);
  EXPECT_EQ(s.at("spotburst_decision_log_dropped_total"), 7);
  EXPECT_EQ(s.at("spotburst_decision_log_written_total"), 8);
  EXPECT_EQ(s.at("spotburst_decision_log_failed_total{cause=\"no_json\"}"), 1);
  EXPECT_EQ(s.at("spotburst_decision_log_failed_total{cause=\"write\"}"), 1);
  EXPECT_EQ(s.at("spotburst_decision_log_queued"), 0);
}

TEST(MetricsHttp, AStatelessDaemonCountsTheDecisionsItLogs) {
  sidecar::SidecarOptions options;
  options.policy_files = {{"exp1", Repo(kPolicyFile)}};
  options.decision_log.path = MakeTempDir() + "/decisions.jsonl";
  options.metrics_listen = "127.0.0.1:0";
  auto server = StartServer(std::move(options));
  ASSERT_NE(server, nullptr);
  auto stub = v1::PolicyService::NewStub(PlainChannel(server->port()));
  v1::EvaluateRequest request;
  request.set_policy_name("exp1");
  *request.mutable_state() = ExampleStateProto();
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::EvaluateResponse response;
    ASSERT_TRUE(stub->Evaluate(&context, request, &response).ok());
    EXPECT_TRUE(response.recorded());
  }
  server->decision_log()->WaitUntilWrittenForTest();

  std::map<std::string, double> s =
      MetricSamples(Http(server->metrics_port(), "GET", "/metrics").body);
  EXPECT_EQ(s.at("spotburst_decision_log_recorded_total"), 3);
  EXPECT_EQ(s.at("spotburst_decision_log_written_total"), 3);
  EXPECT_EQ(s.at("spotburst_decision_log_dropped_total"), 0);
  EXPECT_EQ(s.at("spotburst_decision_log_queued"), 0);
}

TEST(MetricsHttp, ServesMetricsAnd404And405) {
  auto address = sidecar::ParseMetricsListen("127.0.0.1:0");
  ASSERT_TRUE(address.ok()) << address.status();
  auto server = sidecar::MetricsHttpServer::Start(
      *address, [] { return std::string("# TYPE up gauge\nup 1\n"); });
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  ASSERT_GT(port, 0);

  HttpResponse ok = Http(port, "GET", "/metrics");
  EXPECT_EQ(ok.code, 200) << ok.head;
  EXPECT_THAT(ok.head, HasSubstr("Content-Type: text/plain; version=0.0.4; "
                                 "charset=utf-8"));
  EXPECT_EQ(ok.body, "# TYPE up gauge\nup 1\n");
  EXPECT_EQ(Http(port, "GET", "/").code, 404);
  EXPECT_EQ(Http(port, "GET", "/metrics/x").code, 404);
  HttpResponse post = Http(port, "POST", "/metrics");
  EXPECT_EQ(post.code, 405);
  EXPECT_THAT(post.head, HasSubstr("Allow: GET, HEAD"));
  EXPECT_EQ(Http(port, "DELETE", "/metrics").code, 405);

  // A second server on the same port is refused, naming the setting.
  auto taken = sidecar::ParseMetricsListen(absl::StrCat("127.0.0.1:", port));
  ASSERT_TRUE(taken.ok());
  auto second = sidecar::MetricsHttpServer::Start(*taken, [] { return ""; });
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr("metrics_listen: cannot listen on 127.0.0.1:"));
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr("address already in use"));
}

TEST(MetricsHttp, ListenAddressAloneIsAPortOnLoopback) {
  for (const char* listen : {"9464", ":9464"}) {
    auto address = sidecar::ParseMetricsListen(listen);
    ASSERT_TRUE(address.ok()) << address.status();
    EXPECT_EQ(address->host, "127.0.0.1");
    EXPECT_EQ(address->port, 9464);
    EXPECT_TRUE(address->loopback());
  }
  auto everywhere = sidecar::ParseMetricsListen("0.0.0.0:9464");
  ASSERT_TRUE(everywhere.ok());
  EXPECT_FALSE(everywhere->loopback());
  for (const char* bad : {"", "127.0.0.1:99999", "host:port", "a b:1"}) {
    auto address = sidecar::ParseMetricsListen(bad);
    ASSERT_FALSE(address.ok()) << bad;
    EXPECT_THAT(std::string(address.status().message()),
                StartsWith("metrics_listen: "));
  }
}

TEST(MetricsHttp, ConfigKeyAndBadValueNamed) {
  sidecar::SidecarOptions options;
  ASSERT_TRUE(sidecar::ApplyConfigText("metrics_listen: 127.0.0.1:9464\n",
                                       "test.yaml", "", options)
                  .ok());
  EXPECT_EQ(options.metrics_listen, "127.0.0.1:9464");
  options.metrics_listen = "127.0.0.1:70000";
  const absl::Status valid = options.Validate();
  EXPECT_THAT(std::string(valid.message()), StartsWith("metrics_listen: port"));
}

TEST(MetricsHttp, DaemonInManagedModeServesThePlanOfItsTick) {
  const std::string dir = MakeTempDir();
  // One tick at once (for the watcher), the next not for 100 minutes.
  WriteAll(dir + "/managed.yaml",
           "policies:\n"
           "  exp1: " +
               Repo(kPolicyFile) +
               "\n"
               "managed:\n"
               "  policy: exp1\n"
               "  simulated:\n"
               "    scenario: " +
               Repo("examples/scenarios/experiment1-revised.yaml") +
               "\n"
               "    simulated_seconds_per_second: 0.01\n");
  CapturedProcess daemon({SPOTBURSTD_PATH, "--config=" + dir + "/managed.yaml",
                          "--listen=127.0.0.1:0",
                          "--metrics_listen=127.0.0.1:0",
                          "--wait_for_watcher"});
  ASSERT_TRUE(daemon.ReadUntil(
      [&] {
        return absl::StrContains(daemon.err(), "event=listening") ||
               absl::StrContains(daemon.err(), "event=startup_failed");
      },
      absl::Now() + absl::Seconds(30)));
  const int port = LoggedPort(daemon.err(), "listening");
  const int metrics_port = LoggedPort(daemon.err(), "metrics_listening");
  ASSERT_GT(port, 0) << daemon.err();
  ASSERT_GT(metrics_port, 0) << daemon.err();

  // Before the first tick: the daemon leads, nothing has ticked.
  std::map<std::string, double> before =
      MetricSamples(Http(metrics_port, "GET", "/metrics").body);
  EXPECT_EQ(before["spotburst_leader"], 1);
  EXPECT_EQ(before["spotburst_ticks_total{outcome=\"ok\"}"], 0);

  // The first decision, streamed: its tick is over.
  RunResult watch =
      RunProgram({"/usr/bin/python3", Repo("examples/client_python/watch.py"),
                  "--stubs=" SPOTBURST_PYTHON_STUBS_DIR,
                  "--target=" + Address(port), "--count=1"});
  ASSERT_EQ(watch.exit_code, 0) << watch.err;
  v1::ControllerStatus status;
  {
    // Closed before SIGTERM: the daemon's shutdown waits for open
    // connections.
    auto stub = v1::ControllerService::NewStub(PlainChannel(port));
    grpc::ClientContext context;
    SetDeadline(context);
    ASSERT_TRUE(stub->GetStatus(&context, {}, &status).ok());
  }
  ASSERT_EQ(status.ticks(), 1);
  absl::StatusOr<Evaluation> evaluation =
      internal::EvaluationFromProto(status.last_plan());
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  const Plan& plan = evaluation->plan;

  // The tick was counted before its decision was streamed.
  HttpResponse scrape = Http(metrics_port, "GET", "/metrics");
  ASSERT_EQ(scrape.code, 200) << scrape.head;
  EXPECT_THAT(scrape.head, HasSubstr("text/plain; version=0.0.4"));
  std::map<std::string, double> s = MetricSamples(scrape.body);
  EXPECT_EQ(s["spotburst_ticks_total{outcome=\"ok\"}"], 1);
  EXPECT_EQ(s["spotburst_tick_duration_seconds_count"], 1);
  EXPECT_EQ(s["spotburst_desired_instances"], plan.desired);
  EXPECT_EQ(s["spotburst_running_instances"], plan.running);
  EXPECT_EQ(s["spotburst_pending_instances"], plan.pending);
  EXPECT_EQ(s["spotburst_booting_instances"], plan.booting);
  EXPECT_EQ(s["spotburst_draining_instances"], plan.draining);
  EXPECT_DOUBLE_EQ(s["spotburst_fleet_cost_usd_per_hour"],
                   plan.fleet_usd_per_hour);
  const std::string market = plan.market.Name();
  EXPECT_DOUBLE_EQ(
      s[absl::StrCat("spotburst_bid_usd_per_hour{market=\"", market, "\"}")],
      plan.bid_usd_per_hour);
  EXPECT_DOUBLE_EQ(s[absl::StrCat("spotburst_spot_price_usd_per_hour{market=\"",
                                  market, "\"}")],
                   plan.current_price_usd);
  EXPECT_EQ(
      s[absl::StrCat("spotburst_supply_mode{market=\"", market, "\",mode=\"",
                     std::string(SupplyModeName(plan.supply_mode)), "\"}")],
      1);
  // Every action of the plan was applied (not a dry run).
  std::map<std::string, int> kinds;
  for (const Action& action : plan.actions) {
    if (action.kind != ActionKind::kPostponeTermination) {
      ++kinds[std::string(ActionKindName(action.kind))];
    }
  }
  ASSERT_FALSE(kinds.empty()) << "the first tick of the scenario bursts";
  for (const auto& [kind, count] : kinds) {
    EXPECT_EQ(
        s[absl::StrCat("spotburst_actions_applied_total{kind=\"", kind, "\"}")],
        count)
        << kind;
  }

  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.Wait(absl::Seconds(15)), 0) << daemon.err();
}

}  // namespace
}  // namespace spotburst::testing
