// DemandCurve: what the simulated cluster is asked to run, over time.
//
// Demand is a step function: each step holds from its time until the next
// one. It comes from a workload trace (replayed from its first row at the
// scenario's start, cpus as they are, memory GiB -> MiB, both times the
// scale) or from scripted phases (tasks x per-task resources from `at`);
// `base` is added to every step and is the demand before the first step.
// At(t) is amortised O(1) for times that only move forward (the simulator's
// case) and O(log n) otherwise. Not thread-safe (the cursor moves).
//
//   DemandCurve demand = DemandCurve::FromPhases(phases, base, start);
//   Resources now = demand.At(start + absl::Minutes(5));
#ifndef SPOTBURST_SIM_SRC_DEMAND_CURVE_H_
#define SPOTBURST_SIM_SRC_DEMAND_CURVE_H_

#include <cstddef>
#include <vector>

#include "absl/time/time.h"
#include "spotburst/resources.h"
#include "spotburst/sim/scenario.h"
#include "workload_trace.h"

namespace spotburst::sim::internal {

class DemandCurve {
 public:
  struct Step {
    absl::Time time;
    Resources demand;  // base included
  };

  // `samples` must be in time order (as ParseWorkloadCsv returns them).
  // Samples that would land after `end` are left out (a run of a day over
  // a year-long trace converts a day's worth).
  static DemandCurve FromWorkload(const std::vector<WorkloadSample>& samples,
                                  double scale, const Resources& base,
                                  absl::Time start,
                                  absl::Time end = absl::InfiniteFuture());
  // Phases in time order (the scenario loader checks it).
  static DemandCurve FromPhases(const std::vector<DemandPhase>& phases,
                                const Resources& base, absl::Time start);

  // The demand in force at `t`.
  Resources At(absl::Time t);

  const std::vector<Step>& steps() const { return steps_; }
  const Resources& base() const { return base_; }

 private:
  DemandCurve(std::vector<Step> steps, const Resources& base)
      : steps_(std::move(steps)), base_(base) {}

  std::vector<Step> steps_;
  Resources base_;
  // Index of the step in force at the last At() time; steps_.size() when
  // that time was before the first step.
  size_t cursor_ = 0;
  absl::Time cursor_time_ = absl::InfinitePast();
};

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_DEMAND_CURVE_H_
