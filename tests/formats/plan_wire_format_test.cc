// Tests of the JSON wire format of plans (one line, snake-case keys, reason
// names, round trips) and their text rendering.
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/plan.h"
#include "spotburst/wire_format.h"
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

Plan SamplePlan() {
  Plan plan;
  plan.policy_name = "thesis-c4";
  plan.evaluated_at = Utc(2016, 3, 1, 12);
  plan.market = {.instance_type = "c4.large",
                 .availability_zone = "us-east-1a"};
  plan.current_price_usd = 0.126;
  plan.bid_usd_per_hour = 0.127;
  plan.running = 3;
  plan.pending = 1;
  plan.desired = 5;
  plan.usage = {
      {.kind = ResourceKind::kCpus, .used = 34, .capacity = 40, .share = 0.85},
      {.kind = ResourceKind::kMem,
       .used = 20480,
       .capacity = 81920,
       .share = 0.25}};
  plan.fleet_usd_per_hour = 0.635;
  plan.actions.push_back({.kind = ActionKind::kCancelRequest,
                          .request_id = "sir-9",
                          .reasons = {{.code = ReasonCode::kRequestTimedOut,
                                       .text = "open 12m0s > timeout 10m0s",
                                       .figures = {{"age_seconds", 720}}}}});
  plan.actions.push_back(
      {.kind = ActionKind::kPostponeTermination,
       .instance_id = "i-0abc",
       .into_billing_period = absl::Minutes(40),
       .endable_at = Utc(2016, 3, 1, 12, 15),
       .reasons = {{.code = ReasonCode::kBillingPostponed,
                    .text = "40m into the hour < partial-hour limit 55m",
                    .figures = {}}}});
  plan.actions.push_back(
      {.kind = ActionKind::kRequestSpot,
       .count = 1,
       .instance_type = "c4.large",
       .availability_zone = "us-east-1a",
       .bid_usd_per_hour = 0.127,
       .idempotency_token = "tok-42",
       .reasons = {{.code = ReasonCode::kScaleUp,
                    .text = "cpus 0.85 >= burst point 0.75 -> +2",
                    .figures = {{"usage_cpus", 0.85}, {"burst_point", 0.75}}},
                   {.code = ReasonCode::kAtMaxInstances,
                    .text = "max_instances 5 allows +1",
                    .figures = {{"max_instances", 5}}}}});
  plan.notes.push_back({.code = ReasonCode::kBidCapped,
                        .text = "bid 0.2 capped at max bid 0.127",
                        .figures = {}});
  return plan;
}

EngineState SampleNextState() {
  EngineState s;
  s.last_scale_up = Utc(2016, 3, 1, 12);
  s.scale_in_wanted_since = Utc(2016, 3, 1, 11, 30);
  s.fallback_for_capacity = true;
  return s;
}

TEST(PlanToJson, OneLineWithSnakeCaseKeysAndReasonNames) {
  const std::string json = PlanToJson(SamplePlan(), SampleNextState());
  EXPECT_THAT(json, Not(HasSubstr("\n")));
  EXPECT_THAT(json, HasSubstr(R"("policy_name":"thesis-c4")"));
  EXPECT_THAT(json, HasSubstr(R"("bid_usd_per_hour":0.127)"));
  EXPECT_THAT(json, HasSubstr(R"("evaluated_at":"2016-03-01T12:00:00Z")"));
  EXPECT_THAT(json, HasSubstr(R"("code":"scale-up")"));
  EXPECT_THAT(json, HasSubstr(R"("code":"billing-postponed")"));
  EXPECT_THAT(json, HasSubstr(R"("kind":"ACTION_KIND_REQUEST_SPOT")"));
  EXPECT_THAT(json, HasSubstr(R"("into_billing_period":"2400s")"));
  EXPECT_THAT(json, HasSubstr(R"("resource":"cpus")"));
  EXPECT_THAT(json, HasSubstr(R"("next_state":{)"));
  EXPECT_THAT(json, HasSubstr(R"("fallback_for_capacity":true)"));
  EXPECT_THAT(json, Not(HasSubstr("policyName")));
  EXPECT_THAT(json, Not(HasSubstr("bidUsdPerHour")));
}

