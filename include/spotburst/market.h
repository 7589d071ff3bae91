// Markets and their prices: what the bidding strategies look at.
//
// A Market is one spot market: (instance type, availability zone, product).
// PriceStats summarise its price over a window (see price_window.h, which
// keeps them incrementally); a MarketView is what one evaluation sees of a
// market. All prices are USD per instance-hour. Plain value types.
//
//   MarketView view{.market = {.instance_type = "c4.large",
//                              .availability_zone = "eu-central-1a"},
//                   .stats = window.Stats(now),
//                   .on_demand_usd_per_hour = 0.114};
//   // or, leaving the window to the engine:
//   MarketView raw{.market = ..., .price_history = {{t0, 0.031}, {t1, 0.029}}};
#ifndef SPOTBURST_MARKET_H_
#define SPOTBURST_MARKET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace spotburst {

// The smallest bid step, G = 0.001 USD (Voorsluys & Buyya 2012).
inline constexpr double kBidStepUsd = 0.001;

// The product every market defaults to.
inline constexpr char kDefaultProduct[] = "Linux/UNIX";

struct Market {
  std::string instance_type;
  std::string availability_zone;
  std::string product = kDefaultProduct;

  // "c4.large/eu-central-1a/Linux/UNIX": how errors and plans name it.
  std::string Name() const;
  friend bool operator==(const Market&, const Market&) = default;
};

// Price statistics of one market over a window ending at `as_of`.
// The mean is time-weighted: each price counts for as long as it held.
struct PriceStats {
  double min_usd = 0;
  double mean_usd = 0;
  double max_usd = 0;
  double current_usd = 0;
  // Price points the window saw (including the one in force at its start).
  int64_t points = 0;
  // When the current price was set.
  absl::Time last_change = absl::InfinitePast();
  // The end of the window these statistics describe.
  absl::Time as_of = absl::InfinitePast();
};

// One price change: from `time` on, the price was `usd_per_hour`.
struct PricePoint {
  absl::Time time;
  double usd_per_hour = 0;
};

struct MarketView {
  Market market;
  // The price over the policy's window. Give either `stats` or
  // `price_history`.
  PriceStats stats;
  // On-demand price of the market's instance type; 0 means "use the
  // policy's instance.on_demand_usd_per_hour".
  double on_demand_usd_per_hour = 0;
  // Raw price points (any order) instead of `stats`: the engine summarises
  // them over the policy's bidding.price_window, as a PriceWindow would. For
  // callers that have the price history but not a window of their own.
  std::vector<PricePoint> price_history;
};

// Checks that `stats` can be bid on at `now`: at least one point, no NaN,
// infinite or negative price, and (when max_age > 0) a last price change no
// older than max_age. The error is InvalidArgument (bad numbers) or
// FailedPrecondition (empty or stale) and names the market.
absl::Status CheckPriceStats(const Market& market, const PriceStats& stats,
                             absl::Time now, absl::Duration max_age);

}  // namespace spotburst

#endif  // SPOTBURST_MARKET_H_
