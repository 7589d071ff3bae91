// instance.avoid_interruptions: the engine counts the interruption notices
// it sees by zone and sends spot to the zone with the fewest among those
// priced near the cheapest; the count lives in the state, through proto and
// JSON.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/internal/json_lines.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/policy.h"
#include "spotburst/wire_format.h"
#include "testing/engine_fixtures.h"
#include "testing/minimal_policy.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::StatusIs;
using ::spotburst::testing::T0;
using ::spotburst::testing::UsingCpus;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Policy Avoiding(absl::Duration window, double tolerance = 0.1) {
  Policy p = PrototypePolicy();
  p.scaling.strategy = "target";
  p.bidding.padding_usd = 0.01;
  p.instance.availability_zone = "";
  p.instance.avoid_interruptions = {.window = window,
                                    .price_tolerance = tolerance};
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

// Demand for 3 burst instances, over zones a (cheapest), b (5 % dearer)
// and c (a third dearer).
EvaluationInput ThreeZones(std::vector<MarketInterruption> seen) {
  EvaluationInput input{
      .cluster = UsingCpus(34),
      .markets = {Zone("us-east-1a", 0.030), Zone("us-east-1b", 0.0315),
                  Zone("us-east-1c", 0.040)}};
  input.state.interruptions = std::move(seen);
  return input;
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

TEST(AvoidInterruptions, OffByDefaultTheCheapestZoneAndNothingLearned) {
  Policy p = Avoiding(absl::ZeroDuration());
  p.instance.avoid_interruptions = {};
  EvaluationInput input = ThreeZones({});
  input.fleet.instances = {NoticedIn("i-1", "us-east-1a")};
  const Evaluation e = Decide(p, input);
  EXPECT_THAT(RequestZones(e.plan), ElementsAre("us-east-1a"));
  EXPECT_TRUE(e.state.interruptions.empty());
}

TEST(AvoidInterruptions, EachNoticeIsLearnedOnceByZone) {
  const Policy p = Avoiding(absl::Hours(6));
  EvaluationInput input = ThreeZones({});
  input.fleet.instances = {NoticedIn("i-1", "us-east-1a"),
                           SpotInstance("i-2", T0() - absl::Minutes(30))};
  const Evaluation first = Decide(p, input);
  EXPECT_THAT(first.state.interruptions,
              ElementsAre(Seen("us-east-1a", "i-1", T0())));
  // Still under notice a minute later: not counted again.
  input.state = first.state;
  const Evaluation second = Decide(p, input, T0() + absl::Minutes(1));
  EXPECT_THAT(second.state.interruptions,
              ElementsAre(Seen("us-east-1a", "i-1", T0())));
}

TEST(AvoidInterruptions, NoticesOlderThanTheWindowAreForgotten) {
  const Policy p = Avoiding(absl::Hours(6));
  const Evaluation e = Decide(
      p, ThreeZones({Seen("us-east-1a", "i-old", T0() - absl::Hours(7)),
                     Seen("us-east-1a", "i-new", T0() - absl::Hours(5))}));
  EXPECT_THAT(e.state.interruptions,
              ElementsAre(Seen("us-east-1a", "i-new", T0() - absl::Hours(5))));
}

TEST(AvoidInterruptions, SpotGoesToTheNearlyAsCheapZoneWithFewerAndSaysWhy) {
  const Policy p = Avoiding(absl::Hours(6));
  const Evaluation e =
      Decide(p, ThreeZones({Seen("us-east-1a", "i-1", T0() - absl::Hours(1)),
                            Seen("us-east-1a", "i-2", T0() - absl::Hours(2)),
                            Seen("us-east-1c", "i-3", T0() - absl::Hours(1))}));
  EXPECT_THAT(RequestZones(e.plan), ElementsAre("us-east-1b"));
  EXPECT_EQ(e.plan.market.availability_zone, "us-east-1b");
  EXPECT_EQ(e.plan.current_price_usd, 0.0315);
  const Reason* why = Note(e.plan, ReasonCode::kAvoidInterruptions);
  ASSERT_NE(why, nullptr);
  EXPECT_EQ(why->text.ToString(),
            "spot in us-east-1b at 0.0315 with 0 interruption notice(s) in "
            "the last 6h, not the cheapest us-east-1a at 0.0300 with 2: "
            "within 10% of its price");
  EXPECT_THAT(why->figures,
              ElementsAre(Figure{"notices", 0}, Figure{"cheapest_notices", 2},
                          Figure{"current_usd", 0.0315}));
}

TEST(AvoidInterruptions, AZoneDearerThanTheToleranceIsNotChosen) {
  // b is 5 % dearer: with a tolerance of 4 % only a is near enough.
  const Evaluation e =
      Decide(Avoiding(absl::Hours(6), 0.04),
             ThreeZones({Seen("us-east-1a", "i-1", T0() - absl::Hours(1))}));
  EXPECT_THAT(RequestZones(e.plan), ElementsAre("us-east-1a"));
  EXPECT_EQ(Note(e.plan, ReasonCode::kAvoidInterruptions), nullptr);
}

TEST(AvoidInterruptions, WithoutNoticesTheCheapestZone) {
  const Evaluation e = Decide(Avoiding(absl::Hours(6)), ThreeZones({}));
  EXPECT_THAT(RequestZones(e.plan), ElementsAre("us-east-1a"));
  EXPECT_EQ(Note(e.plan, ReasonCode::kAvoidInterruptions), nullptr);
}

absl::StatusOr<Policy> ParseWith(const std::string& extra) {
  return testing::ParseMinimalPolicyWith(extra);
}

TEST(AvoidInterruptionsPolicy, ReadAndRoundTripped) {
  absl::StatusOr<Policy> p = ParseWith(
      "  avoid_interruptions: {window_s: 21600, price_tolerance: 0.2}\n");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->instance.avoid_interruptions.window, absl::Hours(6));
  EXPECT_EQ(p->instance.avoid_interruptions.price_tolerance, 0.2);
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
  EXPECT_THAT(ParseWith("  availability_zone: us-east-1a\n"
                        "  avoid_interruptions: {window_s: 3600}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("instance.avoid_interruptions: needs "
                                 "instance.availability_zone empty")));
}

TEST(AvoidInterruptionsState, RoundTripsThroughProtoAndJsonFastAndSlow) {
  EvaluationInput input;
  input.state.interruptions = {
      Seen("us-east-1a", "i-1", absl::FromUnixSeconds(1600000000)),
      Seen("us-east-1c", "i-2", absl::FromUnixSeconds(1600000300))};
  absl::StatusOr<EngineState> back =
      internal::FromProto(internal::ToProto(input.state));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, input.state);
  const std::string json =
      StateToJson(input, absl::FromUnixSeconds(1600000600));
  EXPECT_THAT(json, HasSubstr("\"interruptions\""));
  absl::StatusOr<StateWithTime> parsed = ParseStateJson(json);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->input.state.interruptions, input.state.interruptions);
  v1::EvaluationState fast, slow;
  ASSERT_TRUE(internal::ReadStateJsonFast(json, &fast));
  ASSERT_THAT(internal::ReadStateJsonWithProtobuf(json, &slow), IsOk());
  EXPECT_EQ(fast.SerializeAsString(), slow.SerializeAsString());
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
}

}  // namespace
}  // namespace spotburst
