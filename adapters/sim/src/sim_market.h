// SimMarket: one spot market's price over time, replayed from a trace.
//
// A price holds from its point's time until the next point (as EC2
// reports, and as PriceWindow reads them); after the last point the last
// price holds. Before the first point there is no price (the scenario
// checks that the run starts inside the trace). Times are whole seconds:
// traces have second resolution and the simulator never makes finer ones.
//
// PriceAt and CostBetween are O(log n) binary searches over arrays, for the
// billing meter's look-ups into the past; Slice serves PriceFeed::History
// from a cursor, so the controller's "what is new since the last tick" costs
// O(new points). The history is borrowed and must outlive the market.
//
//   SimMarket market(history);
//   double usd = market.PriceAt(t);
//   double cost = market.CostBetween(launch, end);  // one instance, USD
#ifndef SPOTBURST_SIM_SRC_SIM_MARKET_H_
#define SPOTBURST_SIM_SRC_SIM_MARKET_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "spotburst/market.h"
#include "spotburst/price_feed.h"

namespace spotburst::sim::internal {

class SimMarket {
 public:
  explicit SimMarket(const PriceHistory& history);
  SimMarket(const SimMarket&) = delete;
  SimMarket& operator=(const SimMarket&) = delete;

  const Market& market() const { return history_.market; }
  size_t size() const { return seconds_.size(); }
  // Unix seconds of point `i`.
  int64_t TimeOf(size_t i) const { return seconds_[i]; }
  double PriceOf(size_t i) const { return prices_[i]; }

  // Index of the point in force at `t` (the last at or before it), or -1
  // when `t` is before the first point.
  int64_t IndexAt(int64_t t) const;
  // The price in force at `t`; 0 before the first point.
  double PriceAt(int64_t t) const;
  // What one instance costs from `from` to `to` at the prices in force,
  // USD (price per hour x hours held). 0 when to <= from.
  double CostBetween(int64_t from, int64_t to) const;
  // USD one instance costs from the first point to `t`; 0 before it.
  // CostBetween(a, b) is CumulativeCost(b) - CumulativeCost(a) for a < b.
  double CumulativeCost(int64_t t) const;

  // The points in [from, to] plus the one in force at `from`, in order.
  PriceHistory Slice(absl::Time from, absl::Time to);
  // The same into `slice`, reusing its vector.
  void SliceInto(absl::Time from, absl::Time to, PriceHistory& slice);

 private:
  const PriceHistory& history_;
  std::vector<int64_t> seconds_;
  std::vector<double> prices_;
  // cumulative_[i]: USD from the first point to point i.
  std::vector<double> cumulative_;
  // Slice's cursor: the index it last started from.
  size_t slice_hint_ = 0;
};

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_SIM_MARKET_H_
