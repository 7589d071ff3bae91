// instance.avoid_interruptions: the engine watches each zone's spot
// instance-hours and interruption notices, fading with age, and sends spot
// to the zone with the lowest rate (or expected cost) among those priced
// near the cheapest; what it saw lives in the state, through proto and JSON.
#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/policy.h"
#include "spotburst/wire_format.h"
#include "testing/engine_fixtures.h"
#include "testing/minimal_policy.h"
#include "testing/state_round_trip.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::StatusIs;
using ::spotburst::testing::T0;
using ::spotburst::testing::UsingCpus;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Policy Avoiding(absl::Duration window, double tolerance = 0.1,
                double cost_hours = 0) {
  Policy p = PrototypePolicy();
  p.scaling.strategy = "target";
  p.bidding.padding_usd = 0.01;
  p.instance.availability_zone = "";
  p.instance.avoid_interruptions = {
      .window = window, .price_tolerance = tolerance, .cost_hours = cost_hours};
  return p;
}

MarketView Zone(const std::string& zone, double current) {
  return testing::MarketOf("c4.large", zone, current);
}

Instance NoticedIn(const std::string& id, const std::string& zone) {
  Instance i = SpotInstance(id, T0() - absl::Minutes(30));
  i.availability_zone = zone;
  i.interruption_notice = true;
  i.interruption_time = T0() + absl::Minutes(2);
  return i;
}

MarketInterruption Seen(const std::string& zone, const std::string& id,
                        absl::Time noticed) {
  return {.market = {.instance_type = "c4.large", .availability_zone = zone},
          .instance_id = id,
          .noticed = noticed};
}

MarketExposure Watched(const std::string& zone, double hours, double notices) {
  return {.market = {.instance_type = "c4.large", .availability_zone = zone},
          .spot_hours = hours,
          .notices = notices};
}

// Demand for 3 burst instances, over zones a (cheapest), b (5 % dearer)
// and c (a third dearer), with what was seen of them as of now (T0).
EvaluationInput ThreeZones(std::vector<MarketExposure> watched) {
  EvaluationInput input{
      .cluster = UsingCpus(34),
      .markets = {Zone("us-east-1a", 0.030), Zone("us-east-1b", 0.0315),
                  Zone("us-east-1c", 0.040)}};
  input.state.exposures = std::move(watched);
  input.state.exposures_as_of = T0();
  return input;
}

// a: 2 notices in 20 h; b: none in 20 h; c (too dear): 1 in 10 h. The
// overall rate is 3 / 50 h, so a's is (2 + 0.6) / 30 h and b's 0.6 / 30 h.
EvaluationInput AInterruptedMore() {
  return ThreeZones({Watched("us-east-1a", 20, 2), Watched("us-east-1b", 20, 0),
                     Watched("us-east-1c", 10, 1)});
}

Evaluation Decide(const Policy& policy, const EvaluationInput& input,
                  absl::Time now = T0()) {
  return testing::EvaluateOrFail(policy, input, now);
}

std::vector<std::string> RequestZones(const Plan& plan) {
  std::vector<std::string> zones;
  for (const Action& a : plan.actions) {
    if (a.kind == ActionKind::kRequestSpot)
      zones.push_back(a.availability_zone);
  }
  return zones;
}

