// Churn control: min/max, cooldowns and the stabilization window, applied
// to the scaling strategy's wish. All default off, so "burst-point" alone
// behaves as the prototype did. A scale-up cooldown never holds the
// replacement of capacity under interruption notice.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "decision/engine_steps.h"

namespace spotburst::internal {

ChurnTarget ApplyChurnControl(const Policy& policy, int counted,
                              int unreplaced_notice_units,
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
      const int replacing =
          std::min(desired, counted + unreplaced_notice_units);
      Reason& note = notes.emplace_back(
          MakeReason(ReasonCode::kCooldown,
                     "scale-up to %d held: last scale-up %s ago, cooldown %s",
                     desired, since_up, scaling.scale_up_cooldown));
      if (replacing > counted) {
        note.text.Add("; replacing %d unit(s) under interruption notice now",
                      replacing - counted);
        note.figures.push_back(
            {"replacing_notices", static_cast<double>(replacing - counted)});
      }
      return {.desired = replacing,
              .replacing_notices_only = replacing > counted};
    }
    return {.desired = desired};
  }
  if (desired == counted) {
    state.scale_in_wanted_since = absl::InfiniteFuture();
    return {.desired = desired};
  }
  state.scale_in_wanted_since = std::min(state.scale_in_wanted_since, now);
  const absl::Duration wanted_for = now - state.scale_in_wanted_since;
  if (wanted_for < scaling.stabilization_window) {
    notes.push_back(MakeReason(
        ReasonCode::kStabilizing,
        "scale-in to %d held: wanted for %s, stabilization window %s", desired,
        wanted_for, scaling.stabilization_window));
    return {.desired = counted};
  }
  const absl::Duration since_change =
      now - std::max(state.last_scale_up, state.last_scale_down);
  if (since_change < scaling.scale_down_cooldown) {
    notes.push_back(
        MakeReason(ReasonCode::kCooldown,
                   "scale-in to %d held: last scaling %s ago, cooldown %s",
                   desired, since_change, scaling.scale_down_cooldown));
    return {.desired = counted};
  }
  return {.desired = desired};
}

namespace {

bool Contains(const std::vector<std::string>& ids, std::string_view id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

int UnreplacedNoticeUnits(const FleetView& fleet,
                          std::vector<std::string>& replaced) {
  std::erase_if(replaced, [&](const std::string& id) {
    return std::none_of(
        fleet.interrupted.begin(), fleet.interrupted.end(),
        [&](const Instance* instance) { return instance->id == id; });
  });
  int units = 0;
  for (const Instance* instance : fleet.interrupted) {
    if (!Contains(replaced, instance->id)) {
      units += fleet.weights.Of(instance->instance_type);
    }
  }
  return units;
}

void MarkNoticesReplaced(const FleetView& fleet, int units,
                         std::vector<std::string>& replaced) {
  for (const Instance* instance : fleet.interrupted) {
    if (units <= 0) return;
    if (Contains(replaced, instance->id)) continue;
    replaced.push_back(instance->id);
    units -= fleet.weights.Of(instance->instance_type);
  }
}

}  // namespace spotburst::internal
