// A Mesos cluster bursting into EC2, end to end in one process: the
// Controller and Engine over the real adapters (Ec2Cloud, MesosCluster) and
// HTTP, against the EC2 and Mesos test endpoints (testing/
// burst_environment.h). Marathon's queue grows, spot instances are
// launched, their agents join, demand falls, the agents are drained and
// the instances end at their billing points (never before the minimum
// billed time), back to no fleet at all; a restart with the saved state at
// every step changes none of it, and one without it between a drain and its
// end still ends the instance.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spotburst/controller.h"
#include "spotburst/ec2/ec2_cloud.h"
#include "spotburst/engine.h"
#include "spotburst/mesos/mesos_cluster.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"
#include "testing/burst_environment.h"
#include "testing/controller_fakes.h"
#include "testing/engine_fixtures.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::BurstEnvironment;
using ::spotburst::testing::CountKind;
using ::spotburst::testing::FakeBurstAgent;
using ::spotburst::testing::FakeCall;
using ::spotburst::testing::FakeClock;
using ::spotburst::testing::IsOk;
using ::testing::Each;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kZone[] = "us-east-1b";
constexpr int kBurst = 4;  // instances the demand below asks for

absl::Time Ec2Time(const nlohmann::json& value) {
  absl::Time t = absl::InfinitePast();
  std::string error;
  EXPECT_TRUE(
      absl::ParseTime(absl::RFC3339_full, value.get<std::string>(), &t, &error))
      << error;
  return t;
}

std::vector<const Action*> ActionsOf(const Plan& plan, ActionKind kind) {
  std::vector<const Action*> out;
  for (const Action& a : plan.actions) {
    if (a.kind == kind) out.push_back(&a);
  }
  return out;
}

