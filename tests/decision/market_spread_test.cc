// instance.min_markets: spot requests spread over several zones, so one
// market's interruptions cannot take the whole fleet.
#include <map>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/policy.h"
#include "testing/engine_fixtures.h"

namespace spotburst {
namespace {

using ::spotburst::testing::Market;
using ::spotburst::testing::OnDemandInstance;
using ::spotburst::testing::OpenRequest;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::RequestedByZone;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::T0;
using ::spotburst::testing::UsingCpus;
using ::testing::HasSubstr;

Policy SpreadPolicy(int min_markets) {
  Policy p = PrototypePolicy();
  p.scaling.strategy = "target";
  p.scaling.max_instances = 20;
  p.instance.availability_zone = "";
  p.instance.min_markets = min_markets;
  return p;
}

MarketView Zone(const std::string& zone, double current) {
  return testing::MarketOf("c4.large", zone, current);
}

Plan Decide(const Policy& policy, const EvaluationInput& input) {
  return testing::EvaluateOrFail(policy, input).plan;
}

const std::vector<MarketView> kThreeZones = {Zone("us-east-1a", 0.030),
                                             Zone("us-east-1b", 0.027),
                                             Zone("us-east-1c", 0.040)};

TEST(MarketSpread, OneMarketByDefaultTheCheapest) {
  const Plan plan =
      Decide(SpreadPolicy(1), testing::WantingUnits(6, kThreeZones));
  EXPECT_EQ(RequestedByZone(plan),
            (std::map<std::string, int>{{"us-east-1b", 6}}));
}

TEST(MarketSpread, SplitsEvenlyCheapestFirstAndSaysWhy) {
  const Plan plan =
      Decide(SpreadPolicy(3), testing::WantingUnits(7, kThreeZones));
  // 7 over 3 markets: at most 3 each, the cheapest filled first.
  EXPECT_EQ(RequestedByZone(plan),
            (std::map<std::string, int>{
                {"us-east-1a", 3}, {"us-east-1b", 3}, {"us-east-1c", 1}}));
  std::set<std::string> tokens;
  for (const Action& a : plan.actions) {
    ASSERT_EQ(a.kind, ActionKind::kRequestSpot);
    tokens.insert(a.idempotency_token);
    // Each bid is made on its own market: current-plus pads the zone's
    // own price.
    const double current =
        a.availability_zone == "us-east-1a"
            ? 0.030
            : (a.availability_zone == "us-east-1b" ? 0.027 : 0.040);
    EXPECT_NEAR(a.bid_usd_per_hour, current + 0.1, 1e-6) << a.availability_zone;
    ASSERT_GE(a.reasons.size(), 2u);
    const Reason& spread = a.reasons[1];
    EXPECT_EQ(spread.code, ReasonCode::kMarketSpread);
    EXPECT_THAT(spread.message(), HasSubstr("to " + a.availability_zone));
    EXPECT_THAT(spread.message(), HasSubstr("at most 3 each spreads 7 spot "
                                            "over instance.min_markets 3"));
    EXPECT_THAT(spread.message(),
                HasSubstr("the cheapest with room of 3 usable markets"));
  }
  // Distinct actions, distinct tokens: the cloud must not merge them.
  EXPECT_EQ(tokens.size(), plan.actions.size());
}

TEST(MarketSpread, CountsWhatEachMarketAlreadyHolds) {
  // 4 counted now (2 spot, 1 on-demand, 1 open request), 6 wanted.
  EvaluationInput input = testing::WantingUnits(6, kThreeZones);
  // Two spot instances and an open request in the cheapest zone; an
  // on-demand instance, which no interruption takes, does not count.
  for (const char* id : {"i-1", "i-2"}) {
    Instance i = SpotInstance(id, T0() - absl::Minutes(30));
    i.availability_zone = "us-east-1b";
    input.fleet.instances.push_back(i);
  }
  Instance od = OnDemandInstance("i-3", T0() - absl::Minutes(30));
  od.availability_zone = "us-east-1a";
  input.fleet.instances.push_back(od);
  SpotRequest open = OpenRequest("sir-1", T0() - absl::Minutes(1));
  open.availability_zone = "us-east-1b";
  input.fleet.requests.push_back(open);
  const Plan plan = Decide(SpreadPolicy(2), input);
  // 3 + 2 = 5 spot over 2 markets: at most 3 each; 1b holds 3 already.
  EXPECT_EQ(RequestedByZone(plan),
            (std::map<std::string, int>{{"us-east-1a", 2}}));
}

TEST(MarketSpread, FewerUsableMarketsThanAskedGoToTheOneHoldingFewest) {
  const Plan plan = Decide(
      SpreadPolicy(3), testing::WantingUnits(6, {Zone("us-east-1a", 0.030),
                                                 Zone("us-east-1b", 0.027)}));
  EXPECT_EQ(RequestedByZone(plan),
            (std::map<std::string, int>{{"us-east-1a", 3}, {"us-east-1b", 3}}));
  bool said = false;
  for (const Action& a : plan.actions) {
    for (const Reason& r : a.reasons) {
      said = said ||
             r.message().find("only 2 usable markets") != std::string::npos;
    }
  }
  EXPECT_TRUE(said);
}

TEST(MarketSpread, LeavesOutBackedOffMarketsAndThoseItCannotOutbid) {
  EvaluationInput input = testing::WantingUnits(
      4, {Zone("us-east-1a", 0.030), Zone("us-east-1b", 0.027),
          Zone("us-east-1c", 0.040), Zone("us-east-1d", 0.9)});
  // 1b just refused for capacity; 1d's price is over the maximum bid.
  input.launch_failures.push_back(
      {.market = {.instance_type = "c4.large",
                  .availability_zone = "us-east-1b"},
       .time = T0() - absl::Minutes(1),
       .code = "InsufficientInstanceCapacity"});
  const Plan plan = Decide(SpreadPolicy(2), input);
  EXPECT_EQ(RequestedByZone(plan),
            (std::map<std::string, int>{{"us-east-1a", 2}, {"us-east-1c", 2}}));
}

TEST(MarketSpread, PolicyNeedsTheZoneLeftToTheEngine) {
  Policy p = SpreadPolicy(2);
  p.instance.availability_zone = "us-east-1a";
  const absl::Status status = ValidatePolicy(p);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("instance.min_markets: 2 needs "
                                          "instance.availability_zone empty"));
}

TEST(MarketSpread, PolicyFileKeyIsRangeChecked) {
  const std::string base =
      "name: p\n"
      "instance:\n"
      "  type: c4.large\n"
      "  shape: {cpus: 2}\n"
      "  on_demand_usd_per_hour: 0.1\n";
  absl::StatusOr<Policy> ok = ParsePolicy(base + "  min_markets: 3\n");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->instance.min_markets, 3);
  absl::StatusOr<Policy> zero = ParsePolicy(base + "  min_markets: 0\n");
  ASSERT_FALSE(zero.ok());
  EXPECT_THAT(zero.status().message(), HasSubstr("instance.min_markets"));
  absl::StatusOr<Policy> many = ParsePolicy(base + "  min_markets: 17\n");
  ASSERT_FALSE(many.ok());
  EXPECT_THAT(many.status().message(), HasSubstr("instance.min_markets"));
}

}  // namespace
}  // namespace spotburst
