// Tests of SimMarket: price look-ups, cost integrals and History slices.
#include "sim_market.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spotburst::sim::internal {
namespace {

constexpr int64_t kT0 = 1609459200;  // 2021-01-01T00:00:00Z

absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(kT0 + seconds); }

PriceHistory Trace() {
  return {.market = {.instance_type = "c4.large",
                     .availability_zone = "us-east-1b"},
          .points = {{At(0), 0.10}, {At(3600), 0.20}, {At(5400), 0.05}}};
}

std::vector<double> Prices(const PriceHistory& h) {
  std::vector<double> prices;
  for (const PricePoint& p : h.points) prices.push_back(p.usd_per_hour);
  return prices;
}

TEST(SimMarket, PriceHoldsFromItsPointUntilTheNext) {
  const PriceHistory trace = Trace();
  SimMarket market(trace);
  EXPECT_EQ(market.PriceAt(kT0 - 1), 0);  // before the trace: none
  EXPECT_EQ(market.IndexAt(kT0 - 1), -1);
  EXPECT_EQ(market.PriceAt(kT0), 0.10);
  EXPECT_EQ(market.PriceAt(kT0 + 3599), 0.10);
  EXPECT_EQ(market.PriceAt(kT0 + 3600), 0.20);
  EXPECT_EQ(market.PriceAt(kT0 + 99999), 0.05);  // the last price holds
}

TEST(SimMarket, CostBetweenIntegratesThePrice) {
  const PriceHistory trace = Trace();
  SimMarket market(trace);
  // 30 min at 0.10, 30 min at 0.20, 30 min at 0.05.
  EXPECT_NEAR(market.CostBetween(kT0 + 1800, kT0 + 7200), 0.05 + 0.10 + 0.025,
              1e-12);
  EXPECT_NEAR(market.CostBetween(kT0 + 7200, kT0 + 10800), 0.05, 1e-12);
  EXPECT_EQ(market.CostBetween(kT0 + 10, kT0 + 10), 0);
  EXPECT_EQ(market.CostBetween(kT0 + 10, kT0), 0);
}

TEST(SimMarket, SliceIncludesThePointInForceAndNothingAfterTo) {
  const PriceHistory trace = Trace();
  SimMarket market(trace);
  EXPECT_THAT(Prices(market.Slice(At(1800), At(3600))),
              ::testing::ElementsAre(0.10, 0.20));
  EXPECT_THAT(Prices(market.Slice(At(3600), At(5399))),
              ::testing::ElementsAre(0.20));
  // Before the trace: from its first point.
  EXPECT_THAT(Prices(market.Slice(At(-86400), At(10))),
              ::testing::ElementsAre(0.10));
  EXPECT_THAT(Prices(market.Slice(At(-86400), At(-10))), ::testing::IsEmpty());
  EXPECT_EQ(market.Slice(At(0), At(1)).market, trace.market);
}

TEST(SimMarket, SliceCursorGivesTheSameAnswersInAnyOrder) {
  PriceHistory trace = Trace();
  trace.points.clear();
  for (int i = 0; i < 500; ++i) trace.points.push_back({At(i * 60), i * 0.001});
  SimMarket walking(trace);
  for (int64_t from = -120; from < 500 * 60; from += 97) {
    SimMarket fresh(trace);
    EXPECT_EQ(Prices(walking.Slice(At(from), At(from + 200))),
              Prices(fresh.Slice(At(from), At(from + 200))))
        << from;
  }
  // Backwards, after the cursor has moved far ahead.
  SimMarket fresh(trace);
  EXPECT_EQ(Prices(walking.Slice(At(61), At(200))),
            Prices(fresh.Slice(At(61), At(200))));
}

// SliceInto reuses the history it is given: what that held before, more
// points or another market, is gone.
TEST(SimMarket, SliceIntoAReusedHistoryHoldsOnlyTheSlice) {
  const PriceHistory trace = Trace();
  SimMarket market(trace);
  PriceHistory reused = {.market = {.instance_type = "m3.medium"},
                         .points = trace.points};
  market.SliceInto(At(3600), At(5000), reused);
  EXPECT_EQ(reused.market, trace.market);
  EXPECT_THAT(Prices(reused), ::testing::ElementsAre(0.20));
  market.SliceInto(At(-86400), At(-10), reused);
  EXPECT_THAT(Prices(reused), ::testing::IsEmpty());
}

}  // namespace
}  // namespace spotburst::sim::internal
