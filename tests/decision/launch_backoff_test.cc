// Capacity and quota failures: the engine leaves the refused market or
// lifecycle alone for a growing backoff, launches elsewhere or on-demand in
// the same evaluation, and names every active backoff in the plan.
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/launch_failure.h"
#include "testing/engine_fixtures.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::CountKind;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::T0;
using ::spotburst::testing::UsingCpus;
using ::testing::HasSubstr;
using ::testing::SizeIs;

MarketView Zone(const std::string& zone, double current,
                absl::Time as_of = T0()) {
  MarketView view = testing::Market(current, -1, -1, -1, as_of);
  view.market.availability_zone = zone;
  return view;
}

LaunchFailure CapacityFailure(const std::string& zone, absl::Time time,
                              Lifecycle lifecycle = Lifecycle::kSpot) {
  return {.market = {.instance_type = "c4.large", .availability_zone = zone},
          .lifecycle = lifecycle,
          .cause = FailureCause::kCapacity,
          .time = time,
          .code = "InsufficientInstanceCapacity"};
}

std::vector<Reason> BackoffNotes(const Plan& plan) {
  std::vector<Reason> out;
  for (const Reason& note : plan.notes) {
    if (note.code == ReasonCode::kLaunchBackoff) out.push_back(note);
  }
  return out;
}

const Action* Launch(const Plan& plan) {
  for (const Action& a : plan.actions) {
    if (a.kind == ActionKind::kRequestSpot ||
        a.kind == ActionKind::kLaunchOnDemand) {
      return &a;
    }
  }
  return nullptr;
}

// Fallback on, and a bid (0.037) well under on-demand (0.1), so that only
// a backoff can send launches to on-demand.
Policy FallbackPolicy() {
  Policy policy = PrototypePolicy();
  policy.fallback.enabled = true;
  policy.bidding.padding_usd = 0.01;
  return policy;
}

class LaunchBackoffTest : public ::testing::Test {
 protected:
  // Usage 34 of 40 CPUs: one instance to add.
  absl::StatusOr<Evaluation> Evaluate(const Policy& policy,
                                      std::vector<MarketView> markets,
                                      std::vector<LaunchFailure> failures,
                                      absl::Time now = T0(),
                                      EngineState state = {}) {
    absl::StatusOr<Engine> engine = Engine::Create(policy);
    if (!engine.ok()) return engine.status();
    return engine->Evaluate({.cluster = UsingCpus(34),
                             .markets = std::move(markets),
                             .state = std::move(state),
                             .launch_failures = std::move(failures)},
                            now);
  }
};

TEST_F(LaunchBackoffTest, CapacityFailureInTheOnlyZoneFallsBackAtOnce) {
  Policy policy = FallbackPolicy();
  absl::StatusOr<Evaluation> e =
      Evaluate(policy, {Zone("us-east-1a", 0.027)},
               {CapacityFailure("us-east-1a", T0() - absl::Seconds(1))});
  ASSERT_THAT(e, IsOk());
  const Action* launch = Launch(e->plan);
  ASSERT_NE(launch, nullptr);
  EXPECT_EQ(launch->kind, ActionKind::kLaunchOnDemand);
  EXPECT_EQ(launch->availability_zone, "us-east-1a");
  EXPECT_EQ(e->plan.supply_mode, SupplyMode::kOnDemand);
  EXPECT_THAT(e->state.fallback_reason,
              HasSubstr("spot capacity short in c4.large/us-east-1a"));
  EXPECT_TRUE(e->state.fallback_for_capacity);
  ASSERT_THAT(e->state.backoffs, SizeIs(1));
  EXPECT_EQ(e->state.backoffs[0].failures, 1);
  EXPECT_EQ(e->state.backoffs[0].until,
            T0() - absl::Seconds(1) + policy.requests.launch_backoff);
  ASSERT_THAT(BackoffNotes(e->plan), SizeIs(1));
  EXPECT_THAT(BackoffNotes(e->plan)[0].message(),
              HasSubstr("(InsufficientInstanceCapacity, 1 failure(s) in a "
                        "row): left alone until"));
}

TEST_F(LaunchBackoffTest, CapacityFailureMovesSpotToAnotherZone) {
  Policy policy = PrototypePolicy();
  policy.instance.availability_zone.clear();
  // 1a is cheaper, but the cloud just refused it.
  absl::StatusOr<Evaluation> e =
      Evaluate(policy, {Zone("us-east-1a", 0.020), Zone("us-east-1b", 0.030)},
               {CapacityFailure("us-east-1a", T0())});
  ASSERT_THAT(e, IsOk());
  const Action* launch = Launch(e->plan);
  ASSERT_NE(launch, nullptr);
  EXPECT_EQ(launch->kind, ActionKind::kRequestSpot);
  EXPECT_EQ(launch->availability_zone, "us-east-1b");
  EXPECT_EQ(e->plan.market.availability_zone, "us-east-1b");
  EXPECT_EQ(e->plan.supply_mode, SupplyMode::kSpot);
}

