// Lag-aware scaling (scaling.forecast): lags learned from a fleet with
// known times (each instance once), the forecast from a trend and from the
// day before, act raising the count with its reasons in figures, record
// changing nothing but a note.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/wire_format.h"
#include "testing/engine_fixtures.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::FigureOf;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::T0;
using ::spotburst::testing::UsingCpus;
using ::testing::HasSubstr;

Policy ForecastPolicy(ForecastMode mode) {
  Policy p = PrototypePolicy();
  p.scaling.strategy = "target";
  p.scaling.max_instances = 50;
  p.scaling.forecast.mode = mode;
  p.scaling.forecast.headroom = 0;
  return p;
}

absl::StatusOr<Evaluation> Evaluate(const Policy& policy,
                                    const EvaluationInput& input,
                                    absl::Time now) {
  absl::StatusOr<Engine> engine = Engine::Create(policy);
  if (!engine.ok()) return engine.status();
  return engine->Evaluate(input, now);
}

EvaluationInput Input(double cpus, EngineState state = {}) {
  EvaluationInput input{.cluster = UsingCpus(cpus),
                        .markets = {testing::Market(0.027)},
                        .state = std::move(state)};
  return input;
}

// A spot instance launched by request `request`, made `fulfilment` before.
void AddFulfilled(EvaluationInput& input, const std::string& id,
                  absl::Time launched, absl::Duration fulfilment,
                  InstanceState state) {
  const std::string request = "sir-" + id;
  Instance instance = SpotInstance(id, launched);
  instance.spot_request_id = request;
  instance.state = state;
  input.fleet.instances.push_back(instance);
  SpotRequest r = testing::OpenRequest(request, launched - fulfilment);
  r.state = SpotRequestState::kActive;
  r.instance_id = id;
  input.fleet.requests.push_back(r);
}

const Reason* Note(const Plan& plan, ReasonCode code) {
  for (const Reason& r : plan.notes) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

// A state whose first evaluation with the forecast on was at T0-15m.
EngineState LearningSince15MinutesAgo() {
  EngineState state;
  state.boot_lag.learned_until = T0() - absl::Minutes(15);
  return state;
}

TEST(Forecast, LearnsEachLagOnceFromKnownTimes) {
  const Policy policy = ForecastPolicy(ForecastMode::kRecord);
  // i-1: requested at T0-20m, launched T0-12m (8 min), running by T0 (12).
  // i-2: requested T0-10m, launched T0-6m (4 min), still booting.
  EvaluationInput input = Input(30, LearningSince15MinutesAgo());
  AddFulfilled(input, "i-1", T0() - absl::Minutes(12), absl::Minutes(8),
               InstanceState::kRunning);
  AddFulfilled(input, "i-2", T0() - absl::Minutes(6), absl::Minutes(4),
               InstanceState::kPending);
  absl::StatusOr<Evaluation> first = Evaluate(policy, input, T0());
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->state.fulfilment_lag.samples, 2);
  EXPECT_EQ(first->state.fulfilment_lag.mean, absl::Minutes(6));
  EXPECT_EQ(first->state.fulfilment_lag.learned_until, T0() - absl::Minutes(6));
  EXPECT_EQ(first->state.boot_lag.samples, 1);
  EXPECT_EQ(first->state.boot_lag.mean, absl::Minutes(12));

  // A minute on, the same fleet teaches nothing new: no lag counts twice.
  input.state = first->state;
  absl::StatusOr<Evaluation> again =
      Evaluate(policy, input, T0() + absl::Minutes(1));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->state.fulfilment_lag, first->state.fulfilment_lag);
  EXPECT_EQ(again->state.boot_lag, first->state.boot_lag);

  // i-2 runs at T0+2m: 8 min after its launch, learned once.
  input.state = again->state;
  input.fleet.instances[1].state = InstanceState::kRunning;
  absl::StatusOr<Evaluation> joined =
      Evaluate(policy, input, T0() + absl::Minutes(2));
  ASSERT_THAT(joined, IsOk());
  EXPECT_EQ(joined->state.boot_lag.samples, 2);
  EXPECT_EQ(joined->state.boot_lag.mean, absl::Minutes(10));
  EXPECT_EQ(joined->state.fulfilment_lag, first->state.fulfilment_lag);
}

