// Tests of a simulated cloud selling several markets: each request and
// launch goes to the market it names and stays there, prices, outages,
// interruptions and bills are the market's own. Hand-made traces; t0
// (2021-01-01T00:00:00Z) is on a batch boundary, times are seconds after it.
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim_cloud.h"
#include "spotburst/launch_failure.h"
#include "spotburst/sim/simulated_clock.h"
#include "testing/status_matchers.h"

namespace spotburst::sim::internal {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr int64_t kT0 = 1609459200;

absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(kT0 + seconds); }

Market In(const std::string& zone) {
  return {.instance_type = "c4.large", .availability_zone = zone};
}

CloudMarket Sold(const std::string& zone, double on_demand,
                 uint64_t stream = 3) {
  return {.market = In(zone),
          .regime = MarketRegime::kCapacity,
          .interruption_rate_per_hour = 2,
          .on_demand_usd_per_hour = on_demand,
          .interruption_stream = stream};
}

CloudConfig Config(std::vector<CloudMarket> markets) {
  CloudScenario timing;
  timing.fulfilment_delay_min = timing.fulfilment_delay_max = absl::Minutes(5);
  timing.boot_min = timing.boot_max = absl::Minutes(3);
  return {.markets = std::move(markets),
          .region = "us-east-1",
          .timing = timing,
          .billing = BillingModel::kPerSecond};
}

class SimCloudMarketsTest : public ::testing::Test {
 protected:
  PriceHistory a_{.market = In("us-east-1a"), .points = {{At(0), 0.03}}};
  PriceHistory b_{.market = In("us-east-1b"),
                  .points = {{At(0), 0.06}, {At(1800), 0.20}}};
  SimulatedClock clock_{At(0)};
};

std::vector<std::string> Spot(SimCloud& cloud, const std::string& zone,
                              double bid) {
  auto ids = cloud.RequestSpot({.instance_type = "c4.large",
                                .availability_zone = zone,
                                .bid_usd_per_hour = bid});
  EXPECT_THAT(ids, IsOk());
  return ids.ok() ? *ids : std::vector<std::string>{};
}

// Two markets without capacity interruptions.
CloudConfig BidSet() {
  CloudConfig config =
      Config({Sold("us-east-1a", 0.1), Sold("us-east-1b", 0.12)});
  for (CloudMarket& m : config.markets) m.regime = MarketRegime::kBidSet;
  return config;
}

TEST_F(SimCloudMarketsTest, EachInstanceIsOfTheMarketItsCallNamed) {
  SimCloud cloud(BidSet(), {&a_, &b_}, clock_);
  Spot(cloud, "us-east-1b", 0.1);
  Spot(cloud, "us-east-1a", 0.1);
  ASSERT_THAT(cloud.LaunchOnDemand({.count = 1,
                                    .instance_type = "c4.large",
                                    .availability_zone = "us-east-1b"}),
              IsOk());
  clock_.SetTime(At(600));
  auto fleet = cloud.List();
  ASSERT_THAT(fleet, IsOk());
  ASSERT_THAT(fleet->instances, SizeIs(3));
  // The on-demand one launched at once; the spot ones at the 300 s batch.
  EXPECT_EQ(fleet->instances[0].availability_zone, "us-east-1b");
  EXPECT_EQ(fleet->instances[0].lifecycle, Lifecycle::kOnDemand);
  EXPECT_EQ(fleet->instances[1].availability_zone, "us-east-1b");
  EXPECT_EQ(fleet->instances[2].availability_zone, "us-east-1a");
  EXPECT_EQ(fleet->requests[0].availability_zone, "us-east-1b");
  // Each market's own price history and on-demand price.
  auto history = cloud.History(In("us-east-1b"), At(0), At(600));
  ASSERT_THAT(history, IsOk());
  EXPECT_EQ(history->points[0].usd_per_hour, 0.06);
  EXPECT_THAT(cloud.History(In("us-east-1c"), At(0), At(600)),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("c4.large/us-east-1a/Linux/UNIX, "
                                 "c4.large/us-east-1b/Linux/UNIX")));
  EXPECT_THAT(cloud.RequestSpot({.instance_type = "c4.large",
                                 .availability_zone = "us-east-1c",
                                 .bid_usd_per_hour = 0.1}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("us-east-1c is not simulated")));
  cloud.EndRun(At(3600));
  // Billed at their own market's prices, per second.
  const BillingMeter& meter = cloud.meter();
  EXPECT_NEAR(meter.on_demand_cost_usd(1), 0.12, 1e-12);
  EXPECT_EQ(meter.on_demand_cost_usd(0), 0);
  EXPECT_NEAR(meter.spot_cost_usd(0), 0.03 * 3300 / 3600, 1e-12);
}