TEST_F(LaunchBackoffTest, WithoutFallbackSpotIsHeldBackAndSaysWhy) {
  absl::StatusOr<Evaluation> e =
      Evaluate(PrototypePolicy(), {Zone("us-east-1a", 0.027)},
               {CapacityFailure("us-east-1a", T0())});
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(Launch(e->plan), nullptr);
  EXPECT_EQ(e->plan.supply_mode, SupplyMode::kSpot);
  EXPECT_THAT(PlanToText(e->plan),
              HasSubstr("1 spot launch(es) held back: spot capacity short in "
                        "c4.large/us-east-1a/Linux/UNIX"));
}

TEST_F(LaunchBackoffTest, SpotReturnsToTheZoneWhenTheBackoffEnds) {
  Policy policy = PrototypePolicy();
  absl::StatusOr<Evaluation> first =
      Evaluate(policy, {Zone("us-east-1a", 0.027)},
               {CapacityFailure("us-east-1a", T0())});
  ASSERT_THAT(first, IsOk());
  const absl::Time later = T0() + policy.requests.launch_backoff;
  absl::StatusOr<Evaluation> second = Evaluate(
      policy, {Zone("us-east-1a", 0.027, later)}, {}, later, first->state);
  ASSERT_THAT(second, IsOk());
  const Action* launch = Launch(second->plan);
  ASSERT_NE(launch, nullptr);
  EXPECT_EQ(launch->kind, ActionKind::kRequestSpot);
  EXPECT_THAT(BackoffNotes(second->plan), SizeIs(0));
  // Remembered (a failure now would double the backoff) until quiet for
  // launch_backoff_max.
  EXPECT_THAT(second->state.backoffs, SizeIs(1));
  const absl::Time quiet = later + policy.requests.launch_backoff_max;
  absl::StatusOr<Evaluation> third = Evaluate(
      policy, {Zone("us-east-1a", 0.027, quiet)}, {}, quiet, second->state);
  ASSERT_THAT(third, IsOk());
  EXPECT_THAT(third->state.backoffs, SizeIs(0));
}

TEST_F(LaunchBackoffTest, FailuresInARowDoubleTheBackoffUpToTheMaximum) {
  Policy policy = PrototypePolicy();
  policy.requests.launch_backoff = absl::Minutes(5);
  policy.requests.launch_backoff_max = absl::Minutes(15);
  EngineState state;
  absl::Time t = T0();
  const absl::Duration expected[] = {absl::Minutes(5), absl::Minutes(10),
                                     absl::Minutes(15), absl::Minutes(15)};
  for (absl::Duration length : expected) {
    absl::StatusOr<Evaluation> e =
        Evaluate(policy, {Zone("us-east-1a", 0.027, t)},
                 {CapacityFailure("us-east-1a", t)}, t, state);
    ASSERT_THAT(e, IsOk());
    ASSERT_THAT(e->state.backoffs, SizeIs(1));
    EXPECT_EQ(e->state.backoffs[0].until - t, length);
    state = e->state;
    t = state.backoffs[0].until;
  }
  EXPECT_EQ(state.backoffs[0].failures, 4);
}

TEST_F(LaunchBackoffTest, AFailureFedBackTwiceCountsOnce) {
  const LaunchFailure failure = CapacityFailure("us-east-1a", T0());
  absl::StatusOr<Evaluation> first =
      Evaluate(PrototypePolicy(), {Zone("us-east-1a", 0.027)}, {failure});
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<Evaluation> again =
      Evaluate(PrototypePolicy(), {Zone("us-east-1a", 0.027)}, {failure}, T0(),
               first->state);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->state.backoffs, first->state.backoffs);
}

TEST_F(LaunchBackoffTest, SpotQuotaBlocksEveryZone) {
  Policy policy = FallbackPolicy();
  policy.instance.availability_zone.clear();
  LaunchFailure quota = CapacityFailure("us-east-1a", T0());
  quota.cause = FailureCause::kQuota;
  quota.code = "MaxSpotInstanceCountExceeded";
  absl::StatusOr<Evaluation> e = Evaluate(
      policy, {Zone("us-east-1a", 0.020), Zone("us-east-1b", 0.030)}, {quota});
  ASSERT_THAT(e, IsOk());
  const Action* launch = Launch(e->plan);
  ASSERT_NE(launch, nullptr);
  EXPECT_EQ(launch->kind, ActionKind::kLaunchOnDemand);
  EXPECT_THAT(PlanToText(e->plan),
              HasSubstr("spot quota reached: no launches in any market "
                        "(MaxSpotInstanceCountExceeded"));
}

