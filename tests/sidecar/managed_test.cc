// spotburstd's managed mode, in process: the control loop over the
// simulated cloud, its decision stream, pause, dry-run, status, the decision
// log (replayed by the CLI) and shutdown during a run.
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "managed_testing.h"
#include "sidecar/config.h"
#include "sidecar_testing.h"
#include "spotburst/v1/controller_service.grpc.pb.h"

namespace spotburst::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kScenarioFile[] = "examples/scenarios/experiment1-revised.yaml";
// 60 s ticks every 5 ms of real time: the hour-long scenario in 0.3 s.
constexpr double kFast = 12000;

sidecar::SidecarOptions Managed(double scale, const std::string& log = "") {
  sidecar::SidecarOptions options;
  options.policy_files["exp1"] = Repo(kPolicyFile);
  options.managed =
      sidecar::ManagedOptions{.policy_name = "exp1",
                              .scenario_file = Repo(kScenarioFile),
                              .simulated_seconds_per_second = scale};
  options.decision_log.path = log;
  return options;
}

TEST(Managed, StreamsEveryPlanInTickOrderAsTheLogRecordsIt) {
  const std::string log = MakeTempDir() + "/decisions.jsonl";
  auto server = StartServer(Managed(kFast / 4, log));
  ASSERT_NE(server, nullptr);
  auto stub = Stub(server->port());
  Watch watch(*stub, /*include_inputs=*/true);
  std::vector<v1::Decision> streamed;
  v1::WatchDecisionsResponse response;
  while (streamed.size() < 8 && watch.Next(response)) {
    EXPECT_EQ(response.missed(), 0);
    streamed.push_back(response.decision());
  }
  ASSERT_EQ(streamed.size(), 8u);
  watch.Cancel();
  server->Shutdown(absl::Now() + absl::Seconds(5));

  std::map<std::string, v1::Decision> logged;
  for (const v1::Decision& d : ReadLog(log)) logged[d.decision_id()] = d;
  for (size_t i = 0; i < streamed.size(); ++i) {
    const v1::Decision& d = streamed[i];
    EXPECT_EQ(d.source(), v1::DECISION_SOURCE_CONTROLLER);
    EXPECT_TRUE(d.applied());
    EXPECT_EQ(d.policy_name(), "exp1");
    if (i > 0) {  // one tick, one evaluation interval, apart
      EXPECT_EQ(
          d.state().now().seconds() - streamed[i - 1].state().now().seconds(),
          60);
    }
    ASSERT_TRUE(logged.contains(d.decision_id())) << d.decision_id();
    EXPECT_TRUE(
        MessageDifferencer::Equals(logged[d.decision_id()].plan(), d.plan()));
    EXPECT_TRUE(
        MessageDifferencer::Equals(logged[d.decision_id()].state(), d.state()));
  }
}

TEST(Managed, RunsTheScenarioToItsEndAndTheLogReplaysUnchanged) {
  const std::string log = MakeTempDir() + "/decisions.jsonl";
  auto server = StartServer(Managed(1e6, log));
  ASSERT_NE(server, nullptr);
  auto stub = Stub(server->port());
  const v1::ControllerStatus status =
      StatusWhen(*stub, [](const auto& s) { return s.finished(); });
  ASSERT_TRUE(status.finished());
  EXPECT_EQ(status.mode(), v1::CONTROLLER_MODE_MANAGED);
  EXPECT_EQ(status.ticks(), 60);  // an hour of 60 s ticks
  EXPECT_EQ(status.failed_ticks(), 0);
  EXPECT_EQ(status.policy_name(), "exp1");
  EXPECT_EQ(status.policy_revision(),
            (*server->policies().FromName("exp1"))->revision);
  EXPECT_FALSE(status.has_next_tick_at());
  EXPECT_EQ(status.last_tick().code(), 0);
  EXPECT_FALSE(status.last_tick().decision_id().empty());
  EXPECT_TRUE(status.has_last_plan());
  // The daemon keeps serving after the scenario is over.
  EXPECT_EQ(Status(*stub).ticks(), 60);
  server->Shutdown(absl::Now() + absl::Seconds(5));

  const std::vector<v1::Decision> decisions = ReadLog(log);
  ASSERT_EQ(decisions.size(), 60u);
  EXPECT_EQ(decisions.back().decision_id(), status.last_tick().decision_id());
  EXPECT_TRUE(
      MessageDifferencer::Equals(decisions.back().plan(), status.last_plan()));
  // 100 one-CPU tasks on 40 CPUs: the burst point asks for one more spot
  // instance every tick at first.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Count(decisions[i].plan(), v1::ACTION_KIND_REQUEST_SPOT), 1) << i;
    EXPECT_EQ(decisions[i].plan().desired(), i + 1) << i;
  }
  RunResult replay = RunProgram({SPOTBURST_CLI_PATH, "replay", log});
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_THAT(replay.out,
              HasSubstr("replayed 60 decisions: 0 changed, 0 failed"));
}

