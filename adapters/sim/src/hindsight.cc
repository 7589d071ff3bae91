// The hindsight reference, summed exactly over the intervals on which both
// demand and price are constant.
#include "hindsight.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace spotburst::sim::internal {

int InstancesNeeded(const Resources& demand, const Resources& baseline,
                    const Resources& shape) {
  double needed = 0;
  for (ResourceKind kind : kAllResourceKinds) {
    const double unit = shape.Get(kind);
    const double excess = demand.Get(kind) - baseline.Get(kind);
    // A resource no instance adds cannot be bought; it does not count.
    if (unit <= 0 || excess <= 0) continue;
    // The tolerance keeps 60 / 2 = 30.000000000000004 at 30.
    needed = std::max(needed, std::ceil(excess / unit - 1e-9));
  }
  return static_cast<int>(std::min<double>(needed, 1e9));
}

double HindsightCostUsd(const HindsightInput& input) {
  const int64_t start = absl::ToUnixSeconds(input.start);
  const int64_t end = absl::ToUnixSeconds(input.end);
  if (end <= start) return 0;
  const std::vector<DemandCurve::Step>& steps = input.demand->steps();
  const std::vector<const SimMarket*>& spots = input.spots;
  constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

  // The demand step in force at `start` (-1: before the first, the base).
  int64_t d =
      static_cast<int64_t>(
          std::upper_bound(steps.begin(), steps.end(), input.start,
                           [](absl::Time t, const DemandCurve::Step& s) {
                             return t < s.time;
                           }) -
          steps.begin()) -
      1;
  // Each market's point in force (-1: before its first point).
  std::vector<int64_t> p;
  for (const SimMarket* spot : spots) p.push_back(spot->IndexAt(start));
  double cost = 0;
  for (int64_t a = start; a < end;) {
    const int64_t next_demand = d + 1 < static_cast<int64_t>(steps.size())
                                    ? absl::ToUnixSeconds(steps[d + 1].time)
                                    : kNever;
    int64_t next_price = kNever;
    for (size_t m = 0; m < spots.size(); ++m) {
      if (p[m] + 1 < static_cast<int64_t>(spots[m]->size())) {
        next_price = std::min(next_price, spots[m]->TimeOf(p[m] + 1));
      }
    }
    const int64_t b = std::min({next_demand, next_price, end});
    const Resources& demand = d < 0 ? input.demand->base() : steps[d].demand;
    const int needed = InstancesNeeded(demand, input.baseline, input.shape);
    if (needed > 0) {
      // Before a trace's first point there is no spot price: on-demand.
      double price = input.on_demand_usd_per_hour;
      for (size_t m = 0; m < spots.size(); ++m) {
        if (p[m] < 0) continue;
        const double per_unit =
            input.weights.empty() ? spots[m]->PriceOf(p[m])
                                  : spots[m]->PriceOf(p[m]) / input.weights[m];
        price = std::min(price, per_unit);
      }
      cost += needed * price * static_cast<double>(b - a) / 3600.0;
    }
    if (b == next_demand) ++d;
    for (size_t m = 0; m < spots.size(); ++m) {
      if (p[m] + 1 < static_cast<int64_t>(spots[m]->size()) &&
          spots[m]->TimeOf(p[m] + 1) == b) {
        ++p[m];
      }
    }
    a = b;
  }
  return cost;
}

}  // namespace spotburst::sim::internal
