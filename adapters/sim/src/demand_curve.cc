// Demand as a step function over simulated time.
#include "demand_curve.h"

#include <algorithm>
#include <utility>

namespace spotburst::sim::internal {

DemandCurve DemandCurve::FromWorkload(
    const std::vector<WorkloadSample>& samples, double scale,
    const Resources& base, absl::Time start, absl::Time end) {
  std::vector<Step> steps;
  if (!samples.empty()) {
    const absl::Time first = samples.front().time;
    for (const WorkloadSample& s : samples) {
      const absl::Time time = start + (s.time - first);
      if (time > end) break;
      Resources demand = base;
      demand.cpus += s.cpus_used * scale;
      demand.mem_mib += s.mem_gib_used * 1024 * scale;
      steps.push_back({.time = time, .demand = demand});
    }
  }
  return DemandCurve(std::move(steps), base);
}

DemandCurve DemandCurve::FromPhases(const std::vector<DemandPhase>& phases,
                                    const Resources& base, absl::Time start) {
  std::vector<Step> steps;
  steps.reserve(phases.size());
  for (const DemandPhase& phase : phases) {
    steps.push_back({.time = start + phase.at,
                     .demand = base + phase.per_task * phase.tasks});
  }
  return DemandCurve(std::move(steps), base);
}

Resources DemandCurve::At(absl::Time t) {
  const size_t n = steps_.size();
  if (n == 0 || t < steps_.front().time) {
    cursor_ = n;
    cursor_time_ = t;
    return base_;
  }
  if (t >= cursor_time_ && cursor_ < n) {
    // Forward from the last answer: a few steps at most between two ticks.
    while (cursor_ + 1 < n && steps_[cursor_ + 1].time <= t) ++cursor_;
  } else {
    const auto after = std::upper_bound(
        steps_.begin(), steps_.end(), t,
        [](absl::Time time, const Step& step) { return time < step.time; });
    cursor_ = static_cast<size_t>(after - steps_.begin()) - 1;
  }
  cursor_time_ = t;
  return steps_[cursor_].demand;
}

}  // namespace spotburst::sim::internal
