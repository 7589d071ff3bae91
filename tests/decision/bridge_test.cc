// scaling.bridge: on-demand capacity at once for a spot scale-up, replaced
// by spot from the next evaluation on and ended once its replacement has
// joined the cluster.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/policy.h"
#include "testing/engine_fixtures.h"
#include "testing/minimal_policy.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::CountKind;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::OnDemandInstance;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::StatusIs;
using ::spotburst::testing::T0;
using ::spotburst::testing::UsingCpus;
using ::testing::HasSubstr;

Policy BridgePolicy(BridgeMode mode) {
  Policy p = PrototypePolicy();
  p.scaling.strategy = "target";
  p.scaling.bridge = mode;
  p.billing.model = BillingModel::kPerSecond;
  p.bidding.padding_usd = 0.01;  // a bid of 0.037, under on-demand
  return p;
}

// 40 CPUs of baseline; the target strategy (burst point 0.75) wants
// ceil((used + queued) / 0.75 - 40) / 2 instances of 2 CPUs.
EvaluationInput Using(double used, double queued) {
  EvaluationInput input{.cluster = UsingCpus(used),
                        .markets = {testing::Market(0.027)}};
  input.cluster.queued.cpus = queued;
  return input;
}

Plan Decide(const Policy& policy, const EvaluationInput& input) {
  return testing::EvaluateOrFail(policy, input).plan;
}

