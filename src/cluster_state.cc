// ClusterState: the names of hold reasons and agent states.
#include "spotburst/cluster_state.h"

namespace spotburst {

std::string_view HoldReasonName(HoldReason reason) {
  switch (reason) {
    case HoldReason::kPlacementConstraint:
      return "placement-constraint";
    case HoldReason::kRole:
      return "role";
    case HoldReason::kLaunchDelay:
      return "launch-delay";
  }
  return "unknown";
}

std::string_view AgentStateName(AgentState state) {
  switch (state) {
    case AgentState::kActive:
      return "active";
    case AgentState::kDraining:
      return "draining";
    case AgentState::kDrained:
      return "drained";
  }
  return "unknown";
}

}  // namespace spotburst