TEST_F(LaunchBackoffTest, OnDemandCapacityFailureMovesOnDemandToAnotherZone) {
  Policy policy = PrototypePolicy();
  policy.instance.availability_zone.clear();
  policy.fallback.on_demand_only = true;
  absl::StatusOr<Evaluation> e =
      Evaluate(policy, {Zone("us-east-1a", 0.020), Zone("us-east-1b", 0.030)},
               {CapacityFailure("us-east-1a", T0(), Lifecycle::kOnDemand)});
  ASSERT_THAT(e, IsOk());
  const Action* launch = Launch(e->plan);
  ASSERT_NE(launch, nullptr);
  EXPECT_EQ(launch->kind, ActionKind::kLaunchOnDemand);
  EXPECT_EQ(launch->availability_zone, "us-east-1b");
}

TEST_F(LaunchBackoffTest, OnDemandQuotaHoldsBackOnDemandLaunches) {
  Policy policy = PrototypePolicy();
  policy.fallback.on_demand_only = true;
  LaunchFailure quota =
      CapacityFailure("us-east-1a", T0(), Lifecycle::kOnDemand);
  quota.cause = FailureCause::kQuota;
  quota.code = "VcpuLimitExceeded";
  absl::StatusOr<Evaluation> e =
      Evaluate(policy, {Zone("us-east-1a", 0.027)}, {quota});
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(CountKind(e->plan, ActionKind::kLaunchOnDemand), 0);
  EXPECT_THAT(PlanToText(e->plan),
              HasSubstr("1 on-demand launch(es) held back: on-demand quota "
                        "reached"));
}

TEST_F(LaunchBackoffTest, ARefusedScaleUpStartsNoCooldown) {
  Policy policy = FallbackPolicy();
  policy.scaling.scale_up_cooldown = absl::Minutes(10);
  // The scale-up of this very tick was refused.
  EngineState state;
  state.last_scale_up = T0();
  absl::StatusOr<Evaluation> e =
      Evaluate(policy, {Zone("us-east-1a", 0.027)},
               {CapacityFailure("us-east-1a", T0())}, T0(), state);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(CountKind(e->plan, ActionKind::kLaunchOnDemand), 1);
  EXPECT_EQ(e->state.last_scale_up, T0());
}

TEST_F(LaunchBackoffTest, RefusesFailuresFromTheFutureOrWithoutABlockingCause) {
  absl::StatusOr<Evaluation> future =
      Evaluate(PrototypePolicy(), {Zone("us-east-1a", 0.027)},
               {CapacityFailure("us-east-1a", T0() + absl::Seconds(1))});
  EXPECT_EQ(future.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(future.status().message(), HasSubstr("launch_failures[0].time"));
  LaunchFailure throttled = CapacityFailure("us-east-1a", T0());
  throttled.cause = FailureCause::kThrottled;
  absl::StatusOr<Evaluation> wrong_cause =
      Evaluate(PrototypePolicy(), {Zone("us-east-1a", 0.027)}, {throttled});
  EXPECT_EQ(wrong_cause.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      wrong_cause.status().message(),
      HasSubstr("launch_failures[0].cause: throttled blocks no launch"));
}

TEST(FailureCauseTest, TravelsWithTheStatusAndItsProviderCode) {
  const absl::Status status =
      WithFailureCause(absl::ResourceExhaustedError("RunInstances refused"),
                       FailureCause::kCapacity, "InsufficientInstanceCapacity");
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "RunInstances refused");
  EXPECT_EQ(FailureCauseOf(status), FailureCause::kCapacity);
  EXPECT_EQ(ProviderCodeOf(status), "InsufficientInstanceCapacity");
  EXPECT_TRUE(BlocksLaunches(FailureCauseOf(status)));
  EXPECT_EQ(FailureCauseOf(absl::UnavailableError("x")),
            FailureCause::kUnknown);
  EXPECT_FALSE(BlocksLaunches(FailureCause::kThrottled));
  EXPECT_TRUE(WithFailureCause(absl::OkStatus(), FailureCause::kQuota).ok());
}

}  // namespace
}  // namespace spotburst
