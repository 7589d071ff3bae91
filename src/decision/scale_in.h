// Billing-aware scale-in: which instances to end now, which to postpone.
//
// Of the candidates, end up to `count` that are endable now, on-demand ones
// first (they cost most), then those closest to the end of their paid
// period, then the youngest. If fewer are endable, postpone the ones that
// become endable soonest, each with its billing position and the time it
// becomes endable, so the plan is a schedule rather than a retry.
#ifndef SPOTBURST_SRC_DECISION_SCALE_IN_H_
#define SPOTBURST_SRC_DECISION_SCALE_IN_H_

#include <functional>
#include <vector>

#include "absl/time/time.h"
#include "decision/unit_weights.h"
#include "spotburst/fleet.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"

namespace spotburst::internal {

struct ScaleInChoice {
  std::vector<Action> terminations;
  std::vector<Action> postponements;
  // The instances of the actions above, index for index.
  std::vector<const Instance*> terminated;
  std::vector<const Instance*> postponed;
};

// `cause` is the reason every action starts with (why fewer instances).
// `drained_first` says whether ending an instance starts with a drain of
// policy.billing.drain_time (its agent runs tasks); one that ends at once
// (no agent yet, or drained already) is endable only when its end itself
// wastes no paid time. Unset: every instance is drained first.
// With `weights` (instance.alternatives), `count` is in units: instances
// are taken in the same order, each removing its type's weight, and one
// weighing more than the units still to remove is skipped. Unset: each
// instance counts one.
ScaleInChoice ChooseScaleIn(
    const std::vector<const Instance*>& candidates, int count,
    const Policy& policy, absl::Time now, const Reason& cause,
    const std::function<bool(const Instance&)>& drained_first = nullptr,
    const UnitWeights* weights = nullptr);

}  // namespace spotburst::internal

#endif  // SPOTBURST_SRC_DECISION_SCALE_IN_H_