TEST(Managed, PausedTicksPlanButTheFleetStopsGrowing) {
  auto server = StartServer(Managed(kFast / 4));
  ASSERT_NE(server, nullptr);
  auto stub = Stub(server->port());
  Watch watch(*stub, /*include_inputs=*/true);
  v1::WatchDecisionsResponse response;
  ASSERT_TRUE(watch.Next(response));
  ASSERT_TRUE(watch.Next(response));
  {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::SetPausedRequest request;
    request.set_paused(true);
    request.set_reason("maintenance");
    v1::SetPausedResponse paused;
    ASSERT_TRUE(stub->SetPaused(&context, request, &paused).ok());
    EXPECT_TRUE(paused.paused());
    EXPECT_FALSE(paused.was_paused());
  }
  // Decisions already queued were made before the pause; the first paused
  // one lists the fleet as the pause left it.
  do {
    ASSERT_TRUE(watch.Next(response));
  } while (!response.decision().paused());
  std::set<std::string> requests;
  for (const auto& r : response.decision().state().fleet().requests()) {
    requests.insert(r.id());
  }
  for (int i = 0; i < 5; ++i) {
    const v1::Decision& d = response.decision();
    EXPECT_TRUE(d.paused());
    EXPECT_FALSE(d.applied());
    for (const auto& r : d.state().fleet().requests()) {
      EXPECT_TRUE(requests.contains(r.id())) << "new request " << r.id();
    }
    for (const auto& instance : d.state().fleet().instances()) {
      EXPECT_TRUE(requests.contains(instance.spot_request_id()));
    }
    ASSERT_TRUE(watch.Next(response));
  }
  const v1::ControllerStatus status = Status(*stub);
  EXPECT_TRUE(status.paused());
  EXPECT_EQ(status.pause_reason(), "maintenance");
  EXPECT_TRUE(status.has_paused_at());
  watch.Cancel();
}

TEST(Managed, DryRunPlansButLeavesTheFleetEmpty) {
  sidecar::SidecarOptions options = Managed(kFast / 4);
  options.dry_run = true;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  auto stub = Stub(server->port());
  Watch watch(*stub, /*include_inputs=*/true);
  v1::WatchDecisionsResponse response;
  int spot_requests = 0;
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(watch.Next(response));
    const v1::Decision& d = response.decision();
    EXPECT_TRUE(d.dry_run());
    EXPECT_FALSE(d.applied());
    EXPECT_EQ(d.state().fleet().instances_size(), 0);
    EXPECT_EQ(d.state().fleet().requests_size(), 0);
    spot_requests += Count(d.plan(), v1::ACTION_KIND_REQUEST_SPOT);
  }
  EXPECT_GT(spot_requests, 0);
  EXPECT_TRUE(Status(*stub).dry_run());
  watch.Cancel();
}

TEST(Managed, ShutdownEndsStreamsCleanlyWithoutWaitingOutTheInterval) {
  // One tick a minute of real time: shutdown must not wait for the next.
  auto server = StartServer(Managed(1));
  ASSERT_NE(server, nullptr);
  auto stub = Stub(server->port());
  const v1::ControllerStatus status =
      StatusWhen(*stub, [](const auto& s) { return s.ticks() == 1; });
  ASSERT_EQ(status.ticks(), 1);
  EXPECT_TRUE(status.has_last_plan());
  EXPECT_EQ(status.last_tick().actions_planned(), 1);
  Watch watch(*stub, /*include_inputs=*/false, /*include_last=*/true);
  v1::WatchDecisionsResponse response;
  ASSERT_TRUE(watch.Next(response));
  EXPECT_EQ(response.decision().decision_id(),
            status.last_tick().decision_id());
  EXPECT_FALSE(response.decision().has_state());  // not asked for

  const absl::Time start = absl::Now();
  std::thread stopper(
      [&] { server->Shutdown(absl::Now() + absl::Seconds(10)); });
  EXPECT_FALSE(watch.Next(response));
  EXPECT_TRUE(watch.Finish().ok());
  stopper.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(Managed, AStatelessDaemonSaysSo) {
  sidecar::SidecarOptions options;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  auto stub = Stub(server->port());
  EXPECT_EQ(Status(*stub).mode(), v1::CONTROLLER_MODE_STATELESS);
  Watch watch(*stub, false);
  v1::WatchDecisionsResponse response;
  EXPECT_FALSE(watch.Next(response));
  const grpc::Status status = watch.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("stateless mode"));
}