TEST(Forecast, BootIsLearnedWhenTheAgentJoinsWhenTheClusterReportsAgents) {
  const Policy policy = ForecastPolicy(ForecastMode::kRecord);
  EvaluationInput input = Input(30, LearningSince15MinutesAgo());
  // Running to the cloud, but its agent has not joined: not booted yet.
  AddFulfilled(input, "i-1", T0() - absl::Minutes(9), absl::Minutes(3),
               InstanceState::kRunning);
  input.cluster.reports_agents = true;
  absl::StatusOr<Evaluation> before = Evaluate(policy, input, T0());
  ASSERT_THAT(before, IsOk());
  EXPECT_EQ(before->state.boot_lag.samples, 0);

  input.state = before->state;
  input.cluster.burst_agents.push_back(
      {.instance_id = "i-1", .agent_id = "a-1"});
  absl::StatusOr<Evaluation> after =
      Evaluate(policy, input, T0() + absl::Minutes(1));
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->state.boot_lag.samples, 1);
  EXPECT_EQ(after->state.boot_lag.mean, absl::Minutes(10));
}

TEST(Forecast, AnInstanceThereBeforeLearningBeganTeachesNoBoot) {
  // Its join may lie long before this first evaluation: only its request
  // (made and fulfilled at known times) is learned.
  EvaluationInput input = Input(30);
  AddFulfilled(input, "i-1", T0() - absl::Hours(30), absl::Minutes(7),
               InstanceState::kRunning);
  absl::StatusOr<Evaluation> e =
      Evaluate(ForecastPolicy(ForecastMode::kRecord), input, T0());
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->state.boot_lag.samples, 0);
  EXPECT_EQ(e->state.boot_lag.learned_until, T0());
  EXPECT_EQ(e->state.fulfilment_lag.samples, 1);
  EXPECT_EQ(e->state.fulfilment_lag.mean, absl::Minutes(7));
}

// Demand rising 4 CPUs every 5 minutes: 40, 44, 48 and 52 now.
EngineState Rising() {
  EngineState state;
  for (int k = 3; k >= 1; --k) {
    state.demand_history.push_back(
        {.time = T0() - k * absl::Minutes(5),
         .demand = {.cpus = 52.0 - 4 * k, .mem_mib = 2048}});
  }
  return state;
}

TEST(Forecast, ActCoversTheTrendOverTheLagAndSaysWhyInFigures) {
  // No lag learned yet: the initial 10 min, plus the 1 min interval.
  absl::StatusOr<Evaluation> e =
      Evaluate(ForecastPolicy(ForecastMode::kAct), Input(52, Rising()), T0());
  ASSERT_THAT(e, IsOk());
  // 52 CPUs rising 4 per 5 min: 52 + 8.8 over 11 min = 60.8; under 0.75 of
  // 40 + 2n takes n = 21. The target strategy alone wants 15 for 52.
  EXPECT_EQ(e->plan.desired, 21);
  EXPECT_EQ(testing::CountKind(e->plan, ActionKind::kRequestSpot), 21);
  const Reason& why = e->plan.actions.back().reasons.front();
  EXPECT_EQ(why.code, ReasonCode::kScaleUp);
  EXPECT_DOUBLE_EQ(FigureOf(why, "horizon_s"), 660);
  EXPECT_NEAR(FigureOf(why, "forecast_cpus"), 60.8, 1e-9);
  EXPECT_EQ(FigureOf(why, "strategy_desired"), 15);
  EXPECT_THAT(why.message(), HasSubstr("forecast: demand over the next 11m"));
  EXPECT_THAT(why.message(), HasSubstr("(the strategy alone: 15) -> +21"));
}

