// Tests of the JSON wire format of evaluation states: parsing, the checks
// every input goes through, and round trips. Plans: plan_wire_format_test.cc.
#include "spotburst/wire_format.h"

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/internal/state_proto.h"
#include "testing/status_matchers.h"
#include "testing/utc_time.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::spotburst::testing::Utc;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kState[] = R"json({
  "now": "2016-03-01T12:00:00Z",
  "cluster": {
    "used": {"cpus": 34, "mem_mib": 20480},
    "queued": {"cpus": 2.5},
    "baseline": {"cpus": 40, "mem_mib": 81920, "disk_mib": 0, "gpus": 0},
    "read_at": "2016-03-01T11:59:30Z"
  },
  "markets": [{
    "market": {"instance_type": "c4.large", "availability_zone": "us-east-1a"},
    "stats": {"min_usd": 0.02, "mean_usd": 0.031, "max_usd": 0.5,
              "current_usd": 0.025, "points": 12,
              "last_change": "2016-03-01T11:40:00Z",
              "as_of": "2016-03-01T12:00:00Z"},
    "on_demand_usd_per_hour": 0.105
  }],
  "fleet": {
    "instances": [{
      "id": "i-0abc", "instance_type": "c4.large",
      "availability_zone": "us-east-1a", "lifecycle": "LIFECYCLE_SPOT",
      "state": "INSTANCE_STATE_RUNNING",
      "launch_time": "2016-03-01T11:44:00.250Z",
      "max_price_usd_per_hour": 0.127, "spot_request_id": "sir-1"
    }, {
      "id": "i-0def", "instance_type": "c4.large",
      "lifecycle": "LIFECYCLE_ON_DEMAND", "state": "INSTANCE_STATE_PENDING",
      "launch_time": "2016-03-01T11:58:00Z", "max_price_usd_per_hour": 0.105
    }],
    "requests": [{
      "id": "sir-1", "state": "SPOT_REQUEST_STATE_ACTIVE",
      "status_code": "fulfilled", "create_time": "2016-03-01T11:43:00Z",
      "bid_usd_per_hour": 0.127, "instance_type": "c4.large",
      "availability_zone": "us-east-1a", "instance_id": "i-0abc",
      "client_token": "tok-1"
    }, {
      "id": "sir-2", "state": "SPOT_REQUEST_STATE_OPEN",
      "status_code": "pending-fulfillment",
      "create_time": "2016-03-01T11:55:00Z", "bid_usd_per_hour": 0.03,
      "instance_type": "c4.large", "replaces_instance_id": "i-0def"
    }]
  },
  "engine": {
    "last_scale_up": "2016-03-01T11:43:00Z",
    "supply_mode": "SUPPLY_MODE_ON_DEMAND",
    "supply_mode_since": "2016-03-01T11:50:00Z",
    "fallback_reason": "spot 0.6 > on-demand 0.105",
    "spot_healthy_since": "2016-03-01T11:56:00Z"
  }
})json";