TEST(Managed, StartupRefusesAPolicyNotLoaded) {
  sidecar::SidecarOptions options = Managed(kFast);
  options.managed->policy_name = "prod";
  options.listen = "127.0.0.1:0";
  auto server = sidecar::SidecarServer::Start(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(server.status().message(),
              HasSubstr("managed.policy: no policy named \"prod\""));
}

// A live world's ZooKeeper URL may carry credentials (zk://user:secret@...;
// Marathon's may not): the status names the endpoints' kind, never their
// addresses, and errors never quote the secret.
TEST(Managed, ALiveWorldsStatusNamesNoAddressNorSecret) {
  sidecar::SidecarOptions options;
  options.listen = "127.0.0.1:0";
  options.policy_files["burst"] = Repo("examples/policies/ec2-burst.yaml");
  ASSERT_TRUE(sidecar::ApplyConfigText(
                  "managed:\n"
                  "  policy: burst\n"
                  "  mesos:\n"
                  "    zookeeper: zk://ops:s3cret-zk@127.0.0.1:1/mesos\n"
                  "    marathon: http://127.0.0.1:1\n"
                  "  ec2: {region: us-east-1, pool: mesos-a, "
                  "endpoint: \"http://127.0.0.1:1/\"}\n",
                  "c.yaml", "", options)
                  .ok());
  // Nothing answers there: the loop only fails its reads.
  options.dry_run = true;
  auto server = sidecar::SidecarServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = Stub((*server)->port());
  const v1::ControllerStatus status = StatusWhen(
      *stub, [](const v1::ControllerStatus& s) { return s.ticks() >= 1; });
  EXPECT_EQ(status.adapters(),
            "mesos via ZooKeeper and Marathon; ec2 us-east-1 pool mesos-a "
            "(endpoint override)");
  std::string text;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(status, &text).ok());
  EXPECT_THAT(text, Not(HasSubstr("s3cret")));
  EXPECT_GE(status.failed_ticks(), 1);

  sidecar::SidecarOptions refused;
  const absl::Status marathon = sidecar::ApplyConfigText(
      "managed: {policy: burst, mesos: {zookeeper: zk://127.0.0.1:1/mesos, "
      "marathon: \"http://ops:s3cret-marathon@127.0.0.1:1\"}, "
      "ec2: {region: us-east-1, pool: mesos-a}}\n",
      "c.yaml", "", refused);
  EXPECT_THAT(marathon.message(), HasSubstr("managed.mesos.marathon"));
  EXPECT_THAT(marathon.message(), Not(HasSubstr("s3cret")));
}

// The election's own errors already name their key: said once.
TEST(Managed, AnHaErrorNamesItsKeyOnce) {
  auto store = sidecar::PolicyStore::Create(
      {{"burst", Repo("examples/policies/ec2-burst.yaml")}});
  ASSERT_TRUE(store.ok()) << store.status();
  auto policy = (*store)->FromName("burst");
  ASSERT_TRUE(policy.ok()) << policy.status();
  sidecar::SidecarOptions options;
  ASSERT_TRUE(sidecar::ApplyConfigText(
                  "managed: {policy: burst, mesos: {zookeeper: "
                  "zk://127.0.0.1:1/mesos}, ec2: {region: us-east-1, pool: "
                  "mesos-a}, ha: {zookeeper: \"127.0.0.1:1\", path: /sb}}\n",
                  "c.yaml", "", options)
                  .ok());
  // The daemon fills an empty identity in; built directly, it stays empty.
  sidecar::DecisionHub hub;
  auto managed = sidecar::ManagedController::Create(
      *options.managed, **policy, (*store)->registry(), /*dry_run=*/false,
      /*log=*/nullptr, hub);
  EXPECT_EQ(managed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(managed.status().message()),
              ::testing::StartsWith("managed.ha.identity: "));
}

}  // namespace
}  // namespace spotburst::testing