const Reason* FindReason(const Action& action, ReasonCode code) {
  for (const Reason& r : action.reasons) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

const Action* FindKind(const Plan& plan, ActionKind kind) {
  for (const Action& a : plan.actions) {
    if (a.kind == kind) return &a;
  }
  return nullptr;
}

bool Ends(const Plan& plan, const std::string& id) {
  for (const Action& a : plan.actions) {
    if ((a.kind == ActionKind::kTerminateInstance ||
         a.kind == ActionKind::kDrainInstance) &&
        a.instance_id == id) {
      return true;
    }
  }
  return false;
}

TEST(Bridge, OffByDefaultEveryScaleUpIsASpotRequest) {
  const Plan plan = Decide(PrototypePolicy(), Using(32, 0));
  EXPECT_GT(CountKind(plan, ActionKind::kRequestSpot), 0);
  EXPECT_EQ(CountKind(plan, ActionKind::kLaunchOnDemand), 0);
}

TEST(Bridge, AllLaunchesTheScaleUpOnDemandAndSaysWhy) {
  // 32 used: 42.7 CPUs at the burst point, 2 instances.
  const Plan plan = Decide(BridgePolicy(BridgeMode::kAll), Using(32, 0));
  EXPECT_EQ(CountKind(plan, ActionKind::kRequestSpot), 0);
  ASSERT_EQ(CountKind(plan, ActionKind::kLaunchOnDemand), 2);
  const Action* launch = FindKind(plan, ActionKind::kLaunchOnDemand);
  EXPECT_EQ(launch->instance_type, "c4.large");
  EXPECT_EQ(launch->availability_zone, "us-east-1a");
  EXPECT_FALSE(launch->idempotency_token.empty());
  const Reason* why = FindReason(*launch, ReasonCode::kBridge);
  ASSERT_NE(why, nullptr);
  EXPECT_THAT(
      why->text.ToString(),
      ::testing::StartsWith("bridge 2 of 2: on-demand at 0.1000 USD/h"));
  EXPECT_THAT(why->text.ToString(), HasSubstr("spot (now 0.0270)"));
  EXPECT_THAT(
      why->figures,
      ::testing::ElementsAre(Figure{"bridged", 2}, Figure{"on_demand_usd", 0.1},
                             Figure{"current_usd", 0.027}));
  // The scaling reason comes first, as for any launch.
  EXPECT_EQ(launch->reasons.front().code, ReasonCode::kScaleUp);
}

TEST(Bridge, ShortfallBridgesOnlyWhatTheDemandNeedsNowTheRestIsSpot) {
  // 40 used and 5 queued: 5 CPUs over the baseline, 3 instances needed
  // now; at the burst point the target is 10 (the maximum).
  const Plan plan = Decide(BridgePolicy(BridgeMode::kShortfall), Using(40, 5));
  EXPECT_EQ(CountKind(plan, ActionKind::kLaunchOnDemand), 3);
  const Action* launch = FindKind(plan, ActionKind::kLaunchOnDemand);
  ASSERT_NE(launch, nullptr);
  const Reason* why = FindReason(*launch, ReasonCode::kBridge);
  ASSERT_NE(why, nullptr);
  EXPECT_THAT(why->text.ToString(),
              ::testing::StartsWith("bridge 3 of 10 (the demand's need now "
                                    "beyond the instances up or booting)"));
  EXPECT_EQ(CountKind(plan, ActionKind::kRequestSpot), 7);
  EXPECT_EQ(plan.desired, 10);
}

TEST(Bridge, ShortfallCountsInstancesBootingAsCapacity) {
  EvaluationInput input = Using(40, 5);
  // Two instances up (booting or running) hold 4 of the 5 CPUs missing.
  input.fleet.instances = {SpotInstance("i-1", T0() - absl::Minutes(2)),
                           SpotInstance("i-2", T0() - absl::Minutes(2))};
  const Plan plan = Decide(BridgePolicy(BridgeMode::kShortfall), input);
  EXPECT_EQ(CountKind(plan, ActionKind::kLaunchOnDemand), 1);
  EXPECT_EQ(CountKind(plan, ActionKind::kRequestSpot), 7);
}

TEST(Bridge, ShortfallBridgesNothingWhileTheDemandFits) {
  // 32 used fits the baseline: the scale-up is for the burst point only.
  const Plan plan = Decide(BridgePolicy(BridgeMode::kShortfall), Using(32, 0));
  EXPECT_EQ(CountKind(plan, ActionKind::kLaunchOnDemand), 0);
  EXPECT_EQ(CountKind(plan, ActionKind::kRequestSpot), 2);
}

TEST(Bridge, StaysWithinMaxInstancesAndTheCostCeiling) {
  Policy p = BridgePolicy(BridgeMode::kAll);
  p.scaling.max_instances = 3;
  Plan plan = Decide(p, Using(40, 20));
  EXPECT_EQ(CountKind(plan, ActionKind::kLaunchOnDemand), 3);
  EXPECT_EQ(CountKind(plan, ActionKind::kRequestSpot), 0);

  // 0.32 USD/h holds 3 on-demand (0.30); the fourth goes to spot, whose
  // bid (0.037) no longer fits either.
  p.scaling.max_instances = 4;
  p.cost.max_fleet_usd_per_hour = 0.32;
  plan = Decide(p, Using(40, 20));
  EXPECT_EQ(CountKind(plan, ActionKind::kLaunchOnDemand), 3);
  EXPECT_EQ(CountKind(plan, ActionKind::kRequestSpot), 0);
  bool ceiling_noted = false;
  for (const Reason& note : plan.notes) {
    ceiling_noted |= note.code == ReasonCode::kCostCeiling;
  }
  EXPECT_TRUE(ceiling_noted);
}

TEST(Bridge, TheNextEvaluationRequestsItsSpotReplacementWithoutFallback) {
  Policy p = BridgePolicy(BridgeMode::kAll);
  ASSERT_FALSE(p.fallback.enabled);
  EvaluationInput input = Using(32, 0);
  input.fleet.instances = {OnDemandInstance("od-1", T0() - absl::Minutes(1)),
                           OnDemandInstance("od-2", T0() - absl::Minutes(1))};
  const Plan plan = Decide(p, input);
  EXPECT_EQ(CountKind(plan, ActionKind::kLaunchOnDemand), 0);
  std::vector<std::string> replaced;
  for (const Action& a : plan.actions) {
    if (a.kind == ActionKind::kRequestSpot) {
      EXPECT_EQ(a.count, 1);
      replaced.push_back(a.replaces_instance_id);
    }
  }
  EXPECT_THAT(replaced, ::testing::UnorderedElementsAre("od-1", "od-2"));
  EXPECT_FALSE(Ends(plan, "od-1"));

  // Without a bridge (and without fallback), nothing replaces them.
  p.scaling.bridge = BridgeMode::kOff;
  EXPECT_EQ(CountKind(Decide(p, input), ActionKind::kRequestSpot), 0);
}

TEST(Bridge, NoReplacementInAMarketTheCloudRefusesSpotIn) {
  // c4.large's only zone is backed off for spot; a c4.xlarge market is
  // open, so spot as a whole is not blocked.
  Policy p = BridgePolicy(BridgeMode::kAll);
  p.instance.availability_zone = "";
  p.instance.alternatives.push_back(testing::C4Xlarge());
  EvaluationInput input = Using(32, 0);
  input.markets.push_back(testing::MarketOf("c4.xlarge", "us-east-1a", 0.06));
  input.fleet.instances = {OnDemandInstance("od-1", T0() - absl::Minutes(1)),
                           OnDemandInstance("od-2", T0() - absl::Minutes(1))};
  input.state.backoffs = {{.market = input.markets[0].market,
                           .lifecycle = Lifecycle::kSpot,
                           .failures = 1,
                           .last_failure = T0() - absl::Minutes(1),
                           .until = T0() + absl::Minutes(4),
                           .code = "InsufficientInstanceCapacity"}};
  const Plan plan = Decide(p, input);
  for (const Action& a : plan.actions) {
    EXPECT_FALSE(a.kind == ActionKind::kRequestSpot &&
                 a.availability_zone == "us-east-1a" &&
                 a.instance_type == "c4.large")
        << "a request in the backed-off market, replacing "
        << a.replaces_instance_id;
  }
  // Once the backoff is over, the replacements are requested.
  input.state.backoffs.clear();
  EXPECT_EQ(CountKind(Decide(p, input), ActionKind::kRequestSpot), 2);
}

// The fleet a bridge leaves once its replacement was fulfilled: on-demand
// od-1, and spot sp-1 launched by the request that replaces it.
EvaluationInput ReplacementLaunched(bool replacement_joined) {
  EvaluationInput input = Using(31, 0);  // one instance wanted
  input.fleet.instances = {OnDemandInstance("od-1", T0() - absl::Minutes(12)),
                           SpotInstance("sp-1", T0() - absl::Minutes(2))};
  input.fleet.requests = {{.id = "sir-1",
                           .state = SpotRequestState::kActive,
                           .status_code = "fulfilled",
                           .create_time = T0() - absl::Minutes(11),
                           .bid_usd_per_hour = 0.127,
                           .instance_type = "c4.large",
                           .availability_zone = "us-east-1a",
                           .instance_id = "sp-1",
                           .replaces_instance_id = "od-1"}};
  input.cluster.reports_agents = true;
  input.cluster.burst_agents = {{.instance_id = "od-1", .agent_id = "a-1"}};
  if (replacement_joined) {
    input.cluster.burst_agents.push_back(
        {.instance_id = "sp-1", .agent_id = "a-2"});
  }
  return input;
}

TEST(Bridge, TheOnDemandInstanceServesUntilItsReplacementHasJoined) {
  const Policy p = BridgePolicy(BridgeMode::kAll);
  const Plan booting = Decide(p, ReplacementLaunched(false));
  EXPECT_FALSE(Ends(booting, "od-1"));
  EXPECT_FALSE(Ends(booting, "sp-1"));
  // Counted once: the on-demand instance stands for its replacement.
  EXPECT_EQ(booting.running, 1);
  EXPECT_EQ(CountKind(booting, ActionKind::kRequestSpot), 0);
  EXPECT_EQ(CountKind(booting, ActionKind::kLaunchOnDemand), 0);

  const Plan joined = Decide(p, ReplacementLaunched(true));
  EXPECT_TRUE(Ends(joined, "od-1"));
  EXPECT_FALSE(Ends(joined, "sp-1"));
  EXPECT_EQ(joined.running, 1);
}

// Without agents in the cluster, the provider's state tells: an instance
// still pending boots, and its on-demand instance keeps serving.
TEST(Bridge, WithoutAgentsTheOnDemandInstanceServesUntilItsReplacementRuns) {
  const Policy p = BridgePolicy(BridgeMode::kAll);
  EvaluationInput input = ReplacementLaunched(false);
  input.cluster.reports_agents = false;
  input.cluster.burst_agents.clear();
  input.fleet.instances[1].state = InstanceState::kPending;
  const Plan pending = Decide(p, input);
  EXPECT_FALSE(Ends(pending, "od-1"));
  EXPECT_FALSE(Ends(pending, "sp-1"));
  EXPECT_EQ(pending.running, 1);
  EXPECT_EQ(CountKind(pending, ActionKind::kRequestSpot), 0);

  input.fleet.instances[1].state = InstanceState::kRunning;
  const Plan running = Decide(p, input);
  EXPECT_TRUE(Ends(running, "od-1"));
  EXPECT_FALSE(Ends(running, "sp-1"));
  EXPECT_EQ(running.running, 1);
}

// Under hourly billing, keeping the on-demand instance past the end of its
// hour would pay a whole hour for the minutes its replacement boots.
TEST(Bridge, UnderHourlyBillingTheOnDemandInstanceEndsWithItsHour) {
  Policy p = BridgePolicy(BridgeMode::kAll);
  p.billing.model = BillingModel::kHourly;
  EvaluationInput input = ReplacementLaunched(false);
  input.fleet.instances[0].launch_time = T0() - absl::Minutes(55);
  const Plan at_the_hour = Decide(p, input);
  ASSERT_TRUE(Ends(at_the_hour, "od-1"));
  EXPECT_FALSE(Ends(at_the_hour, "sp-1"));
  for (const Action& a : at_the_hour.actions) {
    if (a.instance_id != "od-1") continue;
    ASSERT_NE(FindReason(a, ReasonCode::kReplaceOnDemand), nullptr);
    EXPECT_THAT(FindReason(a, ReasonCode::kReplaceOnDemand)->text.ToString(),
                HasSubstr("boots"));
  }

  // Before its billing point (the policy's partial_hour_limit, 20 min into
  // the hour) it serves until its replacement joins.
  input.fleet.instances[0].launch_time = T0() - absl::Minutes(10);
  const Plan mid_hour = Decide(p, input);
  EXPECT_FALSE(Ends(mid_hour, "od-1"));
  EXPECT_EQ(CountKind(mid_hour, ActionKind::kPostponeTermination), 0);
}

TEST(Bridge, NoneInOnDemandSupplyMode) {
  Policy p = BridgePolicy(BridgeMode::kAll);
  p.fallback.enabled = true;
  EvaluationInput input = Using(32, 0);
  input.markets = {testing::Market(0.9)};  // spot above on-demand
  input.state.supply_mode = SupplyMode::kOnDemand;
  input.state.fallback_reason = "spot above on-demand";
  const Plan plan = Decide(p, input);
  const Action* launch = FindKind(plan, ActionKind::kLaunchOnDemand);
  ASSERT_NE(launch, nullptr);
  EXPECT_EQ(FindReason(*launch, ReasonCode::kBridge), nullptr);
  EXPECT_NE(FindReason(*launch, ReasonCode::kFallbackToOnDemand), nullptr);
}

TEST(BridgePolicy, ReadRoundTrippedAndOffByDefault) {
  absl::StatusOr<Policy> off = testing::ParseMinimalPolicyWith("");
  ASSERT_THAT(off, IsOk());
  EXPECT_EQ(off->scaling.bridge, BridgeMode::kOff);
  EXPECT_TRUE(internal::PolicyToProto(*off).scaling().bridge().empty());

  absl::StatusOr<Policy> on =
      testing::ParseMinimalPolicyWith("scaling: {bridge: shortfall}\n");
  ASSERT_THAT(on, IsOk());
  EXPECT_EQ(on->scaling.bridge, BridgeMode::kShortfall);
  absl::StatusOr<Policy> back =
      internal::PolicyFromProto(internal::PolicyToProto(*on));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->scaling.bridge, BridgeMode::kShortfall);
}

TEST(BridgePolicy, AnUnknownModeNamesTheKey) {
  EXPECT_THAT(testing::ParseMinimalPolicyWith("scaling: {bridge: sometimes}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling.bridge: unknown mode \"sometimes\" "
                                 "(allowed: off, all, shortfall)")));
}

}  // namespace
}  // namespace spotburst