const Reason* Note(const Plan& plan, ReasonCode code) {
  for (const Reason& r : plan.notes) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

const MarketExposure* ExposureIn(const EngineState& state,
                                 const std::string& zone) {
  for (const MarketExposure& e : state.exposures) {
    if (e.market.availability_zone == zone) return &e;
  }
  return nullptr;
}

TEST(AvoidInterruptions, OffByDefaultTheCheapestZoneAndNothingLearned) {
  Policy p = Avoiding(absl::ZeroDuration());
  p.instance.avoid_interruptions = {};
  EvaluationInput input = AInterruptedMore();
  input.fleet.instances = {NoticedIn("i-1", "us-east-1a")};
  const Evaluation e = Decide(p, input);
  EXPECT_THAT(RequestZones(e.plan), ElementsAre("us-east-1a"));
  EXPECT_THAT(e.state.interruptions, IsEmpty());
  EXPECT_THAT(e.state.exposures, IsEmpty());
  EXPECT_EQ(e.state.exposures_as_of, absl::InfinitePast());
}

TEST(AvoidInterruptions, EachNoticeCountsOnceAndEachInstanceItsHours) {
  const Policy p = Avoiding(absl::Hours(6));
  EvaluationInput input = ThreeZones({});
  input.state.exposures_as_of = absl::InfinitePast();  // a fresh start
  Instance in_b = SpotInstance("i-2", T0() - absl::Minutes(30));
  in_b.availability_zone = "us-east-1b";
  input.fleet.instances = {NoticedIn("i-1", "us-east-1a"), in_b};
  const Evaluation first = Decide(p, input);
  EXPECT_THAT(first.state.interruptions,
              ElementsAre(Seen("us-east-1a", "i-1", T0())));
  // A fresh start has no time behind it: the notice, and no hours yet.
  EXPECT_THAT(first.state.exposures, ElementsAre(Watched("us-east-1a", 0, 1)));
  EXPECT_EQ(first.state.exposures_as_of, T0());

  // An hour later, still under notice: not counted again; both instances
  // ran the hour, one launched in c half an hour ago ran half of it, and
  // what was seen before faded by e^(-1/6).
  input.state = first.state;
  Instance in_c = SpotInstance("i-3", T0() + absl::Minutes(30));
  in_c.availability_zone = "us-east-1c";
  input.fleet.instances.push_back(in_c);
  const Evaluation second = Decide(p, input, T0() + absl::Hours(1));
  EXPECT_THAT(second.state.interruptions,
              ElementsAre(Seen("us-east-1a", "i-1", T0())));
  const double decay = std::exp(-1.0 / 6);
  const double hours = 6 * (1 - decay);  // an hour, faded within it
  const MarketExposure* a = ExposureIn(second.state, "us-east-1a");
  const MarketExposure* b = ExposureIn(second.state, "us-east-1b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_THAT(a->notices, DoubleNear(decay, 1e-12));
  EXPECT_THAT(a->spot_hours, DoubleNear(hours, 1e-12));
  EXPECT_THAT(b->notices, DoubleNear(0, 1e-12));
  EXPECT_THAT(b->spot_hours, DoubleNear(hours, 1e-12));
  const MarketExposure* c = ExposureIn(second.state, "us-east-1c");
  ASSERT_NE(c, nullptr);
  EXPECT_THAT(c->spot_hours, DoubleNear(6 * (1 - std::exp(-0.5 / 6)), 1e-12));
  EXPECT_EQ(second.state.exposures_as_of, T0() + absl::Hours(1));

  // Gone: the notice is no longer listed, its count stays in the market.
  input.state = second.state;
  input.fleet.instances = {in_b};
  const Evaluation third = Decide(p, input, T0() + absl::Hours(2));
  EXPECT_THAT(third.state.interruptions, IsEmpty());
  a = ExposureIn(third.state, "us-east-1a");
  ASSERT_NE(a, nullptr);
  EXPECT_THAT(a->notices, DoubleNear(decay * decay, 1e-12));
}

TEST(AvoidInterruptions, WhatWasSeenFadesWithAgeAndIsForgottenOnceFaded) {
  const Policy p = Avoiding(absl::Hours(6));
  EvaluationInput input = ThreeZones(
      {Watched("us-east-1a", 10, 2), Watched("us-east-1b", 0.002, 0.0015)});
  input.state.exposures_as_of = T0() - absl::Hours(6);
  const Evaluation e = Decide(p, input);
  // One window: both fade to 1/e; b falls below what is kept.
  EXPECT_THAT(e.state.exposures,
              ElementsAre(::testing::Field(
                  &MarketExposure::market,
                  ::testing::Field(&Market::availability_zone, "us-east-1a"))));
  EXPECT_THAT(e.state.exposures[0].spot_hours,
              DoubleNear(10 / std::exp(1.0), 1e-12));
  EXPECT_THAT(e.state.exposures[0].notices,
              DoubleNear(2 / std::exp(1.0), 1e-12));
}

TEST(AvoidInterruptions,
     SpotGoesToTheNearlyAsCheapZoneWithALowerRateAndSaysWhy) {
  const Evaluation e = Decide(Avoiding(absl::Hours(6)), AInterruptedMore());
  EXPECT_THAT(RequestZones(e.plan), ElementsAre("us-east-1b"));
  EXPECT_EQ(e.plan.market.availability_zone, "us-east-1b");
  EXPECT_EQ(e.plan.current_price_usd, 0.0315);
  const Reason* why = Note(e.plan, ReasonCode::kAvoidInterruptions);
  ASSERT_NE(why, nullptr);
  EXPECT_EQ(why->text.ToString(),
            "spot in us-east-1b, not the cheapest us-east-1a, within 10% of "
            "its price (rates fading over 6h): us-east-1b 0.0 notice(s) in "
            "20.0 h, rate 2.00 per 100 h, 0.0315 (+5.0%); us-east-1a 2.0 "
            "notice(s) in 20.0 h, rate 8.67 per 100 h, 0.0300 (the cheapest)");
  ASSERT_EQ(why->figures.size(), 6u);
  EXPECT_EQ(why->figures[0], (Figure{"notices", 0}));
  EXPECT_EQ(why->figures[1], (Figure{"cheapest_notices", 2}));
  EXPECT_EQ(why->figures[2].name, "rate");
  EXPECT_THAT(why->figures[2].value, DoubleNear(0.6 / 30, 1e-12));
  EXPECT_EQ(why->figures[3].name, "cheapest_rate");
  EXPECT_THAT(why->figures[3].value, DoubleNear(2.6 / 30, 1e-12));
  EXPECT_EQ(why->figures[4], (Figure{"current_usd", 0.0315}));
  EXPECT_EQ(why->figures[5].name, "price_gap");
  EXPECT_THAT(why->figures[5].value, DoubleNear(0.05, 1e-12));
}

TEST(AvoidInterruptions, AMarketWatchedLittleTakesTheFleetsOverallRate) {
  // a: 5 notices in 100 h, the overall rate. b, never tried, is assumed as
  // good as that, not better: spot stays in the cheaper a.
  EXPECT_THAT(RequestZones(Decide(Avoiding(absl::Hours(6)),
                                  ThreeZones({Watched("us-east-1a", 100, 5)}))
                               .plan),
              ElementsAre("us-east-1a"));
  // One notice in half an hour on b says little, yet more than nothing:
  // b's rate, (1 + 0.6) / 10.5 h, is above a's, (5 + 0.6) / 110 h.
  EXPECT_THAT(RequestZones(Decide(Avoiding(absl::Hours(6)),
                                  ThreeZones({Watched("us-east-1a", 100, 5),
                                              Watched("us-east-1b", 0.5, 1)}))
                               .plan),
              ElementsAre("us-east-1a"));
}

TEST(AvoidInterruptions, WithAPriceOnInterruptionsTheLowerExpectedCostWins) {
  // a: 0.0300 x (1 + 0.0867 h) ; b: 0.0315 x (1 + 0.02 h) per hour of price
  // an interruption costs. At 1 h b is cheaper (0.03213 < 0.03260); at
  // 0.1 h a is (0.03026 < 0.03156).
  const Evaluation costly =
      Decide(Avoiding(absl::Hours(6), 0.1, 1), AInterruptedMore());
  EXPECT_THAT(RequestZones(costly.plan), ElementsAre("us-east-1b"));
  const Reason* why = Note(costly.plan, ReasonCode::kAvoidInterruptions);
  ASSERT_NE(why, nullptr);
  EXPECT_THAT(why->text.ToString(),
              HasSubstr("within 10% of its price and cheaper with an "
                        "interruption costing 1 h of it"));
  EXPECT_THAT(why->text.ToString(),
              HasSubstr("0.0315 (+5.0%), expected 0.0321"));
  EXPECT_THAT(why->text.ToString(),
              HasSubstr("0.0300 (the cheapest), expected 0.0326"));
  const Evaluation cheap =
      Decide(Avoiding(absl::Hours(6), 0.1, 0.1), AInterruptedMore());
  EXPECT_THAT(RequestZones(cheap.plan), ElementsAre("us-east-1a"));
  EXPECT_EQ(Note(cheap.plan, ReasonCode::kAvoidInterruptions), nullptr);
}

TEST(AvoidInterruptions, AZoneDearerThanTheToleranceIsNotChosen) {
  // b is 5 % dearer: with a tolerance of 4 % only a is near enough.
  const Evaluation e =
      Decide(Avoiding(absl::Hours(6), 0.04), AInterruptedMore());
  EXPECT_THAT(RequestZones(e.plan), ElementsAre("us-east-1a"));
  EXPECT_EQ(Note(e.plan, ReasonCode::kAvoidInterruptions), nullptr);
}

TEST(AvoidInterruptions, ANaNInACallersStateLeavesThePriceOrder) {
  // The wire refuses it; a C++ caller's own state is not checked, and its
  // NaN poisons every rate: the zones keep their price order.
  EvaluationInput input = AInterruptedMore();
  input.state.exposures[0].notices = std::nan("");
  const Evaluation e = Decide(Avoiding(absl::Hours(6)), input);
  EXPECT_THAT(RequestZones(e.plan), ElementsAre("us-east-1a"));
  EXPECT_EQ(Note(e.plan, ReasonCode::kAvoidInterruptions), nullptr);
}

TEST(AvoidInterruptions, WithNothingSeenTheCheapestZone) {
  const Evaluation e = Decide(Avoiding(absl::Hours(6)), ThreeZones({}));
  EXPECT_THAT(RequestZones(e.plan), ElementsAre("us-east-1a"));
  EXPECT_EQ(Note(e.plan, ReasonCode::kAvoidInterruptions), nullptr);
}

// a (cheapest): 2 h without a notice; b: 1 notice in 100 h; c (too dear):
// 20 in 100 h, so the overall rate is 21 / 202 h. With the default prior
// of 10 h, a's short record counts for little: (0 + 1.04) / 12 h = 8.7 per
// 100 h against b's (1 + 1.04) / 110 h = 1.9. With a prior of 0.01 h, a's
// own record decides: 0.05 per 100 h against b's 1.0.
TEST(AvoidInterruptions, ThePriorSetsHowFarAShortCleanRecordIsTrusted) {
  const EvaluationInput input =
      ThreeZones({Watched("us-east-1a", 2, 0), Watched("us-east-1b", 100, 1),
                  Watched("us-east-1c", 100, 20)});
  Policy p = Avoiding(absl::Hours(24));
  ASSERT_EQ(p.instance.avoid_interruptions.prior_hours, 10);
  const Evaluation cautious = Decide(p, input);
  EXPECT_THAT(RequestZones(cautious.plan), ElementsAre("us-east-1b"));
  EXPECT_NE(Note(cautious.plan, ReasonCode::kAvoidInterruptions), nullptr);

  p.instance.avoid_interruptions.prior_hours = 0.01;
  const Evaluation trusting = Decide(p, input);
  EXPECT_THAT(RequestZones(trusting.plan), ElementsAre("us-east-1a"));
  EXPECT_EQ(Note(trusting.plan, ReasonCode::kAvoidInterruptions), nullptr);
}

absl::StatusOr<Policy> ParseWith(const std::string& extra) {
  return testing::ParseMinimalPolicyWith(extra);
}

TEST(AvoidInterruptionsPolicy, ReadAndRoundTripped) {
  absl::StatusOr<Policy> p = ParseWith(
      "  avoid_interruptions: {window_s: 21600, price_tolerance: 0.2, "
      "cost_hours: 1.5, prior_hours: 40}\n");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->instance.avoid_interruptions.window, absl::Hours(6));
  EXPECT_EQ(p->instance.avoid_interruptions.price_tolerance, 0.2);
  EXPECT_EQ(p->instance.avoid_interruptions.cost_hours, 1.5);
  EXPECT_EQ(p->instance.avoid_interruptions.prior_hours, 40);
  absl::StatusOr<Policy> defaulted =
      ParseWith("  avoid_interruptions: {window_s: 21600}\n");
  ASSERT_THAT(defaulted, IsOk());
  EXPECT_EQ(defaulted->instance.avoid_interruptions.prior_hours, 10);
  absl::StatusOr<Policy> back =
      internal::PolicyFromProto(internal::PolicyToProto(*p));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->instance.avoid_interruptions,
            p->instance.avoid_interruptions);
  absl::StatusOr<Policy> off = ParseWith("");
  ASSERT_THAT(off, IsOk());
  EXPECT_FALSE(
      internal::PolicyToProto(*off).instance().has_avoid_interruptions());
}

