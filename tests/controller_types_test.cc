// Controller with instance.alternatives: it watches every listed type's
// markets, each with its type's on-demand price from the feed.
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/controller.h"
#include "testing/controller_fakes.h"
#include "testing/engine_fixtures.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::FakeClock;
using ::spotburst::testing::FakeInstances;
using ::spotburst::testing::FakeMetrics;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::T0;

// A flat price per type, and an on-demand price per type.
class TypedPrices final : public PriceFeed {
 public:
  absl::StatusOr<PriceHistory> History(const spotburst::Market& market,
                                       absl::Time, absl::Time) override {
    watched.push_back(market.Name());
    return PriceHistory{
        .market = market,
        .points = {{T0() - absl::Hours(2), spot.at(market.instance_type)}}};
  }
  absl::StatusOr<double> OnDemandPrice(const std::string& type,
                                       const std::string&) override {
    return on_demand.at(type);
  }
  std::map<std::string, double> spot = {{"c4.large", 0.030},
                                        {"c4.xlarge", 0.050}};
  std::map<std::string, double> on_demand = {{"c4.large", 0.1},
                                             {"c4.xlarge", 0.199}};
  std::vector<std::string> watched;
};

TEST(ControllerTypes, WatchesEveryTypeAndBidsWithItsOwnOnDemandPrice) {
  Policy policy = PrototypePolicy();
  policy.bidding.strategy = "on-demand";
  policy.instance.alternatives.push_back({.type = "c4.xlarge",
                                          .shape = {.cpus = 4, .mem_mib = 7680},
                                          .on_demand_usd_per_hour = 0.2});
  absl::StatusOr<Engine> engine = Engine::Create(policy);
  ASSERT_THAT(engine, IsOk());
  FakeClock clock;
  FakeMetrics metrics;  // over the burst point: one more unit wanted
  TypedPrices prices;
  FakeInstances instances;
  Controller controller(*engine, metrics, prices, instances, clock);
  ASSERT_THAT(controller.Tick().status, IsOk());
  EXPECT_THAT(prices.watched,
              ::testing::ElementsAre("c4.large/us-east-1a/Linux/UNIX",
                                     "c4.xlarge/us-east-1a/Linux/UNIX"));
  // c4.xlarge is 0.025 per unit, under c4.large's 0.030; its bid is its
  // own on-demand price as the feed gives it.
  ASSERT_EQ(instances.spot.size(), 1u);
  EXPECT_EQ(instances.spot[0].instance_type, "c4.xlarge");
  EXPECT_DOUBLE_EQ(instances.spot[0].bid_usd_per_hour, 0.199);
}

}  // namespace
}  // namespace spotburst
