// Fleet: the names of lifecycles and instance and request states.
#include "spotburst/fleet.h"

namespace spotburst {

std::string_view LifecycleName(Lifecycle lifecycle) {
  switch (lifecycle) {
    case Lifecycle::kSpot:
      return "spot";
    case Lifecycle::kOnDemand:
      return "on-demand";
  }
  return "unknown";
}

std::string_view InstanceStateName(InstanceState state) {
  switch (state) {
    case InstanceState::kPending:
      return "pending";
    case InstanceState::kRunning:
      return "running";
  }
  return "unknown";
}

std::string_view SpotRequestStateName(SpotRequestState state) {
  switch (state) {
    case SpotRequestState::kOpen:
      return "open";
    case SpotRequestState::kActive:
      return "active";
    case SpotRequestState::kClosed:
      return "closed";
    case SpotRequestState::kCancelled:
      return "cancelled";
    case SpotRequestState::kFailed:
      return "failed";
  }
  return "unknown";
}

}  // namespace spotburst