TEST(ParseStateJson, ReadsEveryPart) {
  absl::StatusOr<StateWithTime> s = ParseStateJson(kState);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->now, Utc(2016, 3, 1, 12));
  const EvaluationInput& in = s->input;
  EXPECT_EQ(in.cluster.used, (Resources{.cpus = 34, .mem_mib = 20480}));
  EXPECT_EQ(in.cluster.queued.cpus, 2.5);
  EXPECT_EQ(in.cluster.read_at, Utc(2016, 3, 1, 11, 59, 30));

  ASSERT_EQ(in.markets.size(), 1u);
  EXPECT_EQ(in.markets[0].market.Name(), "c4.large/us-east-1a/Linux/UNIX");
  EXPECT_EQ(in.markets[0].stats.points, 12);
  EXPECT_EQ(in.markets[0].stats.mean_usd, 0.031);
  EXPECT_EQ(in.markets[0].stats.last_change, Utc(2016, 3, 1, 11, 40));
  EXPECT_EQ(in.markets[0].on_demand_usd_per_hour, 0.105);

  ASSERT_EQ(in.fleet.instances.size(), 2u);
  EXPECT_EQ(in.fleet.instances[0].launch_time,
            Utc(2016, 3, 1, 11, 44) + absl::Milliseconds(250));
  EXPECT_EQ(in.fleet.instances[1].lifecycle, Lifecycle::kOnDemand);
  EXPECT_EQ(in.fleet.instances[1].state, InstanceState::kPending);
  ASSERT_EQ(in.fleet.requests.size(), 2u);
  EXPECT_EQ(in.fleet.requests[0].state, SpotRequestState::kActive);
  EXPECT_EQ(in.fleet.requests[1].replaces_instance_id, "i-0def");

  EXPECT_EQ(in.state.last_scale_up, Utc(2016, 3, 1, 11, 43));
  EXPECT_EQ(in.state.supply_mode, SupplyMode::kOnDemand);
  EXPECT_EQ(in.state.spot_healthy_since, Utc(2016, 3, 1, 11, 56));
  // Unset times are each field's "never".
  EXPECT_EQ(in.state.last_scale_down, absl::InfinitePast());
  EXPECT_EQ(in.state.scale_in_wanted_since, absl::InfiniteFuture());
}

TEST(ParseStateJson, MinimalStateIsAFreshStart) {
  absl::StatusOr<StateWithTime> s =
      ParseStateJson(R"({"now": "2016-03-01T12:00:00Z"})");
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->input.state, EngineState());
  EXPECT_EQ(s->input.cluster.read_at, absl::InfinitePast());
  EXPECT_TRUE(s->input.markets.empty());
}

TEST(StateToJson, RoundTrips) {
  absl::StatusOr<StateWithTime> first = ParseStateJson(kState);
  ASSERT_THAT(first, IsOk());
  const std::string json = StateToJson(first->input, first->now);
  EXPECT_THAT(json, Not(HasSubstr("\n")));
  EXPECT_THAT(json, HasSubstr("\"max_price_usd_per_hour\":0.127"));
  absl::StatusOr<StateWithTime> second = ParseStateJson(json);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->now, first->now);
  EXPECT_EQ(second->input.state, first->input.state);
  EXPECT_EQ(second->input.cluster.used, first->input.cluster.used);
  EXPECT_EQ(second->input.fleet.instances[0].launch_time,
            first->input.fleet.instances[0].launch_time);
  EXPECT_EQ(StateToJson(second->input, second->now), json);
}

TEST(StateToJson, WritesNeverAsUnset) {
  EvaluationInput input;  // every time is "never"
  const std::string json = StateToJson(input, Utc(2016, 3, 1));
  EXPECT_THAT(json, Not(HasSubstr("scale_in_wanted_since")));
  EXPECT_THAT(json, Not(HasSubstr("read_at")));
  absl::StatusOr<StateWithTime> back = ParseStateJson(json);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->input.state, EngineState());
}

std::string WithNow(const std::string& rest) {
  return R"({"now": "2016-03-01T12:00:00Z", )" + rest + "}";
}

// A state and the error it must give.
struct Case {
  std::string json;
  std::string error;
};

