// instance.avoid_interruptions with several spot markets: with
// instance.alternatives the type choice, and with instance.min_markets > 1
// the spread, prefer the markets with lower recent interruption rates among
// those priced near the cheapest (per unit), and the plan says why in
// figures.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"
#include "testing/engine_fixtures.h"
#include "testing/minimal_policy.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::FigureOf;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::RequestedByZone;
using ::spotburst::testing::T0;
using ::testing::HasSubstr;

Policy Avoiding(Policy p, double tolerance = 0.1) {
  p.scaling.strategy = "target";
  p.instance.availability_zone = "";
  p.instance.avoid_interruptions = {.window = absl::Hours(6),
                                    .price_tolerance = tolerance};
  return p;
}

// c4.large is the unit; a c4.xlarge holds two.
Policy AnyType(double tolerance = 0.1) {
  Policy p = PrototypePolicy();
  p.instance.alternatives.push_back(testing::C4Xlarge());
  return Avoiding(p, tolerance);
}

Policy Spread(int min_markets) {
  Policy p = PrototypePolicy();
  p.instance.min_markets = min_markets;
  return Avoiding(p);
}

// `notices` in 20 instance-hours.
MarketExposure Seen(const std::string& type, const std::string& zone,
                    double notices) {
  return {.market = {.instance_type = type, .availability_zone = zone},
          .spot_hours = 20,
          .notices = notices};
}

EvaluationInput Wanting(int units, std::vector<MarketView> markets,
                        std::vector<MarketExposure> seen) {
  EvaluationInput input = testing::WantingUnits(units, std::move(markets));
  input.state.exposures = std::move(seen);
  input.state.exposures_as_of = T0();
  return input;
}

