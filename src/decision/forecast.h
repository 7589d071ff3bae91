// Lag-aware scaling (scaling.forecast): the lags learned from the fleet's
// own history, recent demand kept in the engine state, and the demand
// expected by the time capacity asked for now has joined.
#ifndef SPOTBURST_SRC_DECISION_FORECAST_H_
#define SPOTBURST_SRC_DECISION_FORECAST_H_

#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "decision/fleet_view.h"
#include "spotburst/engine.h"
#include "spotburst/fleet.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"
#include "spotburst/resources.h"
#include "spotburst/scaling_strategy.h"

namespace spotburst::internal {

// One demand sample per this much time: its peak over the interval.
inline constexpr absl::Duration kDemandSampleInterval = absl::Minutes(5);
// A lag's mean weighs the last this many observations (a plain mean up to
// there, then exponential), so it follows a market that changes.
inline constexpr int kLagMemory = 20;

// Adds one observation to a running lag estimate.
void ObserveLag(absl::Duration observed, LagEstimate& lag);

// Learns the lags the fleet shows, each instance once (by launch time,
// newer than what the estimate learned until): fulfilment from an
// instance's spot request (created -> instance launched), boot from an
// instance that has joined (its agent is in the cluster, or it runs when
// the cluster reports no agents), measured to `now`, the first evaluation
// that sees it; only for instances launched after the first evaluation
// that learns (one already there may have joined long before). Boot is
// learned in launch order: an older instance still booting holds back the
// newer ones until it joins or is gone. An observation counts at most a
// day.
void LearnLags(const Fleet& fleet, const FleetView& view, absl::Time now,
               EngineState& state);

// Keeps `demand` in `history`: a new sample every kDemandSampleInterval,
// else the peak of the current one; samples older than `keep` go.
void RecordDemand(const Resources& demand, absl::Time now, absl::Duration keep,
                  std::vector<DemandSample>& history);

// How long history is kept for `policy`: a day and the longest horizon.
absl::Duration DemandHistoryKept(const ForecastPolicy& policy);

struct DemandForecast {
  // Request to joined (learned, or the policy's initial lag), plus the
  // evaluation interval (the next chance to ask), capped at max_horizon.
  absl::Duration lag;
  absl::Duration horizon;
  // Demand now plus its rise over the horizon, from the trend.
  Resources trend;
  // Demand now plus the rise the day before showed over the same stretch
  // of the day; set once a day of history exists.
  std::optional<Resources> daily;
  // The larger of both, per resource, plus the headroom.
  Resources demand;
};

DemandForecast ForecastDemand(const Policy& policy, const EngineState& state,
                              const Resources& demand_now, absl::Time now);

// The fewest instances (up to the input's max) that keep `demand` under
// the burst point, as the target strategy counts; the max when none does.
int CountFor(const ScalingInput& input, const Resources& demand);

// Records demand, forecasts it and, in act mode, raises the strategy's
// count to cover the forecast (the reason says so, with figures); it never
// lowers it. In record mode the decision stays and a note says what the
// count would have been. Either way `notes` gets the forecast's figures.
void ApplyForecast(const Policy& policy, const ScalingInput& input,
                   absl::Time now, EngineState& state,
                   ScalingDecision& decision, std::vector<Reason>& notes);

}  // namespace spotburst::internal

#endif  // SPOTBURST_SRC_DECISION_FORECAST_H_
