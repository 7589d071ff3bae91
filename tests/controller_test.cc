// Controller: gather -> evaluate -> apply, and its safety rules under faults.
#include "spotburst/controller.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/controller_fakes.h"
#include "testing/engine_fixtures.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::CountKind;
using ::spotburst::testing::FakeClock;
using ::spotburst::testing::FakeInstances;
using ::spotburst::testing::FakeMetrics;
using ::spotburst::testing::FakePrices;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::OpenRequest;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::T0;
using ::spotburst::testing::UsingCpus;

class ControllerTest : public ::testing::Test {
 protected:
  ControllerTest() : engine_(*Engine::Create(PrototypePolicy())) {}
  Controller Make(ControllerOptions options = {}) {
    return Controller(engine_, metrics_, prices_, instances_, clock_,
                      std::move(options));
  }
  Engine engine_;
  FakeClock clock_;
  FakeMetrics metrics_;
  FakePrices prices_;
  FakeInstances instances_;
};

TEST_F(ControllerTest, AppliesTheSpotRequestWithItsToken) {
  Controller controller = Make();
  TickReport report = controller.Tick();
  ASSERT_THAT(report.status, IsOk());
  ASSERT_EQ(instances_.spot.size(), 1u);
  EXPECT_DOUBLE_EQ(instances_.spot[0].bid_usd_per_hour, 0.127);
  EXPECT_EQ(instances_.spot[0].idempotency_token,
            report.plan->actions.back().idempotency_token);
  EXPECT_EQ(report.applied, 1);
}

