// Tests of the two billing models, on a hand-made price trace: 0.10 USD/h
// from t0, 0.20 from t0 + 1 h, 0.05 from t0 + 1.5 h. Instances launch at t0.
#include "billing_meter.h"

#include <vector>

#include "gtest/gtest.h"

namespace spotburst::sim::internal {
namespace {

constexpr int64_t kT0 = 1609459200;  // 2021-01-01T00:00:00Z
constexpr int64_t kMin = 60;
constexpr int64_t kHour = 3600;
constexpr double kOnDemand = 0.5;

absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(kT0 + seconds); }

class BillingMeterTest : public ::testing::Test {
 protected:
  BillingMeter Meter(BillingModel model) {
    return BillingMeter(model, absl::Seconds(60), market_, kOnDemand);
  }
  double Spot(BillingModel model, int64_t run, EndedBy by) {
    return Meter(model).Cost(Lifecycle::kSpot, kT0, kT0 + run, by);
  }

  PriceHistory trace_{
      .market = {.instance_type = "c4.large", .availability_zone = "z"},
      .points = {{At(0), 0.10}, {At(kHour), 0.20}, {At(90 * kMin), 0.05}}};
  SimMarket market_{trace_};
};

TEST_F(BillingMeterTest, HourlyUserEndedPaysEveryStartedHourAtItsStartPrice) {
  // Hours starting at t0 (0.10) and t0 + 1 h (0.20).
  EXPECT_DOUBLE_EQ(Spot(BillingModel::kHourly, 90 * kMin, EndedBy::kUser),
                   0.30);
  // Ended at once: the started hour is paid in full.
  EXPECT_DOUBLE_EQ(Spot(BillingModel::kHourly, 0, EndedBy::kUser), 0.10);
  // Exactly two hours: two hours; one second more starts a third (0.05).
  EXPECT_DOUBLE_EQ(Spot(BillingModel::kHourly, 2 * kHour, EndedBy::kUser),
                   0.30);
  EXPECT_DOUBLE_EQ(Spot(BillingModel::kHourly, 2 * kHour + 1, EndedBy::kUser),
                   0.35);
}

TEST_F(BillingMeterTest, HourlyRunEndChargesTheRunsShareOfTheHourInProgress) {
  // The first hour at 0.10, then half of the hour that started at 0.20.
  EXPECT_DOUBLE_EQ(Spot(BillingModel::kHourly, 90 * kMin, EndedBy::kRunEnd),
                   0.20);
  EXPECT_EQ(Spot(BillingModel::kHourly, 0, EndedBy::kRunEnd), 0);
  const Bill bill =
      Meter(BillingModel::kHourly)
          .BillFor(Lifecycle::kSpot, kT0, kT0 + 90 * kMin, EndedBy::kRunEnd);
  EXPECT_EQ(bill.billed_s, 90 * kMin);
}

TEST_F(BillingMeterTest, BillsSayWhatTimeWasCharged) {
  BillingMeter hourly = Meter(BillingModel::kHourly);
  // Ended by the user 20 minutes in: a whole hour billed.
  EXPECT_EQ(
      hourly.BillFor(Lifecycle::kSpot, kT0, kT0 + 20 * kMin, EndedBy::kUser)
          .billed_s,
      kHour);
  // Interrupted 90 minutes in: the full hour only.
  EXPECT_EQ(
      hourly.BillFor(Lifecycle::kSpot, kT0, kT0 + 90 * kMin, EndedBy::kProvider)
          .billed_s,
      kHour);
  BillingMeter per_second = Meter(BillingModel::kPerSecond);
  EXPECT_EQ(per_second.BillFor(Lifecycle::kSpot, kT0, kT0 + 30, EndedBy::kUser)
                .billed_s,
            60);
  EXPECT_EQ(
      per_second
          .BillFor(Lifecycle::kSpot, kT0, kT0 + 30 * kMin, EndedBy::kProvider)
          .billed_s,
      0);
}

TEST_F(BillingMeterTest, HourlyProviderInterruptionLeavesThePartialHourFree) {
  EXPECT_DOUBLE_EQ(Spot(BillingModel::kHourly, 90 * kMin, EndedBy::kProvider),
                   0.10);
  EXPECT_DOUBLE_EQ(Spot(BillingModel::kHourly, 30 * kMin, EndedBy::kProvider),
                   0.0);
  EXPECT_DOUBLE_EQ(Spot(BillingModel::kHourly, 2 * kHour, EndedBy::kProvider),
                   0.30);
}

TEST_F(BillingMeterTest, PerSecondChargesThePriceInForceEachSecond) {
  // 1 h at 0.10, 30 min at 0.20, 30 min at 0.05.
  EXPECT_NEAR(Spot(BillingModel::kPerSecond, 2 * kHour, EndedBy::kUser), 0.225,
              1e-12);
  EXPECT_NEAR(Spot(BillingModel::kPerSecond, 2 * kHour, EndedBy::kRunEnd),
              0.225, 1e-12);
  // The end of a run is no end of the instance: no minimum.
  EXPECT_NEAR(Spot(BillingModel::kPerSecond, 30, EndedBy::kRunEnd),
              0.10 * 30 / 3600, 1e-15);
}

TEST_F(BillingMeterTest, PerSecondUserEndedPaysAtLeastTheMinimum) {
  EXPECT_NEAR(Spot(BillingModel::kPerSecond, 30, EndedBy::kUser),
              0.10 * 60 / 3600, 1e-15);
  EXPECT_NEAR(Spot(BillingModel::kPerSecond, 0, EndedBy::kUser),
              0.10 * 60 / 3600, 1e-15);
}

TEST_F(BillingMeterTest, PerSecondProviderInterruptionIsFreeInTheFirstHour) {
  EXPECT_EQ(Spot(BillingModel::kPerSecond, 59 * kMin, EndedBy::kProvider), 0);
  EXPECT_EQ(Spot(BillingModel::kPerSecond, 30, EndedBy::kProvider), 0);
  // After the first hour: the seconds run, no minimum.
  EXPECT_NEAR(Spot(BillingModel::kPerSecond, 61 * kMin, EndedBy::kProvider),
              0.10 + 0.20 / 60, 1e-12);
}

TEST_F(BillingMeterTest, OnDemandUsesItsPriceInBothModels) {
  BillingMeter hourly = Meter(BillingModel::kHourly);
  EXPECT_DOUBLE_EQ(
      hourly.Cost(Lifecycle::kOnDemand, kT0, kT0 + 61 * kMin, EndedBy::kUser),
      2 * kOnDemand);
  BillingMeter per_second = Meter(BillingModel::kPerSecond);
  EXPECT_DOUBLE_EQ(per_second.Cost(Lifecycle::kOnDemand, kT0, kT0 + 30 * kMin,
                                   EndedBy::kUser),
                   kOnDemand / 2);
}

TEST_F(BillingMeterTest, HourlyCostSoFarAddsHoursAsTheyStartAndRefunds) {
  BillingMeter meter = Meter(BillingModel::kHourly);
  const int spot = meter.Open(Lifecycle::kSpot, At(0));
  EXPECT_DOUBLE_EQ(meter.CostSoFar(At(0)), 0.10);
  EXPECT_DOUBLE_EQ(meter.CostSoFar(At(kHour - 1)), 0.10);
  EXPECT_DOUBLE_EQ(meter.CostSoFar(At(kHour)), 0.30);
  // The provider ends it in its second hour: that hour is given back.
  meter.Close(spot, At(90 * kMin), EndedBy::kProvider);
  EXPECT_DOUBLE_EQ(meter.CostSoFar(At(90 * kMin)), 0.10);
  EXPECT_DOUBLE_EQ(meter.spot_cost_usd(), 0.10);
  // Billed: the one full hour; run: an hour and a half, the half free.
  EXPECT_DOUBLE_EQ(meter.spot_instance_hours(), 1.0);
  EXPECT_DOUBLE_EQ(meter.run_instance_hours(), 1.5);
  EXPECT_DOUBLE_EQ(meter.uncharged_interrupted_hours(), 0.5);
  EXPECT_DOUBLE_EQ(meter.BillOf(spot).cost_usd, 0.10);
  EXPECT_EQ(meter.open_count(), 0);
}

TEST_F(BillingMeterTest, PerSecondCostSoFarGrowsWithTime) {
  BillingMeter meter = Meter(BillingModel::kPerSecond);
  meter.Open(Lifecycle::kSpot, At(0));
  const int od = meter.Open(Lifecycle::kOnDemand, At(0));
  EXPECT_NEAR(meter.CostSoFar(At(30 * kMin)), 0.05 + kOnDemand / 2, 1e-12);
  meter.Close(od, At(30 * kMin), EndedBy::kUser);
  EXPECT_DOUBLE_EQ(meter.on_demand_cost_usd(), kOnDemand / 2);
  EXPECT_DOUBLE_EQ(meter.on_demand_instance_hours(), 0.5);
  EXPECT_NEAR(meter.CostSoFar(At(kHour)), 0.10 + kOnDemand / 2, 1e-12);
}

// CostSoFar keeps each spot instance's cumulative cost at launch: at any
// later time, launched before, at or after a price change, what it adds is
// exactly what the market says the instance cost up to then.
TEST_F(BillingMeterTest, PerSecondCostSoFarIsEachInstancesCostSoFarExactly) {
  BillingMeter meter = Meter(BillingModel::kPerSecond);
  const std::vector<int64_t> launches = {0, 17, kHour, kHour + 1, 100 * kMin};
  std::vector<int> handles;
  for (int64_t launch : launches) {
    handles.push_back(meter.Open(Lifecycle::kSpot, At(launch)));
  }
  for (int64_t now = 0; now <= 3 * kHour; now += 7 * kMin + 3) {
    SCOPED_TRACE(now);
    double expected = 0;
    for (int64_t launch : launches) {
      if (now >= launch) {
        expected += market_.CostBetween(kT0 + launch, kT0 + now);
      }
    }
    EXPECT_EQ(meter.CostSoFar(At(now)), expected);
  }
  meter.Close(handles[1], At(2 * kHour), EndedBy::kUser);
  EXPECT_EQ(meter.CostSoFar(At(3 * kHour)),
            meter.spot_cost_usd() + market_.CostBetween(kT0, kT0 + 3 * kHour) +
                market_.CostBetween(kT0 + kHour, kT0 + 3 * kHour) +
                market_.CostBetween(kT0 + kHour + 1, kT0 + 3 * kHour) +
                market_.CostBetween(kT0 + 100 * kMin, kT0 + 3 * kHour));
}

}  // namespace
}  // namespace spotburst::sim::internal
