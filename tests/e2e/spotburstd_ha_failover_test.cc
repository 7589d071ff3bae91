// spotburstd's high availability (e2e/spotburstd_ha_fixture.h): the
// standby takes over from a leader that dies without a word, with the state
// it saved, and together they launch once and end what was launched at its
// billing point.
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "e2e/spotburstd_ha_fixture.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spotburst/plan.h"

namespace spotburst::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

absl::Time Ec2Time(const nlohmann::json& value) {
  absl::Time t = absl::InfinitePast();
  std::string error;
  EXPECT_TRUE(
      value.is_string() &&
      absl::ParseTime(absl::RFC3339_full, value.get<std::string>(), &t, &error))
      << value << " " << error;
  return t;
}

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

}  // namespace
}  // namespace spotburst::testing
