// The engine state of lag-aware scaling (learned lags, demand history)
// through proto and JSON, read by the fast JSON reader as by protobuf, and
// refused with the field's path when wrong.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/internal/json_lines.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/wire_format.h"
#include "testing/state_round_trip.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;

absl::Time T(int64_t seconds) {
  return absl::FromUnixSeconds(1600000000 + seconds);
}

EngineState Learned() {
  EngineState s;
  s.fulfilment_lag = {
      .mean = absl::Seconds(412.5), .samples = 7, .learned_until = T(-600)};
  s.boot_lag = {
      .mean = absl::Seconds(250), .samples = 20, .learned_until = T(-300)};
  s.demand_history = {
      {.time = T(-600), .demand = {.cpus = 40, .mem_mib = 81920}},
      {.time = T(-300), .demand = {.cpus = 44.5, .mem_mib = 90000, .gpus = 1}}};
  return s;
}

TEST(ForecastState, RoundTripsThroughProto) {
  const EngineState s = Learned();
  absl::StatusOr<EngineState> back = internal::FromProto(internal::ToProto(s));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, s);
}

TEST(ForecastState, RoundTripsThroughJsonAndTheFastReaderTakesIt) {
  const std::string json = testing::ExpectStateRoundTrips(Learned(), T(0));
  EXPECT_THAT(json, HasSubstr("\"demand_history\""));
  EXPECT_THAT(json, HasSubstr("\"fulfilment_lag\""));
  v1::EvaluationState fast;
  ASSERT_TRUE(internal::ReadStateJsonFast(json, &fast));
  EXPECT_EQ(fast.engine().demand_history_size(), 2);
}

TEST(ForecastState, AStateWithoutItReadsAsNeverLearned) {
  EvaluationInput input;
  const std::string json = StateToJson(input, T(0));
  EXPECT_THAT(json, ::testing::Not(HasSubstr("fulfilment_lag")));
  absl::StatusOr<StateWithTime> back = ParseStateJson(json);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->input.state.boot_lag, LagEstimate{});
  EXPECT_TRUE(back->input.state.demand_history.empty());
}

TEST(ForecastState, BadValuesNameTheirPath) {
  const std::string now = R"("now": "2020-09-13T12:26:40Z")";
  EXPECT_THAT(
      ParseStateJson("{" + now +
                     R"(, "engine": {"boot_lag": {"mean_s": -3}}})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("engine.boot_lag.mean_s: -3 is out of range")));
  EXPECT_THAT(
      ParseStateJson("{" + now +
                     R"(, "engine": {"fulfilment_lag": {"samples": -1}}})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("engine.fulfilment_lag.samples: -1 must be >= 0")));
  EXPECT_THAT(ParseStateJson("{" + now + R"(, "engine": {"demand_history": [
          {"time": "2020-09-13T12:20:00Z", "demand": {"cpus": 4}},
          {"time": "2020-09-13T12:15:00Z", "demand": {"cpus": 5}}]}})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("engine.demand_history[1].time: not after the "
                                 "sample before it")));
  EXPECT_THAT(
      ParseStateJson("{" + now + R"(, "engine": {"demand_history": [
          {"time": "2020-09-13T12:20:00Z", "demand": {"cpus": -4}}]}})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("engine.demand_history[0].demand.cpus: -4 must be "
                         ">= 0")));
  EXPECT_THAT(ParseStateJson("{" + now + R"(, "engine": {"demand_history": [
          {"demand": {"cpus": 4}}]}})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("engine.demand_history[0].time: required")));
}

}  // namespace
}  // namespace spotburst
