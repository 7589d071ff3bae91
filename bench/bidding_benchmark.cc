// Benchmarks of bidding: turning a market's price statistics into a bid, and
// keeping those statistics as prices arrive.
//
// BM_ComputeBid/<strategy>
//   One ComputeBid call (price checks, the strategy's quote with its rule
//   text, the floor at the current price and the cap at the maximum bid)
//   for each built-in bidding strategy in StrategyRegistry::Builtin():
//   minimum, mean, on-demand, high, current, current-plus. The strategy is
//   created once, outside the timing loop. With the market used here
//   (current 0.0271, min 0.0188, mean 0.0262, max 0.0871) and
//   floor_at_current set, the minimum and mean quotes are raised to the
//   current price and the high quote (10 x max) is cut to the 0.5 maximum,
//   so those three also format one adjustment reason; the other three
//   pass unchanged.
// BM_PriceWindowAdd
//   The cost per price point of feeding a 24-hour PriceWindow with a price
//   every 10 seconds (a bounded random walk). Every 360th point (once per
//   hour of prices) Stats is called, which evicts the points that left the
//   window, so the time includes each point's amortised eviction and the
//   window stays at its steady-state size of about 8,640 points.
// BM_PriceWindowStats/points:P
//   One PriceWindow::Stats(now) (min, time-weighted mean, max, current),
//   with `now` one minute later in each iteration, over a window holding
//   P = 1,000 or 1,000,000 points (10 s apart) that all stay in the window
//   for the whole run. Built once per run, outside the timing loop. The
//   cost should not depend on P.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "spotburst/bidding.h"
#include "spotburst/bidding_strategy.h"
#include "spotburst/market.h"
#include "spotburst/policy.h"
#include "spotburst/price_window.h"
#include "spotburst/strategy_registry.h"

namespace spotburst {
namespace {

constexpr double kOnDemandUsd = 0.1;

absl::Time Start() { return absl::FromUnixSeconds(1450000000); }

BiddingPolicy BenchBiddingPolicy(const std::string& strategy) {
  BiddingPolicy policy;
  policy.strategy = strategy;
  policy.max_bid_usd_per_hour = 0.5;
  policy.padding_usd = 0.001;
  policy.high_multiple = 10;
  policy.floor_at_current = true;
  policy.max_price_age = absl::Hours(1);
  return policy;
}

MarketView BenchMarket(absl::Time now) {
  return {.market = {.instance_type = "c4.large",
                     .availability_zone = "us-east-1a"},
          .stats = {.min_usd = 0.0188,
                    .mean_usd = 0.0262,
                    .max_usd = 0.0871,
                    .current_usd = 0.0271,
                    .points = 8640,
                    .last_change = now - absl::Minutes(4),
                    .as_of = now},
          .on_demand_usd_per_hour = kOnDemandUsd};
}

void BM_ComputeBid(benchmark::State& state, const std::string& name) {
  const BiddingPolicy policy = BenchBiddingPolicy(name);
  absl::StatusOr<const BiddingStrategyFactory*> factory =
      StrategyRegistry::Builtin().FindBidding(name);
  if (!factory.ok()) {
    state.SkipWithError(factory.status().ToString().c_str());
    return;
  }
  absl::StatusOr<std::unique_ptr<BiddingStrategy>> strategy =
      (*factory)->Create(policy);
  if (!strategy.ok()) {
    state.SkipWithError(strategy.status().ToString().c_str());
    return;
  }
  const absl::Time now = Start();
  const MarketView view = BenchMarket(now);
  for (auto _ : state) {
    absl::StatusOr<BidResult> bid =
        ComputeBid(**strategy, policy, view, kOnDemandUsd, now);
    benchmark::DoNotOptimize(bid);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_PriceWindowAdd(benchmark::State& state) {
  constexpr int kPrices = 1 << 16;
  constexpr int kPointsPerStats = 360;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> step(0, 0.0004);
  std::vector<double> prices(kPrices);
  double price = 0.026;
  for (double& p : prices) {
    price = std::clamp(price + step(rng), 0.0150, 0.0900);
    p = std::round(price * 1e4) / 1e4;
  }
  PriceWindow window(absl::Hours(24));
  absl::Time t = Start();
  int64_t i = 0;
  for (auto _ : state) {
    t += absl::Seconds(10);
    absl::Status added = window.Add(t, prices[i % kPrices]);
    benchmark::DoNotOptimize(added);
    if (++i % kPointsPerStats == 0) {
      PriceStats stats = window.Stats(t);
      benchmark::DoNotOptimize(stats);
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PriceWindowAdd);

void BM_PriceWindowStats(benchmark::State& state) {
  const int64_t points = state.range(0);
  const absl::Duration spacing = absl::Seconds(10);
  // The whole history plus a thousand years of one-minute steps (far more
  // than any run takes): nothing is evicted.
  PriceWindow window(points * spacing + absl::Hours(24 * 365 * 1000));
  std::mt19937_64 rng(42);
  std::normal_distribution<double> step(0, 0.0004);
  double price = 0.026;
  const absl::Time first = Start() - (points - 1) * spacing;
  for (int64_t i = 0; i < points; ++i) {
    price = std::clamp(price + step(rng), 0.0150, 0.0900);
    if (absl::Status s = window.Add(first + i * spacing, price); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
  absl::Time now = Start();
  int64_t live = 0;
  for (auto _ : state) {
    now += absl::Minutes(1);
    PriceStats stats = window.Stats(now);
    benchmark::DoNotOptimize(stats);
    live = stats.points;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["live_points"] = static_cast<double>(live);
}
BENCHMARK(BM_PriceWindowStats)->ArgName("points")->Arg(1000)->Arg(1000000);

}  // namespace
}  // namespace spotburst

int main(int argc, char** argv) {
  // One BM_ComputeBid per built-in bidding strategy, so a new built-in is
  // measured without touching this file.
  for (const std::string& name :
       spotburst::StrategyRegistry::Builtin().BiddingNames()) {
    benchmark::RegisterBenchmark(("BM_ComputeBid/" + name).c_str(),
                                 spotburst::BM_ComputeBid, name);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