TEST_F(ControllerTest, FailedMetricsReadTakesNoAction) {
  instances_.fleet.instances = {SpotInstance("i-1", T0() - absl::Minutes(50))};
  metrics_.fail = absl::UnavailableError("mesos: connection refused");
  Controller controller = Make();
  TickReport report = controller.Tick();
  EXPECT_EQ(report.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(report.plan.has_value());
  EXPECT_EQ(instances_.Calls(), 0);
}

TEST_F(ControllerTest, FailedFleetOrPriceReadTakesNoAction) {
  instances_.fail_list = absl::UnavailableError("ec2: HTTP 503");
  Controller controller = Make();
  EXPECT_EQ(controller.Tick().status.code(), absl::StatusCode::kUnavailable);
  instances_.fail_list = absl::OkStatus();
  prices_.fail = absl::UnavailableError("ec2: throttled");
  EXPECT_EQ(controller.Tick().status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(instances_.Calls(), 0);
}

TEST_F(ControllerTest, FailedCancelSkipsLaunchesInTheSameTick) {
  metrics_.state = UsingCpus(36);
  instances_.fleet.requests = {
      OpenRequest("sir-old", T0() - absl::Minutes(15))};
  instances_.fail_cancel = absl::UnavailableError("ec2: HTTP 500");
  Controller controller = Make();
  TickReport report = controller.Tick();
  EXPECT_EQ(instances_.cancelled, std::vector<std::string>{"sir-old"});
  EXPECT_TRUE(instances_.spot.empty());
  EXPECT_EQ(report.launches_skipped, 2);
  EXPECT_EQ(report.apply_errors.size(), 1u);
}

// A report ticked into again reuses the last fleet's buffers but keeps
// nothing of the last tick: not its fleet, errors, counts or plan.
TEST_F(ControllerTest, ATickIntoAReportReplacesAllOfTheLastOne) {
  metrics_.state = UsingCpus(36);
  instances_.fleet.instances = {SpotInstance("i-1", T0() - absl::Minutes(50)),
                                SpotInstance("i-2", T0() - absl::Minutes(40))};
  instances_.fleet.requests = {
      OpenRequest("sir-old", T0() - absl::Minutes(15))};
  instances_.fail_cancel = absl::UnavailableError("ec2: HTTP 500");
  Controller controller = Make();
  TickReport report;
  controller.Tick(report);
  ASSERT_THAT(report.status, IsOk());
  ASSERT_EQ(report.apply_errors.size(), 1u);
  ASSERT_GT(report.launches_skipped, 0);

  instances_.fleet = {.instances = {SpotInstance("i-3", T0())}};
  instances_.fail_cancel = absl::OkStatus();
  clock_.now += absl::Minutes(1);
  controller.Tick(report);
  ASSERT_THAT(report.status, IsOk());
  EXPECT_EQ(report.time, clock_.now);
  ASSERT_EQ(report.input.fleet.instances.size(), 1u);
  EXPECT_EQ(report.input.fleet.instances[0].id, "i-3");
  EXPECT_TRUE(report.input.fleet.requests.empty());
  EXPECT_EQ(report.input.markets.size(), 1u);
  EXPECT_TRUE(report.apply_errors.empty());
  EXPECT_EQ(report.launches_skipped, 0);
  EXPECT_EQ(report.next_state, controller.engine_state());
  auto again = engine_.Evaluate(report.input, report.time);
  ASSERT_THAT(again, IsOk());
  ASSERT_TRUE(report.plan.has_value());
  EXPECT_EQ(PlanToText(again->plan), PlanToText(*report.plan));
  EXPECT_EQ(report.applied, static_cast<int>(report.plan->actions.size()));
}

TEST_F(ControllerTest, DryRunPlansButAppliesNothing) {
  Controller controller = Make({.dry_run = true});
  TickReport report = controller.Tick();
  ASSERT_TRUE(report.plan.has_value());
  EXPECT_FALSE(report.plan->actions.empty());
  EXPECT_EQ(instances_.Calls(), 0);
}

TEST_F(ControllerTest, PausedEvaluatesButAppliesNothing) {
  Controller controller = Make();
  controller.set_paused(true);
  TickReport report = controller.Tick();
  EXPECT_TRUE(report.paused);
  ASSERT_TRUE(report.plan.has_value());
  EXPECT_EQ(instances_.Calls(), 0);
  controller.set_paused(false);
  controller.Tick();
  EXPECT_EQ(instances_.spot.size(), 1u);
}

// A paused tick that would have scaled up starts no cooldown: resumed, the
// controller launches at once.
TEST_F(ControllerTest, APausedPlanStartsNoCooldown) {
  Policy policy = PrototypePolicy();
  policy.scaling.scale_up_cooldown = absl::Minutes(10);
  Engine engine = *Engine::Create(policy);
  Controller controller(engine, metrics_, prices_, instances_, clock_);
  controller.set_paused(true);
  TickReport paused = controller.Tick();
  ASSERT_TRUE(paused.plan.has_value());
  ASSERT_FALSE(paused.plan->actions.empty());
  EXPECT_EQ(paused.next_state.last_scale_up, absl::InfinitePast());
  controller.set_paused(false);
  clock_.now += absl::Minutes(1);
  controller.Tick();
  EXPECT_EQ(instances_.spot.size(), 1u);
}

TEST_F(ControllerTest, APausedPlanReplacesNoNotice) {
  Policy policy = PrototypePolicy();
  policy.scaling.scale_up_cooldown = absl::Minutes(10);
  Engine engine = *Engine::Create(policy);
  Controller controller(engine, metrics_, prices_, instances_, clock_);
  // 34 CPUs used on 40 + 2 x 2: one more, which starts the cooldown.
  instances_.fleet.instances = {SpotInstance("i-1", T0() - absl::Minutes(30)),
                                SpotInstance("i-3", T0() - absl::Minutes(30))};
  controller.Tick();
  ASSERT_EQ(instances_.spot.size(), 1u);
  // Within the cooldown, i-2 (the new one) is given notice while paused:
  // the plan replaces it, but nothing is applied.
  Instance noticed = SpotInstance("i-2", T0());
  noticed.interruption_notice = true;
  instances_.fleet.instances.insert(instances_.fleet.instances.begin() + 1,
                                    noticed);
  clock_.now += absl::Minutes(1);
  controller.set_paused(true);
  TickReport paused = controller.Tick();
  ASSERT_TRUE(paused.plan.has_value());
  EXPECT_EQ(CountKind(*paused.plan, ActionKind::kRequestSpot), 1);
  EXPECT_TRUE(paused.next_state.replaced_notices.empty());
  controller.set_paused(false);
  clock_.now += absl::Minutes(1);
  controller.Tick();
  EXPECT_EQ(instances_.spot.size(), 2u);
  EXPECT_THAT(controller.engine_state().replaced_notices,
              ::testing::ElementsAre("i-2"));
}

TEST_F(ControllerTest, ReportCarriesTheInputAndStatesForReplay) {
  Controller controller = Make();
  TickReport report = controller.Tick();
  EXPECT_DOUBLE_EQ(report.input.cluster.used.cpus, 34);
  ASSERT_EQ(report.input.markets.size(), 1u);
  EXPECT_EQ(report.input.state, EngineState{});
  EXPECT_EQ(report.next_state, controller.engine_state());
  auto again = engine_.Evaluate(report.input, report.time);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(PlanToText(again->plan), PlanToText(*report.plan));
}

TEST_F(ControllerTest, FetchesOnlyNewPricesAndKeepsEngineState) {
  Controller controller = Make();
  controller.Tick();
  clock_.now += absl::Minutes(1);
  prices_.points.push_back({T0() + absl::Seconds(30), 0.03});
  TickReport second = controller.Tick();
  ASSERT_EQ(prices_.froms.size(), 2u);
  EXPECT_EQ(prices_.froms[0], T0() - absl::Hours(24));
  EXPECT_EQ(prices_.froms[1], T0());
  EXPECT_DOUBLE_EQ(second.plan->current_price_usd, 0.03);
  EXPECT_EQ(controller.engine_state().last_scale_up, clock_.now);
}

TEST_F(ControllerTest, RunTicksEveryIntervalOnTheClock) {
  Controller controller = Make({.dry_run = true});
  std::vector<absl::Time> ticks;
  controller.AddObserver([&](const TickReport& r) { ticks.push_back(r.time); });
  int left = 3;
  controller.Run([&] { return left-- > 0; });
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(ticks[2] - ticks[0], absl::Minutes(2));
}

TEST_F(ControllerTest, CapacityFailureLaunchesOnDemandInTheSameTick) {
  Policy policy = PrototypePolicy();
  policy.fallback.enabled = true;
  policy.bidding.padding_usd = 0.01;  // a bid under on-demand: spot first
  Engine engine = *Engine::Create(policy);
  instances_.fail_spot = WithFailureCause(
      absl::ResourceExhaustedError("RunInstances: no capacity"),
      FailureCause::kCapacity, "InsufficientInstanceCapacity");
  Controller controller(engine, metrics_, prices_, instances_, clock_);
  std::vector<TickReport> seen;
  controller.AddObserver([&](const TickReport& r) { seen.push_back(r); });

  TickReport report = controller.Tick();
  ASSERT_THAT(report.status, IsOk());
  ASSERT_EQ(instances_.spot.size(), 1u);
  ASSERT_EQ(report.launch_failures.size(), 1u);
  EXPECT_EQ(report.launch_failures[0].code, "InsufficientInstanceCapacity");
  EXPECT_EQ(report.launch_failures[0].market.availability_zone, "us-east-1a");
  // The follow-up listed the fleet again and launched on-demand at once.
  ASSERT_EQ(report.follow_ups.size(), 1u);
  const TickReport& follow_up = report.follow_ups[0];
  EXPECT_TRUE(follow_up.follow_up);
  ASSERT_THAT(follow_up.status, IsOk());
  EXPECT_EQ(follow_up.input.launch_failures, report.launch_failures);
  ASSERT_EQ(instances_.on_demand.size(), 1u);
  EXPECT_EQ(follow_up.applied, 1);
  EXPECT_EQ(instances_.lists, 2);
  EXPECT_EQ(controller.engine_state().supply_mode, SupplyMode::kOnDemand);
  ASSERT_EQ(controller.engine_state().backoffs.size(), 1u);
  // Observers saw both evaluations, in order.
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen[0].follow_up);
  EXPECT_TRUE(seen[1].follow_up);

  // The next tick has nothing new to report to the engine.
  clock_.now += absl::Minutes(1);
  TickReport next = controller.Tick();
  EXPECT_TRUE(next.input.launch_failures.empty());
  EXPECT_TRUE(next.follow_ups.empty());
}

TEST_F(ControllerTest, FailureWithoutABlockingCauseHasNoFollowUp) {
  instances_.fail_spot = WithFailureCause(
      absl::UnavailableError("RunInstances: 503"), FailureCause::kThrottled);
  Controller controller = Make();
  TickReport report = controller.Tick();
  EXPECT_EQ(report.apply_errors.size(), 1u);
  EXPECT_TRUE(report.launch_failures.empty());
  EXPECT_TRUE(report.follow_ups.empty());
  EXPECT_EQ(instances_.lists, 1);
  EXPECT_TRUE(controller.engine_state().backoffs.empty());
}

TEST_F(ControllerTest, FailedListBeforeTheFollowUpLaunchesNothingMore) {
  Policy policy = PrototypePolicy();
  policy.fallback.enabled = true;
  policy.bidding.padding_usd = 0.01;  // a bid under on-demand: spot first
  Engine engine = *Engine::Create(policy);
  instances_.fail_spot = WithFailureCause(
      absl::ResourceExhaustedError("no capacity"), FailureCause::kCapacity);
  Controller controller(engine, metrics_, prices_, instances_, clock_);
  controller.AddObserver([&](const TickReport& r) {
    // The first apply is done: the fleet can no longer be read.
    if (!r.follow_up) instances_.fail_list = absl::UnavailableError("down");
  });
  TickReport report = controller.Tick();
  ASSERT_EQ(report.follow_ups.size(), 1u);
  EXPECT_EQ(report.follow_ups[0].status.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(instances_.on_demand.empty());
  // Unseen by any evaluation: the next one gets the failure.
  instances_.fail_list = absl::OkStatus();
  instances_.fail_spot = absl::OkStatus();
  clock_.now += absl::Minutes(1);
  TickReport next = controller.Tick();
  ASSERT_EQ(next.input.launch_failures.size(), 1u);
  ASSERT_THAT(next.status, IsOk());
  EXPECT_EQ(instances_.on_demand.size(), 1u);
}

}  // namespace
}  // namespace spotburst
