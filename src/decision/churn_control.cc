// Churn control: min/max, cooldowns and the stabilization window, applied
// to the scaling strategy's wish. All default off, so "burst-point" alone
// behaves as the prototype did.
#include <algorithm>

#include "decision/engine_steps.h"

namespace spotburst::internal {

int ApplyChurnControl(const Policy& policy, int counted,
                      const ScalingDecision& decision, absl::Time now,
                      EngineState& state, std::vector<Reason>& notes) {
  const ScalingPolicy& scaling = policy.scaling;
  int desired = decision.desired;
  notes.push_back(decision.reason);
  if (desired > scaling.max_instances) {
    notes.push_back(MakeReason(ReasonCode::kAtMaxInstances,
                               "%d wanted > max %d -> %d", desired,
                               scaling.max_instances, scaling.max_instances));
    desired = scaling.max_instances;
  }
  if (desired < scaling.min_instances) {
    notes.push_back(MakeReason(ReasonCode::kAtMinInstances,
                               "%d wanted < min %d -> %d", desired,
                               scaling.min_instances, scaling.min_instances));
    desired = scaling.min_instances;
  }

  if (desired > counted) {
    state.scale_in_wanted_since = absl::InfiniteFuture();
    const absl::Duration since_up = now - state.last_scale_up;
    if (since_up < scaling.scale_up_cooldown) {
      notes.push_back(
          MakeReason(ReasonCode::kCooldown,
                     "scale-up to %d held: last scale-up %s ago, cooldown %s",
                     desired, since_up, scaling.scale_up_cooldown));
      return counted;
    }
    return desired;
  }
  if (desired == counted) {
    state.scale_in_wanted_since = absl::InfiniteFuture();
    return desired;
  }
  state.scale_in_wanted_since = std::min(state.scale_in_wanted_since, now);
  const absl::Duration wanted_for = now - state.scale_in_wanted_since;
  if (wanted_for < scaling.stabilization_window) {
    notes.push_back(MakeReason(
        ReasonCode::kStabilizing,
        "scale-in to %d held: wanted for %s, stabilization window %s", desired,
        wanted_for, scaling.stabilization_window));
    return counted;
  }
  const absl::Duration since_change =
      now - std::max(state.last_scale_up, state.last_scale_down);
  if (since_change < scaling.scale_down_cooldown) {
    notes.push_back(
        MakeReason(ReasonCode::kCooldown,
                   "scale-in to %d held: last scaling %s ago, cooldown %s",
                   desired, since_change, scaling.scale_down_cooldown));
    return counted;
  }
  return desired;
}

}  // namespace spotburst::internal