class Ec2MesosBurstTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The complete EC2 policy, with a short minimum billed time, a drain
    // shorter than it, and cooldowns short enough for a few ticks.
    absl::StatusOr<Policy> loaded =
        LoadPolicyFile(std::string(SPOTBURST_SOURCE_DIR) +
                       "/examples/policies/ec2-burst.yaml");
    ASSERT_THAT(loaded, IsOk());
    policy_ = *std::move(loaded);
    policy_.baseline = {};  // the private agents'
    policy_.instance.launch_spec.user_data_file =
        std::string(SPOTBURST_SOURCE_DIR) +
        "/examples/mesos/burst-agent-user-data.sh";
    policy_.scaling.scale_up_cooldown = absl::Minutes(2);
    policy_.scaling.scale_down_cooldown = absl::Minutes(2);
    policy_.scaling.stabilization_window = absl::Minutes(1);
    policy_.scaling.min_instance_lifetime = absl::ZeroDuration();
    policy_.billing.minimum_billed = absl::Minutes(6);
    policy_.billing.drain_time = absl::Minutes(1);
    ASSERT_THAT(ValidatePolicy(policy_), IsOk());
    ASSERT_EQ(policy_.billing.model, BillingModel::kPerSecond);
    ASSERT_EQ(policy_.instance.availability_zone, kZone);

    start_ = env_.options().start;
    clock_.now = start_;
    env_.SetSpotPrice("c4.large", kZone, 0.0312, start_ - absl::Hours(1));
    credentials_ = env_.Credentials();
    Boot(std::nullopt);
  }

  // What an embedder builds at start, and again after a restart.
  void Boot(std::optional<EngineState> state) {
    controller_.reset();
    cluster_.reset();
    cloud_.reset();
    absl::StatusOr<Engine> engine = Engine::Create(policy_);
    ASSERT_THAT(engine, IsOk());
    engine_ = std::make_unique<Engine>(*std::move(engine));
    absl::StatusOr<std::unique_ptr<ec2::Ec2Cloud>> cloud =
        ec2::Ec2Cloud::Create(env_.ec2_options(policy_.name), clock_,
                              credentials_.get());
    ASSERT_THAT(cloud, IsOk());
    cloud_ = *std::move(cloud);
    absl::StatusOr<std::unique_ptr<mesos::MesosCluster>> cluster =
        mesos::MesosCluster::Create(env_.mesos_options());
    ASSERT_THAT(cluster, IsOk());
    cluster_ = *std::move(cluster);
    controller_ = std::make_unique<Controller>(
        *engine_, *cluster_, cloud_->prices(), cloud_->instances(), clock_,
        ControllerOptions{.drainer = cluster_.get()});
    if (state) controller_->set_engine_state(*std::move(state));
  }

  // Everything destroyed and built again, resuming from the state the old
  // controller kept, or from nothing.
  void Restart(bool keep_state) {
    std::optional<EngineState> saved;
    if (keep_state) saved = controller_->engine_state();
    Boot(std::move(saved));
  }

  // One tick that must decide and apply cleanly.
  Plan Tick() {
    const TickReport report = controller_->Tick();
    EXPECT_THAT(report.status, IsOk());
    EXPECT_THAT(report.apply_errors, IsEmpty());
    if (!report.plan) {
      ADD_FAILURE() << "no plan at " << clock_.now;
      return Plan{};
    }
    return *report.plan;
  }

  // The controller's clock and EC2's move together.
  void Advance(absl::Duration d) {
    clock_.now += d;
    env_.Advance(d);
  }

  std::vector<std::string> LaunchedIds() {
    std::vector<std::string> ids;
    for (const nlohmann::json& i : env_.Instances()) ids.push_back(i["id"]);
    return ids;
  }

  // 27 of the 40 private CPUs busy and 4 tasks of 2 CPUs waiting: 35 CPUs
  // stay under the burst point (0.75) with 4 instances (48 CPUs), not 3.
  void DemandGrows() {
    env_.SetPrivateUsage({.cpus = 27, .mem_mib = 40960});
    env_.SetQueue(
        {BurstEnvironment::QueuedApp("/etl/worker", kBurst, 2, 2048)});
  }
  // The waiting tasks land on the new agents.
  void TasksLandOnBurstAgents() {
    env_.SetQueue({});
    for (const std::string& id : LaunchedIds()) {
      env_.SetAgentUsage(id, {.cpus = 2, .mem_mib = 2048});
    }
  }
  // The work is done but for 10 private CPUs; `left_on_agents` CPUs of
  // tasks still run on each burst agent.
  void DemandFalls(double left_on_agents) {
    env_.SetPrivateUsage({.cpus = 10, .mem_mib = 8192});
    for (const std::string& id : LaunchedIds()) {
      env_.SetAgentUsage(id, {.cpus = left_on_agents});
    }
  }

  void MaybeRestart(bool restart) {
    if (restart) Restart(/*keep_state=*/true);
  }

  // From nothing to four spot instances whose agents run the tasks that
  // waited: ends at start + 2 min.
  void BurstOut(bool restarts) {
    DemandGrows();
    const Plan grow = Tick();
    const std::vector<const Action*> requests =
        ActionsOf(grow, ActionKind::kRequestSpot);
    ASSERT_THAT(requests, SizeIs(1)) << PlanToText(grow);
    EXPECT_EQ(requests[0]->count, kBurst) << PlanToText(grow);
    const std::string token = requests[0]->idempotency_token;
    EXPECT_FALSE(token.empty());
    const std::vector<nlohmann::json> launched = env_.Instances();
    ASSERT_THAT(launched, SizeIs(kBurst));
    for (const nlohmann::json& i : launched) {
      EXPECT_EQ(i["lifecycle"], "spot");
      EXPECT_EQ(i["type"], "c4.large");
      EXPECT_EQ(i["zone"], kZone);
      EXPECT_EQ(i["image_id"], "ami-0abcdef1234567890");
      EXPECT_EQ(i["client_token"], token);
      EXPECT_EQ(i["tags"]["spotburst:pool"], "mesos-a");
      EXPECT_EQ(i["tags"]["spotburst:policy"], "ec2-burst");
      EXPECT_EQ(i["tags"]["spotburst:token"], token);
      EXPECT_EQ(i["tags"]["team"], "batch");
      EXPECT_EQ(Ec2Time(i["launch_time"]), start_);
    }
    EXPECT_EQ(env_.Count("RunInstances"), 1);

    if (restarts) {
      // At the same moment, as a daemon restarted straight after applying.
      Restart(/*keep_state=*/true);
      const Plan again = Tick();
      EXPECT_EQ(again.running, kBurst) << PlanToText(again);
      EXPECT_EQ(env_.Count("RunInstances"), 1);
    }

    // They boot; their agents have not joined yet: capacity to come.
    Advance(absl::Minutes(1));
    MaybeRestart(restarts);
    const Plan booting = Tick();
    EXPECT_EQ(booting.running, kBurst) << PlanToText(booting);
    EXPECT_EQ(booting.booting, kBurst) << PlanToText(booting);
    EXPECT_THAT(booting.actions, IsEmpty()) << PlanToText(booting);
    ASSERT_THAT(env_.Instances("running"), SizeIs(kBurst));

    const BurstEnvironment::SyncResult sync = env_.SyncAgents();
    EXPECT_THAT(sync.joined, SizeIs(kBurst));
    EXPECT_THAT(env_.Agents(), SizeIs(kBurst));
    TasksLandOnBurstAgents();
    Advance(absl::Minutes(1));
    MaybeRestart(restarts);
    const Plan joined = Tick();
    EXPECT_EQ(joined.running, kBurst) << PlanToText(joined);
    EXPECT_EQ(joined.booting, 0) << PlanToText(joined);
    EXPECT_THAT(joined.actions, IsEmpty()) << PlanToText(joined);
    EXPECT_EQ(env_.Count("RunInstances"), 1);
  }

  // Demand falls at start + 2 min; scale-in waits out the stabilization
  // window (1 min), then the billing point: ending must come no earlier
  // than the 6 minutes billed anyway, so the 1-minute drain starts at
  // 5 min. Ends right after the drain ticks, at start + 5 min.
  void FallAndDrain(double left_on_agents, bool restarts) {
    DemandFalls(left_on_agents);
    Advance(absl::Minutes(1));  // 3 min
    MaybeRestart(restarts);
    const Plan stabilizing = Tick();
    EXPECT_THAT(stabilizing.actions, IsEmpty()) << PlanToText(stabilizing);

    Advance(absl::Minutes(1));  // 4 min
    MaybeRestart(restarts);
    const Plan early = Tick();
    const std::vector<const Action*> postponed =
        ActionsOf(early, ActionKind::kPostponeTermination);
    EXPECT_THAT(postponed, SizeIs(kBurst)) << PlanToText(early);
    for (const Action* a : postponed) {
      EXPECT_EQ(a->endable_at, start_ + absl::Minutes(5)) << PlanToText(early);
    }
    EXPECT_EQ(CountKind(early, ActionKind::kDrainInstance), 0);
    EXPECT_EQ(env_.Count("DRAIN_AGENT"), 0);

    Advance(absl::Minutes(1));  // 5 min
    MaybeRestart(restarts);
    const Plan drain = Tick();
    EXPECT_EQ(CountKind(drain, ActionKind::kDrainInstance), kBurst)
        << PlanToText(drain);
    EXPECT_EQ(CountKind(drain, ActionKind::kTerminateInstance), 0);
    EXPECT_EQ(env_.Count("DRAIN_AGENT", 200), kBurst);
    EXPECT_EQ(env_.Count("TerminateInstances"), 0);
  }

  // `until_end` later, at start + 6 min, the drained instances end; their
  // agents leave, and nothing is left.
  void EndAndCheckEmpty(bool restarts,
                        absl::Duration until_end = absl::Minutes(1)) {
    const std::vector<std::string> launched = LaunchedIds();
    Advance(until_end);  // 6 min
    MaybeRestart(restarts);
    const Plan end = Tick();
    const std::vector<const Action*> ends =
        ActionsOf(end, ActionKind::kTerminateInstance);
    EXPECT_THAT(ends, SizeIs(kBurst)) << PlanToText(end);
    for (const Action* a : ends) {
      EXPECT_GE(a->into_billing_period, policy_.billing.minimum_billed)
          << PlanToText(end);
    }
    EXPECT_GE(env_.Count("TerminateInstances", 200), 1);
    EXPECT_THAT(env_.Instances("running"), IsEmpty());
    // Never before the minimum billed time, by EC2's own clock.
    const absl::Time ended = env_.Now();
    for (const nlohmann::json& i : env_.Instances()) {
      EXPECT_GE(ended - Ec2Time(i["launch_time"]),
                policy_.billing.minimum_billed);
    }
    ExpectEveryAgentDrainedBeforeItsInstanceEnded(launched);

    const BurstEnvironment::SyncResult sync = env_.SyncAgents();
    EXPECT_THAT(sync.left, SizeIs(kBurst));
    Advance(absl::Minutes(1));  // 7 min
    MaybeRestart(restarts);
    const Plan after = Tick();
    EXPECT_EQ(after.running, 0) << PlanToText(after);
    EXPECT_EQ(after.booting, 0);
    EXPECT_EQ(after.draining, 0);
    EXPECT_THAT(after.actions, IsEmpty()) << PlanToText(after);
    EXPECT_THAT(env_.Instances(), Each(::testing::Truly([](const auto& i) {
                  return i["state"] == "terminated";
                })));
    EXPECT_THAT(env_.Agents(), IsEmpty());
    EXPECT_EQ(env_.Count("RunInstances"), 1);
    EXPECT_EQ(env_.Count("DRAIN_AGENT"), kBurst);
  }

  // In the order the two endpoints received them: each instance's agent
  // was drained on the master before EC2 was asked to end the instance.
  void ExpectEveryAgentDrainedBeforeItsInstanceEnded(
      const std::vector<std::string>& instance_ids) {
    std::map<std::string, int64_t> drained_at, ended_at;
    for (const FakeCall& call : env_.Calls()) {
      if (call.name == "DRAIN_AGENT" && call.status == 200) {
        drained_at.emplace(call.agent_id, call.monotonic_ns);
      } else if (call.name == "TerminateInstances" && call.status == 200) {
        for (const std::string& id : call.instance_ids) {
          ended_at.emplace(id, call.monotonic_ns);
        }
      }
    }
    for (const std::string& id : instance_ids) {
      const std::string agent = env_.AgentOf(id);
      ASSERT_TRUE(ended_at.contains(id)) << id << " was never terminated";
      ASSERT_TRUE(drained_at.contains(agent)) << id << "'s agent " << agent;
      EXPECT_LT(drained_at[agent], ended_at[id]) << id;
    }
  }

  BurstEnvironment env_;
  Policy policy_;
  absl::Time start_;
  FakeClock clock_;
  std::unique_ptr<ec2::CredentialsProvider> credentials_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<ec2::Ec2Cloud> cloud_;
  std::unique_ptr<mesos::MesosCluster> cluster_;
  std::unique_ptr<Controller> controller_;
};