TEST(ParseStateJson, NamesTheFieldOfABadValue) {
  const std::string kMarket = R"("market": {"instance_type": "c4.large"}, )";
  const Case cases[] = {
      {"{}", "now: required"},
      {R"({"cluster": {}})", "now: required"},
      {WithNow(R"("cluster": {"used": {"cpus": -1}})"),
       "cluster.used.cpus: -1 must be >= 0"},
      {WithNow(R"("cluster": {"queued": {"mem_mib": "NaN"}})"),
       "cluster.queued.mem_mib: nan must be a finite number"},
      {WithNow(R"("cluster": {"baseline": {"gpus": "Infinity"}})"),
       "cluster.baseline.gpus: inf must be a finite number"},
      {WithNow(R"("markets": [{)" + kMarket +
               R"("stats": {"current_usd": "NaN"}}])"),
       "markets[0].stats.current_usd: nan must be a finite number"},
      {WithNow(R"("markets": [{)" + kMarket + R"("stats": {}}, {)" + kMarket +
               R"("stats": {"max_usd": -0.5}}])"),
       "markets[1].stats.max_usd: -0.5 must be >= 0"},
      {WithNow(R"("markets": [{)" + kMarket + R"("stats": {"points": -2}}])"),
       "markets[0].stats.points: -2 must be >= 0"},
      {WithNow(R"("markets": [{)" + kMarket +
               R"("on_demand_usd_per_hour": -1}])"),
       "markets[0].on_demand_usd_per_hour: -1 must be >= 0"},
      {WithNow(R"("markets": [{"stats": {}}])"),
       "markets[0].market.instance_type: required"},
      {WithNow(R"("fleet": {"instances": [{"id": "a"}, {"id": "b"}, {}]})"),
       "fleet.instances[2].id: required"},
      {WithNow(
           R"("fleet": {"instances": [{"id": "a", "max_price_usd_per_hour": -3}]})"),
       "fleet.instances[0].max_price_usd_per_hour: -3 must be >= 0"},
      {WithNow(
           R"("fleet": {"requests": [{"id": "r", "bid_usd_per_hour": -0.1}]})"),
       "fleet.requests[0].bid_usd_per_hour: -0.1 must be >= 0"},
      {WithNow(R"("fleet": {"requests": [{"bid_usd_per_hour": 0.1}]})"),
       "fleet.requests[0].id: required"},
      {WithNow(R"("fleet": {"instances": [{"id": "a", "lifecycle": 7}]})"),
       "fleet.instances[0].lifecycle: unknown value 7"},
      {WithNow(R"("engine": {"supply_mode": 5})"),
       "engine.supply_mode: unknown value 5"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(
        ParseStateJson(c.json),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.error)))
        << c.json;
  }
}

TEST(ParseStateJson, AnOmittedRequiredEnumIsAnErrorNamingTheField) {
  const Case cases[] = {
      {WithNow(R"("fleet": {"instances": [{"id": "a",
           "state": "INSTANCE_STATE_RUNNING"}]})"),
       "fleet.instances[0].lifecycle: required, but missing or "
       "LIFECYCLE_UNSPECIFIED"},
      {WithNow(R"("fleet": {"instances": [{"id": "a",
           "lifecycle": "LIFECYCLE_SPOT",
           "state": "INSTANCE_STATE_UNSPECIFIED"}]})"),
       "fleet.instances[0].state: required, but missing or "
       "INSTANCE_STATE_UNSPECIFIED"},
      {WithNow(R"("fleet": {"requests": [{"id": "r"}]})"),
       "fleet.requests[0].state: required"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(
        ParseStateJson(c.json),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.error)))
        << c.json;
  }
  // An engine state without a supply mode is a fresh start, on spot.
  absl::StatusOr<StateWithTime> fresh =
      ParseStateJson(WithNow(R"("engine": {"last_scale_up": )"
                             R"("2016-03-01T11:00:00Z"})"));
  ASSERT_THAT(fresh, IsOk());
  EXPECT_EQ(fresh->input.state.supply_mode, SupplyMode::kSpot);
}