TEST(AvoidInterruptionsPolicy, BadValuesNameTheirKey) {
  EXPECT_THAT(ParseWith("  avoid_interruptions: {price_tolerance: 0.2}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("instance.avoid_interruptions.window_s: "
                                 "required")));
  EXPECT_THAT(ParseWith("  avoid_interruptions: {window_s: 10}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("instance.avoid_interruptions.window_s: 10 "
                                 "is out of range")));
  EXPECT_THAT(ParseWith("  avoid_interruptions: {window_s: 3600, "
                        "cost_hours: -1}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("instance.avoid_interruptions.cost_hours: -1 "
                                 "is out of range")));
  // Without a prior a market never watched would have no rate (0 / 0).
  EXPECT_THAT(ParseWith("  avoid_interruptions: {window_s: 3600, "
                        "prior_hours: 0}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("instance.avoid_interruptions.prior_hours: 0 "
                                 "is out of range")));
  Policy nan_prior = Avoiding(absl::Hours(1));
  nan_prior.instance.avoid_interruptions.prior_hours = std::nan("");
  EXPECT_THAT(ValidatePolicy(nan_prior),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("instance.avoid_interruptions.prior_hours")));
  EXPECT_THAT(ParseWith("  availability_zone: us-east-1a\n"
                        "  avoid_interruptions: {window_s: 3600}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("instance.avoid_interruptions: needs "
                                 "instance.availability_zone empty")));
}