TEST_F(Ec2MesosBurstTest, BurstsIntoSpotDrainsAndEndsBackToNoFleet) {
  ASSERT_NO_FATAL_FAILURE(BurstOut(/*restarts=*/false));
  ASSERT_NO_FATAL_FAILURE(FallAndDrain(/*left_on_agents=*/0,
                                       /*restarts=*/false));
  // Idle agents are drained as soon as asked.
  EXPECT_THAT(env_.Agents(),
              Each(Field(&FakeBurstAgent::drain_state, "DRAINED")));
  EndAndCheckEmpty(/*restarts=*/false);
}

TEST_F(Ec2MesosBurstTest, RestartsWithTheSavedStateLoseNothingAndLaunchOnce) {
  ASSERT_NO_FATAL_FAILURE(BurstOut(/*restarts=*/true));
  ASSERT_NO_FATAL_FAILURE(FallAndDrain(/*left_on_agents=*/0,
                                       /*restarts=*/true));
  EndAndCheckEmpty(/*restarts=*/true);
}

TEST_F(Ec2MesosBurstTest, ARestartWithoutStateBetweenDrainAndEndStillEnds) {
  ASSERT_NO_FATAL_FAILURE(BurstOut(/*restarts=*/false));
  // Tasks still run on the agents: the drains take a while.
  ASSERT_NO_FATAL_FAILURE(FallAndDrain(/*left_on_agents=*/0.5,
                                       /*restarts=*/false));
  EXPECT_THAT(env_.Agents(),
              Each(Field(&FakeBurstAgent::drain_state, "DRAINING")));

  // Restarted with nothing: the drains the masters show are taken on, not
  // asked for again, and nothing ends while they last.
  Restart(/*keep_state=*/false);
  const Plan resumed = Tick();
  EXPECT_EQ(resumed.draining, kBurst) << PlanToText(resumed);
  EXPECT_EQ(CountKind(resumed, ActionKind::kTerminateInstance), 0);
  EXPECT_THAT(PlanToText(resumed), HasSubstr("without a drain in the engine "
                                             "state"));
  EXPECT_EQ(env_.Count("DRAIN_AGENT"), kBurst);
  EXPECT_EQ(env_.Count("TerminateInstances"), 0);

  // The tasks move off: the agents report drained. Half a minute before
  // the 6 minutes billed anyway, the instances are held until then.
  EXPECT_THAT(env_.SyncAgents().drained, SizeIs(kBurst));
  Advance(absl::Seconds(30));
  const Plan held = Tick();
  EXPECT_EQ(CountKind(held, ActionKind::kTerminateInstance), 0)
      << PlanToText(held);
  EXPECT_EQ(held.draining, kBurst);
  EXPECT_THAT(PlanToText(held), HasSubstr("until their minimum billed time"));
  EXPECT_EQ(env_.Count("TerminateInstances"), 0);
  EndAndCheckEmpty(/*restarts=*/false, absl::Seconds(30));
}

}  // namespace
}  // namespace spotburst