TEST(ParseStateJson, ReadsLaunchFailuresAndBackoffsAndRoundTripsThem) {
  const std::string json = WithNow(R"(
      "launch_failures": [{"market": {"instance_type": "c4.large",
                                       "availability_zone": "us-east-1a"},
                           "lifecycle": "LIFECYCLE_SPOT",
                           "cause": "FAILURE_CAUSE_CAPACITY",
                           "time": "2016-03-01T11:59:30Z",
                           "code": "InsufficientInstanceCapacity"}],
      "engine": {"backoffs": [{"market": {"instance_type": "c4.large"},
                               "lifecycle": "LIFECYCLE_ON_DEMAND",
                               "cause": "FAILURE_CAUSE_QUOTA",
                               "failures": 2,
                               "last_failure": "2016-03-01T11:50:00Z",
                               "until": "2016-03-01T12:00:00Z",
                               "code": "VcpuLimitExceeded"}]})");
  absl::StatusOr<StateWithTime> s = ParseStateJson(json);
  ASSERT_THAT(s, IsOk());
  ASSERT_EQ(s->input.launch_failures.size(), 1u);
  const LaunchFailure& f = s->input.launch_failures[0];
  EXPECT_EQ(f.market.availability_zone, "us-east-1a");
  EXPECT_EQ(f.lifecycle, Lifecycle::kSpot);
  EXPECT_EQ(f.cause, FailureCause::kCapacity);
  EXPECT_EQ(f.time, Utc(2016, 3, 1) + absl::Hours(12) - absl::Seconds(30));
  EXPECT_EQ(f.code, "InsufficientInstanceCapacity");
  ASSERT_EQ(s->input.state.backoffs.size(), 1u);
  const LaunchBackoff& b = s->input.state.backoffs[0];
  EXPECT_EQ(b.lifecycle, Lifecycle::kOnDemand);
  EXPECT_EQ(b.cause, FailureCause::kQuota);
  EXPECT_EQ(b.failures, 2);
  EXPECT_EQ(b.until, Utc(2016, 3, 1) + absl::Hours(12));
  absl::StatusOr<StateWithTime> back =
      ParseStateJson(StateToJson(s->input, s->now));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->input.launch_failures, s->input.launch_failures);
  EXPECT_EQ(back->input.state, s->input.state);
}

TEST(ParseStateJson, NamesTheFieldOfABadLaunchFailureOrBackoff) {
  const std::string kFailure =
      R"("market": {"instance_type": "c4.large"}, "lifecycle": "LIFECYCLE_SPOT", )";
  const Case cases[] = {
      {WithNow(R"("launch_failures": [{)" + kFailure +
               R"("time": "2016-03-01T11:00:00Z"}])"),
       "launch_failures[0].cause: required, but missing or "
       "FAILURE_CAUSE_UNSPECIFIED"},
      {WithNow(R"("launch_failures": [{)" + kFailure +
               R"("cause": "FAILURE_CAUSE_CAPACITY"}])"),
       "launch_failures[0].time: required"},
      {WithNow(R"("launch_failures": [{"lifecycle": "LIFECYCLE_SPOT",
           "cause": "FAILURE_CAUSE_CAPACITY", "time": "2016-03-01T11:00:00Z"}])"),
       "launch_failures[0].market.instance_type: required"},
      {WithNow(R"("engine": {"backoffs": [{)" + kFailure +
               R"("cause": "FAILURE_CAUSE_QUOTA", "failures": 0}]})"),
       "engine.backoffs[0].failures: 0 must be >= 1"},
      {WithNow(
           R"("engine": {"backoffs": [{"market": {"instance_type": "c4.large"},
           "cause": "FAILURE_CAUSE_QUOTA", "failures": 1}]})"),
       "engine.backoffs[0].lifecycle: required, but missing or "
       "LIFECYCLE_UNSPECIFIED"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(
        ParseStateJson(c.json),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.error)))
        << c.json;
  }
}