TEST(AvoidInterruptionsState, RoundTripsThroughProtoAndJsonFastAndSlow) {
  EngineState state;
  state.interruptions = {
      Seen("us-east-1a", "i-1", absl::FromUnixSeconds(1600000000)),
      Seen("us-east-1c", "i-2", absl::FromUnixSeconds(1600000300))};
  state.exposures = {Watched("us-east-1a", 12.5, 1.25),
                     Watched("us-east-1c", 0.75, 0)};
  state.exposures_as_of = absl::FromUnixSeconds(1600000300);
  EXPECT_THAT(
      testing::ExpectStateRoundTrips(state, absl::FromUnixSeconds(1600000600)),
      HasSubstr("\"interruptions\""));
}

TEST(AvoidInterruptionsState, BadEntriesNameTheirPath) {
  const std::string now = R"({"now": "2020-09-13T12:26:40Z", "engine": )";
  EXPECT_THAT(
      ParseStateJson(now + R"({"interruptions": [{"market":
          {"instance_type": "c4.large", "availability_zone": "us-east-1a"},
          "noticed": "2020-09-13T12:20:00Z"}]}})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("engine.interruptions[0].instance_id: required")));
  EXPECT_THAT(
      ParseStateJson(now + R"({"interruptions": [{"market":
          {"instance_type": "c4.large"}, "instance_id": "i-1",
          "noticed": "2020-09-13T12:20:00Z"}]}})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("engine.interruptions[0].market.availability_zone: "
                         "required")));
  EXPECT_THAT(ParseStateJson(now + R"({"interruptions": [{"market":
          {"instance_type": "c4.large", "availability_zone": "us-east-1a"},
          "instance_id": "i-1"}]}})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("engine.interruptions[0].noticed: required")));
  EXPECT_THAT(
      ParseStateJson(now + R"({"exposures": [{"market":
          {"instance_type": "c4.large"}, "spot_hours": 1, "notices": 0}]}})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("engine.exposures[0].market.availability_zone: "
                         "required")));
  EXPECT_THAT(
      ParseStateJson(now + R"({"exposures": [{"market":
          {"instance_type": "c4.large", "availability_zone": "us-east-1a"},
          "spot_hours": -2, "notices": 0}]}})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("engine.exposures[0].spot_hours: -2 must be >= 0")));
  EXPECT_THAT(
      ParseStateJson(now + R"({"exposures": [{"market":
          {"instance_type": "c4.large", "availability_zone": "us-east-1a"},
          "spot_hours": 1, "notices": 1e300}]}})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("engine.exposures[0].notices: 1e+300 is above 1e+09, "
                         "more than any fleet sees")));
}

}  // namespace
}  // namespace spotburst