TEST_F(SimCloudMarketsTest, ThePriceInOneMarketInterruptsOnlyItsInstances) {
  SimCloud cloud(BidSet(), {&a_, &b_}, clock_);
  Spot(cloud, "us-east-1a", 0.1);
  Spot(cloud, "us-east-1b", 0.1);
  // At 1800 us-east-1b's price passes the 0.1 bid; us-east-1a's does not.
  cloud.AdvanceTo(At(3600));
  ASSERT_THAT(cloud.instances(), SizeIs(2));
  EXPECT_EQ(cloud.instances()[0].market, 0);
  EXPECT_FALSE(cloud.instances()[0].ended_by.has_value());
  EXPECT_EQ(cloud.instances()[1].market, 1);
  EXPECT_EQ(cloud.instances()[1].notice_time, At(1800));
  EXPECT_TRUE(cloud.instances()[1].notice_for_price);
}

TEST_F(SimCloudMarketsTest, AnOutageInOneMarketRefusesOnlyItsLaunches) {
  CloudConfig config = BidSet();
  config.markets[0].spot_capacity_outages = {{At(0), At(3600)}};
  SimCloud cloud(config, {&a_, &b_}, clock_);
  auto refused = cloud.RequestSpot({.instance_type = "c4.large",
                                    .availability_zone = "us-east-1a",
                                    .bid_usd_per_hour = 0.1});
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted,
                                HasSubstr("c4.large/us-east-1a")));
  EXPECT_EQ(FailureCauseOf(refused.status()), FailureCause::kCapacity);
  EXPECT_THAT(Spot(cloud, "us-east-1b", 0.1), SizeIs(1));
}

// The times at which the instances of us-east-1a were interrupted.
std::vector<absl::Time> NoticesIn(const SimCloud& cloud, int market) {
  std::vector<absl::Time> out;
  for (const InstanceRecord& r : cloud.instances()) {
    if (r.market == market) out.push_back(r.notice_time);
  }
  return out;
}

TEST_F(SimCloudMarketsTest, AMarketsInterruptionsDoNotDependOnTheOthers) {
  // Streams as a `markets:` list derives them: from the market's identity.
  const CloudMarket a = Sold("us-east-1a", 0.1, 0x8000000000000011ull);
  const CloudMarket b = Sold("us-east-1b", 0.12, 0x8000000000000022ull);
  SimCloud alone(Config({a}), {&a_}, clock_);
  SimCloud both(Config({a, b}), {&a_, &b_}, clock_);
  for (int k = 0; k < 4; ++k) {
    Spot(alone, "us-east-1a", 1.0);
    Spot(both, "us-east-1b", 1.0);  // launched in between, in the other
    Spot(both, "us-east-1a", 1.0);
  }
  alone.AdvanceTo(At(10 * 3600));
  both.AdvanceTo(At(10 * 3600));
  const std::vector<absl::Time> notices = NoticesIn(alone, 0);
  ASSERT_THAT(notices, SizeIs(4));
  for (absl::Time t : notices) EXPECT_LT(t, At(10 * 3600));
  EXPECT_EQ(NoticesIn(both, 0), notices);
  // The other market draws its own times, not a copy.
  EXPECT_NE(NoticesIn(both, 1), notices);
}

}  // namespace
}  // namespace spotburst::sim::internal
