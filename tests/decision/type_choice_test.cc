// instance.alternatives: a scale-out goes to the market cheapest per unit
// among every listed type, and the plan says why in figures.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"
#include "testing/engine_fixtures.h"

namespace spotburst {
namespace {

using ::spotburst::testing::Market;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::T0;
using ::spotburst::testing::UsingCpus;
using ::testing::HasSubstr;

// c4.large (2 CPUs) is the unit; a c4.xlarge holds two.
Policy AnyType() {
  Policy p = PrototypePolicy();
  p.scaling.strategy = "target";
  p.instance.availability_zone = "";
  p.instance.alternatives.push_back(testing::C4Xlarge());
  return p;
}

Plan Decide(const Policy& policy, const EvaluationInput& input) {
  return testing::EvaluateOrFail(policy, input).plan;
}

const Reason* Find(const Action& action, ReasonCode code) {
  for (const Reason& r : action.reasons) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

double Figure(const Reason& reason, std::string_view name) {
  for (const auto& figure : reason.figures) {
    if (figure.name.view() == name) return figure.value;
  }
  ADD_FAILURE() << "no figure " << name << " in " << reason.message();
  return -1;
}

// c4.xlarge in 1a at 0.050 is 0.025 per unit, under c4.large's 0.027.
const std::vector<MarketView> kOffers = {
    testing::MarketOf("c4.large", "us-east-1a", 0.030),
    testing::MarketOf("c4.large", "us-east-1b", 0.027),
    testing::MarketOf("c4.xlarge", "us-east-1a", 0.050),
    testing::MarketOf("c4.xlarge", "us-east-1b", 0.060)};

TEST(TypeChoice, TheCheapestPerUnitWinsAndThePlanSaysWhy) {
  const Plan plan = Decide(AnyType(), testing::WantingUnits(5, kOffers));
  ASSERT_EQ(plan.actions.size(), 1u);
  const Action& launch = plan.actions[0];
  EXPECT_EQ(launch.kind, ActionKind::kRequestSpot);
  EXPECT_EQ(launch.instance_type, "c4.xlarge");
  EXPECT_EQ(launch.availability_zone, "us-east-1a");
  // 5 units at 2 per instance: 3 instances.
  EXPECT_EQ(launch.count, 3);
  // Its bid is made on its own market: current-plus pads 0.050.
  EXPECT_NEAR(launch.bid_usd_per_hour, 0.050 + 0.1, 1e-6);
  const Reason* why = Find(launch, ReasonCode::kMarketChoice);
  ASSERT_NE(why, nullptr);
  EXPECT_NEAR(Figure(*why, "usd_per_unit"), 0.025, 1e-9);
  EXPECT_EQ(Figure(*why, "weight"), 2);
  EXPECT_NEAR(Figure(*why, "next_usd_per_unit"), 0.027, 1e-9);
  EXPECT_THAT(why->message(),
              HasSubstr("c4.xlarge in us-east-1a: 0.0250 USD/h per unit "
                        "(0.0500 / weight 2)"));
  EXPECT_THAT(why->message(),
              HasSubstr("next best c4.large in us-east-1b at 0.0270 per unit"));
  EXPECT_EQ(ReasonCodeName(why->code), "market-choice");
  // The plan's market stays the primary type's cheapest: its bid, notes.
  EXPECT_EQ(plan.market.instance_type, "c4.large");
  EXPECT_EQ(plan.market.availability_zone, "us-east-1b");
}

TEST(TypeChoice, NeverMoreUnitsThanTheRoomUnderMax) {
  Policy p = AnyType();
  p.scaling.max_instances = 6;
  EvaluationInput input = testing::WantingUnits(6, kOffers);
  input.fleet.instances.push_back(SpotInstance("i-1", T0()));
  // 5 units wanted, room for 5: 3 c4.xlarge would be 6, so 2.
  const Plan plan = Decide(p, input);
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(plan.actions[0].instance_type, "c4.xlarge");
  EXPECT_EQ(plan.actions[0].count, 2);
}

TEST(TypeChoice, AHeavyTypeThatDoesNotFitLeavesItToOneThatDoes) {
  Policy p = AnyType();
  p.scaling.max_instances = 1;
  const Plan plan = Decide(p, testing::WantingUnits(1, kOffers));
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(plan.actions[0].instance_type, "c4.large");
  EXPECT_EQ(plan.actions[0].availability_zone, "us-east-1b");
  EXPECT_EQ(plan.actions[0].count, 1);
}

TEST(TypeChoice, ATieGoesToThePrimaryType) {
  // c4.xlarge at 0.054 is 0.027 per unit, as c4.large in 1b.
  const Plan plan = Decide(
      AnyType(), testing::WantingUnits(
                     4, {testing::MarketOf("c4.large", "us-east-1b", 0.027),
                         testing::MarketOf("c4.xlarge", "us-east-1a", 0.054)}));
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(plan.actions[0].instance_type, "c4.large");
  EXPECT_EQ(plan.actions[0].count, 4);
}

TEST(TypeChoice, EachBidUsesItsOwnTypesOnDemandPrice) {
  Policy p = AnyType();
  p.bidding.strategy = "on-demand";
  const Plan plan = Decide(p, testing::WantingUnits(4, kOffers));
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(plan.actions[0].instance_type, "c4.xlarge");
  EXPECT_NEAR(plan.actions[0].bid_usd_per_hour, 0.2, 1e-9);
}

TEST(TypeChoice, SpreadingCountsSharesInUnits) {
  Policy p = AnyType();
  p.instance.min_markets = 2;
  // 8 units over 2 markets: at most 4 units each. The cheapest per unit
  // (c4.xlarge 1a) takes 2 instances, the next (c4.large 1b) 4.
  const Plan plan = Decide(p, testing::WantingUnits(8, kOffers));
  int units = 0;
  for (const Action& a : plan.actions) {
    ASSERT_EQ(a.kind, ActionKind::kRequestSpot);
    if (a.instance_type == "c4.xlarge") {
      EXPECT_EQ(a.availability_zone, "us-east-1a");
      EXPECT_EQ(a.count, 2);
      units += 2 * a.count;
    } else {
      EXPECT_EQ(a.availability_zone, "us-east-1b");
      EXPECT_EQ(a.count, 4);
      units += a.count;
    }
  }
  EXPECT_EQ(units, 8);
}

TEST(TypeChoice, ASpreadLaunchNamesItsTypeAsWellAsItsZone) {
  // Two types may be sold in one zone: the spread's reason names the
  // market it sends each launch to, and counts in units.
  Policy p = AnyType();
  p.instance.min_markets = 2;
  const Plan plan = Decide(p, testing::WantingUnits(8, kOffers));
  ASSERT_EQ(plan.actions.size(), 2u);
  const Reason* xlarge = Find(plan.actions[0], ReasonCode::kMarketSpread);
  const Reason* large = Find(plan.actions[1], ReasonCode::kMarketSpread);
  ASSERT_NE(xlarge, nullptr);
  ASSERT_NE(large, nullptr);
  EXPECT_EQ(xlarge->message(),
            "2 instance(s), 4 unit(s) of 8, to c4.xlarge in us-east-1a at "
            "current 0.0500 USD/h (0.0250 per unit): it held 0 unit(s), at "
            "most 4 each spreads 8 units of spot over instance.min_markets 2; "
            "the cheapest per unit with room of 4 usable markets");
  EXPECT_EQ(large->message(),
            "4 instance(s), 4 unit(s) of 8, to c4.large in us-east-1b at "
            "current 0.0270 USD/h (0.0270 per unit): it held 0 unit(s), at "
            "most 4 each spreads 8 units of spot over instance.min_markets 2; "
            "the cheapest per unit with room of 4 usable markets");
  // The plan as people read it carries both.
  const std::string text = PlanToText(plan);
  EXPECT_THAT(text, HasSubstr("to c4.xlarge in us-east-1a at current"));
  EXPECT_THAT(text, HasSubstr("to c4.large in us-east-1b at current"));
}

}  // namespace
}  // namespace spotburst
