// The hindsight bound: what serving the demand would cost a policy that
// knew every future price and paid for nothing it did not use.
//
// It is a lower bound, not a plan anyone could follow. It assumes:
//   - at every instant the burst instances needed are
//       n(t) = max over resources with a non-zero shape of
//              ceil(max(0, demand(t) - baseline) / shape),
//     capped at the policy's max_instances (no policy under that limit
//     could run more, and unmet demand is reported separately);
//   - each is paid at min(spot price(t), on-demand price) for exactly the
//     time it is needed: no boot or request delay, no billing granularity
//     (no started hours, no 60-second minimum), no interruptions, no
//     headroom below a burst point;
//   - demand and the price are step functions, so the integral is exact:
//     it is summed over the intervals between their change points.
// A policy that runs at least n(t) instances throughout pays at least this,
// so its regret (cost - bound) is never negative; one that costs less
// left demand unmet, which the served share shows.
//
//   double bound = HindsightCostUsd({...});
#ifndef SPOTBURST_SIM_SRC_HINDSIGHT_H_
#define SPOTBURST_SIM_SRC_HINDSIGHT_H_

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
  const SimMarket* spot = nullptr;
  double on_demand_usd_per_hour = 0;
  Resources baseline;
  Resources shape;
  int max_instances = 0;
  absl::Time start;
  absl::Time end;
};

// USD over [start, end).
double HindsightCostUsd(const HindsightInput& input);

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_HINDSIGHT_H_