TEST(Forecast, RecordChangesNothingButANoteWithTheCountItWouldHaveGiven) {
  Policy off = ForecastPolicy(ForecastMode::kOff);
  absl::StatusOr<Evaluation> plain = Evaluate(off, Input(52, Rising()), T0());
  absl::StatusOr<Evaluation> recorded = Evaluate(
      ForecastPolicy(ForecastMode::kRecord), Input(52, Rising()), T0());
  ASSERT_THAT(plain, IsOk());
  ASSERT_THAT(recorded, IsOk());
  EXPECT_EQ(recorded->plan.desired, plain->plan.desired);
  EXPECT_EQ(recorded->plan.desired, 15);
  ASSERT_EQ(recorded->plan.actions.size(), plain->plan.actions.size());
  for (size_t i = 0; i < plain->plan.actions.size(); ++i) {
    EXPECT_EQ(recorded->plan.actions[i].kind, plain->plan.actions[i].kind);
    EXPECT_EQ(recorded->plan.actions[i].count, plain->plan.actions[i].count);
  }
  ASSERT_EQ(recorded->plan.notes.size(), plain->plan.notes.size() + 1);
  const Reason* note = Note(recorded->plan, ReasonCode::kForecast);
  ASSERT_NE(note, nullptr);
  EXPECT_THAT(note->message(),
              HasSubstr("recorded only: demand over the next 11m"));
  EXPECT_THAT(note->message(),
              HasSubstr("the count would have been 21 instead of 15"));
  EXPECT_EQ(FigureOf(*note, "would_desire"), 21);
  EXPECT_NEAR(FigureOf(*note, "forecast_cpus"), 60.8, 1e-9);
  // Off keeps nothing in the state; record keeps the demand it saw.
  EXPECT_TRUE(plain->state.demand_history.empty());
  EXPECT_EQ(recorded->state.demand_history.size(), 4u);
}

// Flat 40 CPUs for over a day, except that yesterday, 5 minutes after this
// time of day, demand jumped to 60 for a quarter of an hour.
EngineState FlatWithYesterdaysJump(bool full_day) {
  EngineState state;
  const absl::Time from = full_day ? T0() - absl::Hours(24) - absl::Minutes(10)
                                   : T0() - absl::Hours(23);
  for (absl::Time t = from; t < T0(); t += absl::Minutes(5)) {
    const absl::Duration ago = T0() - t;
    const bool jump = ago <= absl::Hours(24) - absl::Minutes(5) &&
                      ago > absl::Hours(24) - absl::Minutes(20);
    state.demand_history.push_back(
        {.time = t, .demand = {.cpus = jump ? 60.0 : 40.0, .mem_mib = 2048}});
  }
  return state;
}

TEST(Forecast, ADayOfHistoryBringsYesterdaysRiseOverTheHorizon) {
  const Policy policy = ForecastPolicy(ForecastMode::kAct);
  absl::StatusOr<Evaluation> daily =
      Evaluate(policy, Input(40, FlatWithYesterdaysJump(true)), T0());
  ASSERT_THAT(daily, IsOk());
  // 40 now + yesterday's rise of 20 = 60 CPUs: 60 < 0.75 (40 + 2n) at 21.
  EXPECT_EQ(daily->plan.desired, 21);
  EXPECT_THAT(daily->plan.actions.back().reasons.front().message(),
              HasSubstr("60.0 by the day before"));

  // Less than a day kept: the flat trend alone, the target's 7 for 40.
  absl::StatusOr<Evaluation> no_day =
      Evaluate(policy, Input(40, FlatWithYesterdaysJump(false)), T0());
  ASSERT_THAT(no_day, IsOk());
  EXPECT_EQ(no_day->plan.desired, 7);
  const Reason* note = Note(no_day->plan, ReasonCode::kForecast);
  ASSERT_NE(note, nullptr);
  EXPECT_THAT(note->message(), HasSubstr("(no day of history yet)"));
}

TEST(Forecast, NeverBringsTheCountBelowWhatTheStrategyWants) {
  // Demand falling from 60 to 40 and 10 instances: the forecast sees no
  // rise, and the scale-in is the strategy's own (to the target's 7).
  EngineState falling;
  for (int k = 3; k >= 1; --k) {
    falling.demand_history.push_back(
        {.time = T0() - k * absl::Minutes(5),
         .demand = {.cpus = 40.0 + 5 * k, .mem_mib = 2048}});
  }
  Policy policy = ForecastPolicy(ForecastMode::kAct);
  policy.scaling.forecast.headroom = 0.5;  // 60 CPUs: 21 instances
  EvaluationInput input = Input(40, falling);
  for (int i = 0; i < 10; ++i) {
    input.fleet.instances.push_back(
        SpotInstance("i-" + std::to_string(i), T0() - absl::Minutes(55)));
  }
  absl::StatusOr<Evaluation> e = Evaluate(policy, input, T0());
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->plan.desired, 21);  // covers 40 x 1.5, no scale-in
  EXPECT_EQ(testing::CountKind(e->plan, ActionKind::kTerminateInstance), 0);

  policy.scaling.forecast.headroom = 0;
  e = Evaluate(policy, input, T0());
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->plan.desired, 7);
}

}  // namespace
}  // namespace spotburst