TEST(ParseStateJson, ReadsRawPricePointsAndNamesABadOne) {
  const std::string json = WithNow(
      R"("markets": [{"market": {"instance_type": "c4.large"},
          "price_history": [
            {"time": "2016-03-01T11:00:00Z", "usd_per_hour": 0.031},
            {"time": "2016-03-01T10:00:00Z", "usd_per_hour": 0.029}]}])");
  absl::StatusOr<StateWithTime> s = ParseStateJson(json);
  ASSERT_THAT(s, IsOk());
  ASSERT_EQ(s->input.markets.size(), 1u);
  ASSERT_EQ(s->input.markets[0].price_history.size(), 2u);
  EXPECT_EQ(s->input.markets[0].price_history[1].time, Utc(2016, 3, 1, 10));
  EXPECT_EQ(s->input.markets[0].price_history[1].usd_per_hour, 0.029);
  // Printed and read back unchanged.
  absl::StatusOr<StateWithTime> again =
      ParseStateJson(StateToJson(s->input, s->now));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(StateToJson(again->input, again->now),
            StateToJson(s->input, s->now));

  const Case cases[] = {
      {WithNow(R"("markets": [{"market": {"instance_type": "c4.large"},
          "price_history": [{"time": "2016-03-01T11:00:00Z",
                             "usd_per_hour": 0.03}, {"usd_per_hour": 0.03}]}])"),
       "markets[0].price_history[1].time: required"},
      {WithNow(R"("markets": [{"market": {"instance_type": "c4.large"},
          "price_history": [{"time": "2016-03-01T11:00:00Z",
                             "usd_per_hour": "NaN"}]}])"),
       "markets[0].price_history[0].usd_per_hour: nan must be a finite"},
      {WithNow(R"("markets": [{"market": {"instance_type": "c4.large"},
          "price_history": [{"time": "2016-03-01T11:00:00Z",
                             "usd_per_hour": 5000}]}])"),
       "markets[0].price_history[0].usd_per_hour: 5000 is above 1000"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(
        ParseStateJson(c.json),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.error)))
        << c.json;
  }
}

TEST(ParseStateJson, RejectsUnknownFieldsAndBadJson) {
  EXPECT_THAT(ParseStateJson(WithNow(R"("clustre": {})")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("state JSON"), HasSubstr("clustre"))));
  EXPECT_THAT(ParseStateJson(WithNow(R"("cluster": {"used": {"cores": 1}})")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cores")));
  EXPECT_THAT(
      ParseStateJson(R"({"now": "yesterday"})"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("state JSON")));
  EXPECT_THAT(
      ParseStateJson("{\"now\": "),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("state JSON")));
  EXPECT_THAT(
      ParseStateJson(WithNow(
          R"("fleet": {"instances": [{"id": "a", "lifecycle": "X"}]})")),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("X")));
}

TEST(ParseStateJson, RefusesIdsListedTwiceWithBothPaths) {
  EXPECT_THAT(
      ParseStateJson(WithNow(
          R"("fleet": {"instances": [{"id": "a"}, {"id": "b"}, {"id": "c"},)"
          R"( {"id": "b"}]})")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("fleet.instances[3].id: duplicate of "
                         "fleet.instances[1]")));
  EXPECT_THAT(
      ParseStateJson(WithNow(
          R"("fleet": {"requests": [{"id": "sir-1"}, {"id": "sir-1"}]})")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("fleet.requests[1].id: duplicate of "
                         "fleet.requests[0]")));
}

TEST(ParseStateJson, RefusesKeysGivenTwiceAndTrailingCommas) {
  // Protobuf alone would keep the last "cpus", or append both lists.
  EXPECT_THAT(
      ParseStateJson(
          WithNow(R"("cluster": {"used": {"cpus": 1, "cpus": 90}})")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("state JSON: cluster.used.cpus: duplicate key")));
  EXPECT_THAT(
      ParseStateJson(WithNow(R"("fleet": {"instances": [{"id": "a"}]},)"
                             R"( "fleet": {"instances": [{"id": "b"}]})")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("state JSON: fleet: duplicate key")));
  EXPECT_THAT(ParseStateJson(WithNow(
                  R"("fleet": {"instances": [{"id": "a", "id": "b"}]})")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("fleet.instances[0].id: duplicate key")));
  EXPECT_THAT(
      ParseStateJson(R"({"now": "2016-03-01T12:00:00Z",})"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("state JSON")));
  EXPECT_THAT(
      ParseStateJson(WithNow(R"("fleet": {"instances": [{"id": "a"},]})")),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("state JSON")));
  EXPECT_THAT(
      ParseStateJson(R"({"now": "2016-03-01T12:00:00Z"} {})"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("state JSON")));
  // The same key in different objects is fine.
  EXPECT_THAT(ParseStateJson(WithNow(R"("fleet": {"instances": [
                  {"id": "a", "lifecycle": "LIFECYCLE_SPOT",
                   "state": "INSTANCE_STATE_RUNNING"},
                  {"id": "b", "lifecycle": "LIFECYCLE_SPOT",
                   "state": "INSTANCE_STATE_RUNNING"}]})")),
              IsOk());
}

