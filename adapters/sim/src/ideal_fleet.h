// The idealised fleets behind the ceiling (spotburst/sim/ceiling.h), on
// series sampled once per decision: what a rule asks for at each step, and
// what holding it costs and serves.
//
//   std::vector<int> wanted = RuleTargets(series, signals, rule);
//   IdealOutcome outcome = RunIdealFleet(series, wanted);
#ifndef SPOTBURST_SIM_SRC_IDEAL_FLEET_H_
#define SPOTBURST_SIM_SRC_IDEAL_FLEET_H_

#include <utility>
#include <vector>

#include "spotburst/resources.h"
#include "spotburst/sim/ceiling.h"

namespace spotburst::sim::internal {

// One sample per step, at the step's start; each holds for the step.
struct IdealSeries {
  double step_hours = 1.0 / 60;
  std::vector<Resources> demand;  // base included
  std::vector<int> needed;        // burst units the demand needs
  // Cheapest spot price per unit, capped by on-demand's.
  std::vector<double> usd_per_unit_hour;
  Resources baseline;
  Resources shape;  // one unit
  // From a request until the unit counts.
  int lag_steps = 0;
  int steps_per_day = 1440;
};

// What the rules look back on, computed once per series.
class RuleSignals {
 public:
  explicit RuleSignals(const IdealSeries& series);
  // The most needed over the last `steps` steps, the current one included.
  const std::vector<int>& WindowMax(int steps);
  // The largest rise of the need from one step to the next over the last
  // `steps` steps.
  const std::vector<int>& JumpMax(int steps);
  // The largest rise a day earlier over the steps the lag spans from now:
  // for step i, over i - day + 1 .. i - day + lag (0 in the first day).
  const std::vector<int>& DailyRise() const { return daily_rise_; }

 private:
  const IdealSeries& series_;
  std::vector<int> rises_;
  std::vector<int> daily_rise_;
  std::vector<std::pair<int, std::vector<int>>> window_max_;
  std::vector<std::pair<int, std::vector<int>>> jump_max_;
};

// Units `rule` asks for at each step.
std::vector<int> RuleTargets(const IdealSeries& series, RuleSignals& signals,
                             const CeilingRule& rule);

struct IdealOutcome {
  double cost_usd = 0;
  double served_share = 1;
};

// Holds at step i the units wanted now that were asked for at least a lag
// ago, keeping those already held while they are still wanted:
//   held(i) = min(wanted(i), max(held(i-1), wanted(i - lag))),
// and pays for every unit wanted, from its launch (the boot included).
IdealOutcome RunIdealFleet(const IdealSeries& series,
                           const std::vector<int>& wanted);

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_IDEAL_FLEET_H_
