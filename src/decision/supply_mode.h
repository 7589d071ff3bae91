// On-demand fallback and the way back to spot, as a small state machine.
//
// Spot cannot serve when the market price is above on-demand, when the bid
// would exceed on-demand, when the (capped) bid is below the market price,
// when requests stay unfulfilled past the request timeout, or when the
// cloud refused spot for capacity or quota (a backoff). With the
// fallback enabled, any of these switches new capacity to on-demand in the
// same evaluation. The way back: once spot has looked healthy for
// `revert_after` (and, after a capacity fallback, `retry_spot_after` has
// passed, since spot capacity cannot be observed), new capacity is spot
// again and on-demand instances are replaced.
#ifndef SPOTBURST_SRC_DECISION_SUPPLY_MODE_H_
#define SPOTBURST_SRC_DECISION_SUPPLY_MODE_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "spotburst/engine.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"

namespace spotburst::internal {

struct SpotSignals {
  double current_usd = 0;
  double bid_usd = 0;
  double on_demand_usd = 0;
  bool bid_below_current = false;
  // Open requests older than the request timeout.
  int unfulfilled_past_timeout = 0;
  absl::Duration request_timeout;
  // Why no market may be asked for spot now (a capacity or quota backoff).
  std::optional<Reason> spot_blocked;
};

// Why spot cannot serve on price alone, or nullopt when it can.
std::optional<Reason> PriceTrouble(const SpotSignals& signals);

// Moves `state` to the mode for this evaluation; returns the reason when
// the mode changed.
std::optional<Reason> UpdateSupplyMode(const FallbackPolicy& policy,
                                       const SpotSignals& signals,
                                       absl::Time now, EngineState& state);

}  // namespace spotburst::internal

#endif  // SPOTBURST_SRC_DECISION_SUPPLY_MODE_H_