TEST(ParsePlanJson, RoundTripsAPlan) {
  const std::string json = PlanToJson(SamplePlan(), SampleNextState());
  absl::StatusOr<Evaluation> e = ParsePlanJson(json);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->state, SampleNextState());
  const Plan& p = e->plan;
  EXPECT_EQ(p.policy_name, "thesis-c4");
  EXPECT_EQ(p.evaluated_at, Utc(2016, 3, 1, 12));
  EXPECT_EQ(p.market, SamplePlan().market);
  EXPECT_EQ(p.desired, 5);
  ASSERT_EQ(p.usage.size(), 2u);
  EXPECT_EQ(p.usage[1].kind, ResourceKind::kMem);
  ASSERT_EQ(p.actions.size(), 3u);
  EXPECT_EQ(p.actions[1].kind, ActionKind::kPostponeTermination);
  EXPECT_EQ(p.actions[1].into_billing_period, absl::Minutes(40));
  EXPECT_EQ(p.actions[1].endable_at, Utc(2016, 3, 1, 12, 15));
  EXPECT_EQ(p.actions[0].endable_at, absl::InfinitePast());
  const Action& spot = p.actions[2];
  EXPECT_EQ(spot.idempotency_token, "tok-42");
  ASSERT_EQ(spot.reasons.size(), 2u);
  EXPECT_EQ(spot.reasons[1].code, ReasonCode::kAtMaxInstances);
  EXPECT_EQ(spot.reasons[0].figures,
            SamplePlan().actions[2].reasons[0].figures);
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_EQ(p.notes[0].code, ReasonCode::kBidCapped);
  EXPECT_EQ(PlanToJson(p, e->state), json);
}

TEST(ParsePlanJson, RefusesAnActionOrModeThatIsNotSpecified) {
  const std::string json = PlanToJson(SamplePlan(), SampleNextState());
  std::string no_kind = json;
  absl::StrReplaceAll({{R"("kind":"ACTION_KIND_POSTPONE_TERMINATION",)", ""}},
                      &no_kind);
  ASSERT_NE(no_kind, json);
  EXPECT_THAT(ParsePlanJson(no_kind),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("actions[1].kind: required, but missing or "
                                 "ACTION_KIND_UNSPECIFIED")));
  std::string no_mode = json;
  absl::StrReplaceAll(
      {{R"("supply_mode":"SUPPLY_MODE_SPOT","running")", R"("running")"}},
      &no_mode);
  ASSERT_NE(no_mode, json);
  EXPECT_THAT(ParsePlanJson(no_mode),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("supply_mode: required")));
}

TEST(ParsePlanJson, RejectsUnknownReasonCodeWithItsPath) {
  std::string json = PlanToJson(SamplePlan(), SampleNextState());
  absl::StrReplaceAll({{R"("code":"scale-up")", R"("code":"scale-sideways")"}},
                      &json);
  EXPECT_THAT(ParsePlanJson(json),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("actions[2].reasons[0].code"),
                             HasSubstr("scale-sideways"))));
  EXPECT_THAT(ParsePlanJson(R"({"actions": [], "extra": 1})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("extra")));
}

TEST(ReasonCodeName, IsKebabCase) {
  EXPECT_EQ(ReasonCodeName(ReasonCode::kScaleUp), "scale-up");
  EXPECT_EQ(ReasonCodeName(ReasonCode::kBillingPostponed), "billing-postponed");
  EXPECT_EQ(ReasonCodeName(ReasonCode::kFallbackToOnDemand),
            "fallback-to-on-demand");
  EXPECT_EQ(ActionKindName(ActionKind::kPostponeTermination),
            "postpone-termination");
  EXPECT_EQ(SupplyModeName(SupplyMode::kOnDemand), "on-demand");
}

TEST(PlanToText, ShowsHeaderActionsAndNotesWithNumbers) {
  const std::string text = PlanToText(SamplePlan());
  EXPECT_THAT(text, HasSubstr("thesis-c4"));
  EXPECT_THAT(text, HasSubstr("2016-03-01T12:00:00Z"));
  EXPECT_THAT(text, HasSubstr("c4.large/us-east-1a/Linux/UNIX"));
  EXPECT_THAT(text, HasSubstr("price 0.126, bid 0.127, supply spot"));
  EXPECT_THAT(text, HasSubstr("running 3, pending 1, desired 5"));
  EXPECT_THAT(text, HasSubstr("cpus 34.0/40.0 = 0.85"));
  EXPECT_THAT(text, HasSubstr("mem 20480.0/81920.0 = 0.25"));
  EXPECT_THAT(text, HasSubstr("cancel-request sir-9: open 12m0s > timeout"));
  EXPECT_THAT(text, HasSubstr("postpone-termination i-0abc (40m into billing "
                              "period, endable at 2016-03-01T12:15:00Z): "
                              "40m into the hour"));
  EXPECT_THAT(text,
              HasSubstr("request-spot 1 x c4.large in us-east-1a @ 0.127 "
                        "[token tok-42]: cpus 0.85 >= burst point 0.75 -> +2; "
                        "max_instances 5 allows +1"));
  EXPECT_THAT(text,
              HasSubstr("note bid-capped: bid 0.2 capped at max bid 0.127"));
}

}  // namespace
}  // namespace spotburst