const Reason* Find(const std::vector<Reason>& reasons, ReasonCode code) {
  for (const Reason& r : reasons) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

// c4.large in 1a is the cheapest per unit (0.030); c4.xlarge in 1b is
// 0.031 per unit, 3.3 % dearer; c4.large in 1c a third dearer.
const std::vector<MarketView> kTypes = {
    testing::MarketOf("c4.large", "us-east-1a", 0.030),
    testing::MarketOf("c4.xlarge", "us-east-1b", 0.062),
    testing::MarketOf("c4.large", "us-east-1c", 0.040)};

// The overall rate is 2 notices in 40 h; each market is drawn towards it
// as if it had 10 h more: 1a (2 + 0.5) / 30 h, 1b 0.5 / 30 h.
TEST(AvoidInterruptionsTypes, TheNearlyAsCheapTypeInterruptedLessAndWhy) {
  const Plan plan =
      testing::EvaluateOrFail(AnyType(),
                              Wanting(4, kTypes,
                                      {Seen("c4.large", "us-east-1a", 2),
                                       Seen("c4.xlarge", "us-east-1b", 0)}))
          .plan;
  ASSERT_EQ(plan.actions.size(), 1u);
  const Action& launch = plan.actions[0];
  EXPECT_EQ(launch.kind, ActionKind::kRequestSpot);
  EXPECT_EQ(launch.instance_type, "c4.xlarge");
  EXPECT_EQ(launch.availability_zone, "us-east-1b");
  EXPECT_EQ(launch.count, 2);
  const Reason* why = Find(plan.notes, ReasonCode::kAvoidInterruptions);
  ASSERT_NE(why, nullptr);
  EXPECT_EQ(why->message(),
            "spot markets within 10% of the cheapest per unit, fewest "
            "interruptions per instance-hour first (rates fading over 6h): "
            "c4.xlarge in us-east-1b: 0.0 notice(s) in 20.0 h, rate 1.67 per "
            "100 h, 0.0310 (+3.3%); c4.large in us-east-1a: 2.0 notice(s) in "
            "20.0 h, rate 8.33 per 100 h, 0.0300 (the cheapest); 1 dearer "
            "after, by price");
  EXPECT_EQ(FigureOf(*why, "notices"), 0);
  EXPECT_EQ(FigureOf(*why, "cheapest_notices"), 2);
  EXPECT_NEAR(FigureOf(*why, "rate"), 0.5 / 30, 1e-12);
  EXPECT_NEAR(FigureOf(*why, "cheapest_rate"), 2.5 / 30, 1e-12);
  EXPECT_NEAR(FigureOf(*why, "current_usd"), 0.062, 1e-12);
  EXPECT_NEAR(FigureOf(*why, "price_gap"), 0.031 / 0.030 - 1, 1e-9);
  const Reason* choice = Find(launch.reasons, ReasonCode::kMarketChoice);
  ASSERT_NE(choice, nullptr);
  EXPECT_THAT(choice->message(),
              HasSubstr("the cheaper c4.large in us-east-1a at 0.0300 per unit "
                        "ranked lower on recent interruptions"));
  // The plan's market stays the primary type's cheapest: its bid, notes.
  EXPECT_EQ(plan.market.instance_type, "c4.large");
  EXPECT_EQ(plan.market.availability_zone, "us-east-1a");
}

TEST(AvoidInterruptionsTypes, RatesBeyondTheToleranceLeaveTheCheapest) {
  // With a tolerance of 3 %, c4.xlarge's 3.3 % is too dear.
  const Plan plan =
      testing::EvaluateOrFail(AnyType(0.03),
                              Wanting(4, kTypes,
                                      {Seen("c4.large", "us-east-1a", 2),
                                       Seen("c4.xlarge", "us-east-1b", 0)}))
          .plan;
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(plan.actions[0].instance_type, "c4.large");
  EXPECT_EQ(plan.actions[0].availability_zone, "us-east-1a");
  EXPECT_EQ(Find(plan.notes, ReasonCode::kAvoidInterruptions), nullptr);
}

// Zones a (cheapest), b (3.3 % dearer) and c (6.7 % dearer), with 2, 1
// and no notices in 20 h each: rates (2 + 0.5) / 30 h, (1 + 0.5) / 30 h
// and 0.5 / 30 h.
const std::vector<MarketView> kZones = {
    testing::MarketOf("c4.large", "us-east-1a", 0.030),
    testing::MarketOf("c4.large", "us-east-1b", 0.031),
    testing::MarketOf("c4.large", "us-east-1c", 0.032)};
const std::vector<MarketExposure> kZoneNotices = {
    Seen("c4.large", "us-east-1a", 2), Seen("c4.large", "us-east-1b", 1),
    Seen("c4.large", "us-east-1c", 0)};

TEST(AvoidInterruptionsSpread, TheSpreadFillsTheZonesInterruptedLessFirst) {
  Policy plain = Spread(2);
  plain.instance.avoid_interruptions = {};
  // By price alone, 4 over 2 zones go to the two cheapest.
  EXPECT_EQ(RequestedByZone(
                testing::EvaluateOrFail(plain, Wanting(4, kZones, {})).plan),
            (std::map<std::string, int>{{"us-east-1a", 2}, {"us-east-1b", 2}}));

  const Plan plan =
      testing::EvaluateOrFail(Spread(2), Wanting(4, kZones, kZoneNotices)).plan;
  EXPECT_EQ(RequestedByZone(plan),
            (std::map<std::string, int>{{"us-east-1b", 2}, {"us-east-1c", 2}}));
  EXPECT_EQ(plan.market.availability_zone, "us-east-1c");
  const Reason* why = Find(plan.notes, ReasonCode::kAvoidInterruptions);
  ASSERT_NE(why, nullptr);
  EXPECT_EQ(why->message(),
            "spot markets within 10% of the cheapest, fewest interruptions "
            "per instance-hour first (rates fading over 6h): us-east-1c: 0.0 "
            "notice(s) in 20.0 h, rate 1.67 per 100 h, 0.0320 (+6.7%); "
            "us-east-1b: 1.0 notice(s) in 20.0 h, rate 5.00 per 100 h, 0.0310 "
            "(+3.3%); us-east-1a: 2.0 notice(s) in 20.0 h, rate 8.33 per 100 "
            "h, 0.0300 (the cheapest)");
  EXPECT_EQ(FigureOf(*why, "notices"), 0);
  EXPECT_EQ(FigureOf(*why, "cheapest_notices"), 2);
  EXPECT_NEAR(FigureOf(*why, "price_gap"), 0.032 / 0.030 - 1, 1e-9);
  for (const Action& a : plan.actions) {
    const Reason* spread = Find(a.reasons, ReasonCode::kMarketSpread);
    ASSERT_NE(spread, nullptr);
    EXPECT_THAT(spread->message(),
                HasSubstr("to " + a.availability_zone + " at current"));
    EXPECT_THAT(spread->message(),
                HasSubstr("the first with room of 3 usable markets, ranked "
                          "by recent interruptions within the price "
                          "tolerance"));
  }
  EXPECT_THAT(PlanToText(plan), HasSubstr("us-east-1a: 2.0 notice(s)"));
}

TEST(AvoidInterruptionsSpread, AZoneBeyondTheToleranceComesAfterByPrice) {
  // c at 0.040 is a third dearer: it stays last whatever its rate.
  const std::vector<MarketView> zones = {
      testing::MarketOf("c4.large", "us-east-1a", 0.030),
      testing::MarketOf("c4.large", "us-east-1b", 0.031),
      testing::MarketOf("c4.large", "us-east-1c", 0.040)};
  const Plan plan =
      testing::EvaluateOrFail(Spread(2), Wanting(4, zones, kZoneNotices)).plan;
  EXPECT_EQ(RequestedByZone(plan),
            (std::map<std::string, int>{{"us-east-1a", 2}, {"us-east-1b", 2}}));
  const Reason* why = Find(plan.notes, ReasonCode::kAvoidInterruptions);
  ASSERT_NE(why, nullptr);
  EXPECT_THAT(why->message(),
              HasSubstr("(rates fading over 6h): us-east-1b: 1.0 notice(s) "
                        "in 20.0 h, rate 5.00 per 100 h, 0.0310 (+3.3%); "
                        "us-east-1a: 2.0 notice(s) in 20.0 h, rate 8.33 per "
                        "100 h, 0.0300 (the cheapest); 1 dearer after, by "
                        "price"));
}

// A bridge's spot replacement goes where a scale-out would: with
// alternatives, to the least interrupted market of its type, not to the
// cheapest one the plan's bid is made in.
TEST(AvoidInterruptionsTypes, TheReplacementOfABridgeAvoidsToo) {
  Policy p = AnyType();
  p.scaling.bridge = BridgeMode::kShortfall;
  p.billing.model = BillingModel::kPerSecond;
  p.bidding.padding_usd = 0.01;  // bids under on-demand
  const std::vector<MarketView> markets = {
      testing::MarketOf("c4.large", "us-east-1a", 0.030),
      testing::MarketOf("c4.large", "us-east-1d", 0.031)};
  EvaluationInput input = Wanting(
      1, markets,
      {Seen("c4.large", "us-east-1a", 4), Seen("c4.large", "us-east-1d", 0)});
  input.fleet.instances = {
      testing::OnDemandInstance("od-1", T0() - absl::Minutes(5))};
  const Plan plan = testing::EvaluateOrFail(p, input).plan;
  const Action* replacement = nullptr;
  for (const Action& a : plan.actions) {
    if (a.kind == ActionKind::kRequestSpot && a.replaces_instance_id == "od-1")
      replacement = &a;
  }
  ASSERT_NE(replacement, nullptr) << PlanToText(plan);
  EXPECT_EQ(replacement->availability_zone, "us-east-1d");
  EXPECT_THAT(replacement->reasons.back().text.ToString(),
              HasSubstr("in us-east-1d, first of the spot markets"));
}

TEST(AvoidInterruptionsPolicy, CombinesWithSpreadAndAlternatives) {
  ASSERT_THAT(testing::ParseMinimalPolicyWith(
                  "  min_markets: 2\n"
                  "  avoid_interruptions: {window_s: 3600}\n"),
              IsOk());
  ASSERT_THAT(testing::ParseMinimalPolicyWith(
                  "  alternatives:\n"
                  "    - {type: c4.xlarge, shape: {cpus: 4, mem_mib: 7680},\n"
                  "       on_demand_usd_per_hour: 0.2}\n"
                  "  avoid_interruptions: {window_s: 3600}\n"),
              IsOk());
}

}  // namespace
}  // namespace spotburst