TEST(ParseStateJson, RefusesPricesNoMarketCharges) {
  const std::string kMarket = R"("market": {"instance_type": "c4.large"}, )";
  EXPECT_THAT(
      ParseStateJson(WithNow(R"("markets": [{)" + kMarket +
                             R"("stats": {"mean_usd": 1e20}}])")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("markets[0].stats.mean_usd: 1e+20 is above 1000 "
                         "USD/h")));
  EXPECT_THAT(ParseStateJson(WithNow(
                  R"("fleet": {"requests": [{"id": "r", "bid_usd_per_hour": )"
                  R"(1000.5}]})")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("fleet.requests[0].bid_usd_per_hour")));
  EXPECT_THAT(ParseStateJson(WithNow(R"("markets": [{)" + kMarket +
                                     R"("on_demand_usd_per_hour": 1000}])")),
              IsOk());
}

TEST(ParseStateJson, ErrorsQuoteAShortPrefixOfTheInputAtMost) {
  const std::string huge(1 << 20, 'x');
  for (const std::string& json :
       {"{\"now\": \"" + huge + "\"}", "{\"" + huge + "\": 1}",
        "{\"now\": tru" + huge + "}", "[" + huge}) {
    absl::StatusOr<StateWithTime> s = ParseStateJson(json);
    ASSERT_FALSE(s.ok());
    EXPECT_LT(s.status().message().size(), 600u) << s.status().message();
  }
}

// The gRPC sidecar hands over protos with any Timestamp values; the checks
// every input goes through refuse those out of range, naming the field.
TEST(ValidateEvaluationState, RefusesTimesOutsideTheTimestampRange) {
  v1::EvaluationState s;
  s.mutable_now()->set_seconds(1456833600);
  ASSERT_THAT(internal::ValidateEvaluationState(s), IsOk());

  v1::EvaluationState late = s;
  late.mutable_now()->set_seconds(253402300800);  // year 10000
  EXPECT_THAT(internal::ValidateEvaluationState(late),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("now: seconds 253402300800 is outside")));
  v1::EvaluationState early = s;
  early.mutable_cluster()->mutable_read_at()->set_seconds(-62135596801);
  EXPECT_THAT(internal::ValidateEvaluationState(early),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cluster.read_at: seconds")));
  v1::EvaluationState nanos = s;
  v1::Instance* instance = nanos.mutable_fleet()->add_instances();
  instance->set_id("i-1");
  instance->mutable_launch_time()->set_nanos(1000000000);
  EXPECT_THAT(internal::ValidateEvaluationState(nanos),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("fleet.instances[0].launch_time: nanos "
                                 "1000000000 is outside")));
  instance->mutable_launch_time()->set_nanos(-1);
  EXPECT_THAT(
      internal::ValidateEvaluationState(nanos),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nanos -1")));
  v1::EvaluationState engine = s;
  engine.mutable_engine()->mutable_spot_healthy_since()->set_seconds(int64_t{1}
                                                                     << 60);
  EXPECT_THAT(internal::ValidateEvaluationState(engine),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("engine.spot_healthy_since: seconds")));
  v1::EvaluationState market = s;
  market.add_markets()->mutable_market()->set_instance_type("c4.large");
  market.mutable_markets(0)->mutable_stats()->mutable_as_of()->set_nanos(-5);
  EXPECT_THAT(internal::ValidateEvaluationState(market),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("markets[0].stats.as_of: nanos -5")));
}

}  // namespace
}  // namespace spotburst
