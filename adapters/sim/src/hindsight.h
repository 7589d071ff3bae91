// The hindsight reference: what serving the demand would cost someone who
// knew every future price and could start and end instances at will, each
// second, without billing rules. One figure per scenario: it depends on
// the demand, the baseline, the instance shape and the prices, never on a
// policy's scaling, bidding or billing choices, so every row of a
// comparison is measured against the same yardstick.
//
// It assumes:
//   - at every instant the burst instances needed are
//       n(t) = max over resources with a non-zero shape of
//              ceil(max(0, demand(t) - baseline) / shape),
//     uncapped (a policy whose max_instances is lower leaves demand unmet,
//     and its served share shows it);
//   - each is paid at min(spot price(t), on-demand price), per second, for
//     exactly the time it is needed: no boot or request delay, no started
//     hours, no minimum, no headroom below a burst point;
//   - with several instance types (instance.alternatives), n(t) counts
//     units of instance.shape, each paid at the cheapest price per unit
//     (price / weight) among the markets at t, capped by the cheapest
//     on-demand price per unit: capacity as divisible as the units are;
//   - nothing is free: no interruption gives time back;
//   - demand and the price are step functions, so the integral is exact:
//     it is summed over the intervals between their change points.
// It is a reference, not a lower bound: a run can cost less by leaving
// demand unmet, by time the provider did not charge (an interrupted partial
// hour under hourly billing, an interrupted first hour under per-second
// billing), or under hourly billing by paying each hour at the price when
// it started while the price rose within it.
//
//   double reference = HindsightCostUsd({...});
#ifndef SPOTBURST_SIM_SRC_HINDSIGHT_H_
#define SPOTBURST_SIM_SRC_HINDSIGHT_H_

#include <vector>

#include "absl/time/time.h"
#include "demand_curve.h"
#include "sim_market.h"
#include "spotburst/resources.h"

namespace spotburst::sim::internal {

// Burst instances needed to serve `demand` above `baseline`, uncapped.
int InstancesNeeded(const Resources& demand, const Resources& baseline,
                    const Resources& shape);

struct HindsightInput {
  const DemandCurve* demand = nullptr;
  // The spot markets of the instance types, at least one; with several,
  // each second is paid at the cheapest of them per unit (any zone and type
  // could be chosen).
  std::vector<const SimMarket*> spots;
  // Units per instance of each of `spots` (instance.shapes); empty: all 1.
  std::vector<double> weights;
  // Per unit (one instance.shape).
  double on_demand_usd_per_hour = 0;
  Resources baseline;
  Resources shape;
  absl::Time start;
  absl::Time end;
};

// USD over [start, end).
double HindsightCostUsd(const HindsightInput& input);

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_HINDSIGHT_H_
