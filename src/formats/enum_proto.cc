// Conversions between the C++ enums and the spotburst.v1 enums.
#include "formats/enum_proto.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace spotburst::internal {
namespace {

absl::Status Unspecified(absl::string_view field,
                         absl::string_view unspecified_name) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": required, but missing or ", unspecified_name));
}

absl::Status Unknown(absl::string_view field, int value) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": unknown value ", value));
}

}  // namespace

v1::Lifecycle ToProto(Lifecycle lifecycle) {
  switch (lifecycle) {
    case Lifecycle::kSpot:
      return v1::LIFECYCLE_SPOT;
    case Lifecycle::kOnDemand:
      return v1::LIFECYCLE_ON_DEMAND;
  }
  return v1::LIFECYCLE_UNSPECIFIED;
}

v1::InstanceState ToProto(InstanceState state) {
  switch (state) {
    case InstanceState::kPending:
      return v1::INSTANCE_STATE_PENDING;
    case InstanceState::kRunning:
      return v1::INSTANCE_STATE_RUNNING;
  }
  return v1::INSTANCE_STATE_UNSPECIFIED;
}

v1::SpotRequestState ToProto(SpotRequestState state) {
  switch (state) {
    case SpotRequestState::kOpen:
      return v1::SPOT_REQUEST_STATE_OPEN;
    case SpotRequestState::kActive:
      return v1::SPOT_REQUEST_STATE_ACTIVE;
    case SpotRequestState::kClosed:
      return v1::SPOT_REQUEST_STATE_CLOSED;
    case SpotRequestState::kCancelled:
      return v1::SPOT_REQUEST_STATE_CANCELLED;
    case SpotRequestState::kFailed:
      return v1::SPOT_REQUEST_STATE_FAILED;
  }
  return v1::SPOT_REQUEST_STATE_UNSPECIFIED;
}

v1::SupplyMode ToProto(SupplyMode mode) {
  switch (mode) {
    case SupplyMode::kSpot:
      return v1::SUPPLY_MODE_SPOT;
    case SupplyMode::kOnDemand:
      return v1::SUPPLY_MODE_ON_DEMAND;
  }
  return v1::SUPPLY_MODE_UNSPECIFIED;
}

v1::ActionKind ToProto(ActionKind kind) {
  switch (kind) {
    case ActionKind::kRequestSpot:
      return v1::ACTION_KIND_REQUEST_SPOT;
    case ActionKind::kLaunchOnDemand:
      return v1::ACTION_KIND_LAUNCH_ON_DEMAND;
    case ActionKind::kCancelRequest:
      return v1::ACTION_KIND_CANCEL_REQUEST;
    case ActionKind::kTerminateInstance:
      return v1::ACTION_KIND_TERMINATE_INSTANCE;
    case ActionKind::kPostponeTermination:
      return v1::ACTION_KIND_POSTPONE_TERMINATION;
    case ActionKind::kDrainInstance:
      return v1::ACTION_KIND_DRAIN_INSTANCE;
  }
  return v1::ACTION_KIND_UNSPECIFIED;
}

v1::FailureCause ToProto(FailureCause cause) {
  switch (cause) {
    case FailureCause::kCapacity:
      return v1::FAILURE_CAUSE_CAPACITY;
    case FailureCause::kQuota:
      return v1::FAILURE_CAUSE_QUOTA;
    default:
      return v1::FAILURE_CAUSE_UNSPECIFIED;
  }
}

v1::HoldReason ToProto(HoldReason reason) {
  switch (reason) {
    case HoldReason::kPlacementConstraint:
      return v1::HOLD_REASON_PLACEMENT_CONSTRAINT;
    case HoldReason::kRole:
      return v1::HOLD_REASON_ROLE;
    case HoldReason::kLaunchDelay:
      return v1::HOLD_REASON_LAUNCH_DELAY;
  }
  return v1::HOLD_REASON_UNSPECIFIED;
}

v1::AgentState ToProto(AgentState state) {
  switch (state) {
    case AgentState::kActive:
      return v1::AGENT_STATE_ACTIVE;
    case AgentState::kDraining:
      return v1::AGENT_STATE_DRAINING;
    case AgentState::kDrained:
      return v1::AGENT_STATE_DRAINED;
  }
  return v1::AGENT_STATE_UNSPECIFIED;
}

absl::StatusOr<HoldReason> HoldReasonFromProto(int value,
                                               absl::string_view field) {
  switch (value) {
    case v1::HOLD_REASON_UNSPECIFIED:
      return Unspecified(field, "HOLD_REASON_UNSPECIFIED");
    case v1::HOLD_REASON_PLACEMENT_CONSTRAINT:
      return HoldReason::kPlacementConstraint;
    case v1::HOLD_REASON_ROLE:
      return HoldReason::kRole;
    case v1::HOLD_REASON_LAUNCH_DELAY:
      return HoldReason::kLaunchDelay;
  }
  return Unknown(field, value);
}

absl::StatusOr<AgentState> AgentStateFromProto(int value,
                                               absl::string_view field) {
  switch (value) {
    case v1::AGENT_STATE_UNSPECIFIED:
      return Unspecified(field, "AGENT_STATE_UNSPECIFIED");
    case v1::AGENT_STATE_ACTIVE:
      return AgentState::kActive;
    case v1::AGENT_STATE_DRAINING:
      return AgentState::kDraining;
    case v1::AGENT_STATE_DRAINED:
      return AgentState::kDrained;
  }
  return Unknown(field, value);
}

absl::StatusOr<FailureCause> FailureCauseFromProto(int value,
                                                   absl::string_view field) {
  switch (value) {
    case v1::FAILURE_CAUSE_UNSPECIFIED:
      return Unspecified(field, "FAILURE_CAUSE_UNSPECIFIED");
    case v1::FAILURE_CAUSE_CAPACITY:
      return FailureCause::kCapacity;
    case v1::FAILURE_CAUSE_QUOTA:
      return FailureCause::kQuota;
  }
  return Unknown(field, value);
}

absl::StatusOr<Lifecycle> LifecycleFromProto(int value,
                                             absl::string_view field) {
  switch (value) {
    case v1::LIFECYCLE_UNSPECIFIED:
      return Unspecified(field, "LIFECYCLE_UNSPECIFIED");
    case v1::LIFECYCLE_SPOT:
      return Lifecycle::kSpot;
    case v1::LIFECYCLE_ON_DEMAND:
      return Lifecycle::kOnDemand;
  }
  return Unknown(field, value);
}

absl::StatusOr<InstanceState> InstanceStateFromProto(int value,
                                                     absl::string_view field) {
  switch (value) {
    case v1::INSTANCE_STATE_UNSPECIFIED:
      return Unspecified(field, "INSTANCE_STATE_UNSPECIFIED");
    case v1::INSTANCE_STATE_PENDING:
      return InstanceState::kPending;
    case v1::INSTANCE_STATE_RUNNING:
      return InstanceState::kRunning;
  }
  return Unknown(field, value);
}

absl::StatusOr<SpotRequestState> SpotRequestStateFromProto(
    int value, absl::string_view field) {
  switch (value) {
    case v1::SPOT_REQUEST_STATE_UNSPECIFIED:
      return Unspecified(field, "SPOT_REQUEST_STATE_UNSPECIFIED");
    case v1::SPOT_REQUEST_STATE_OPEN:
      return SpotRequestState::kOpen;
    case v1::SPOT_REQUEST_STATE_ACTIVE:
      return SpotRequestState::kActive;
    case v1::SPOT_REQUEST_STATE_CLOSED:
      return SpotRequestState::kClosed;
    case v1::SPOT_REQUEST_STATE_CANCELLED:
      return SpotRequestState::kCancelled;
    case v1::SPOT_REQUEST_STATE_FAILED:
      return SpotRequestState::kFailed;
  }
  return Unknown(field, value);
}

absl::StatusOr<ActionKind> ActionKindFromProto(int value,
                                               absl::string_view field) {
  switch (value) {
    case v1::ACTION_KIND_UNSPECIFIED:
      return Unspecified(field, "ACTION_KIND_UNSPECIFIED");
    case v1::ACTION_KIND_REQUEST_SPOT:
      return ActionKind::kRequestSpot;
    case v1::ACTION_KIND_LAUNCH_ON_DEMAND:
      return ActionKind::kLaunchOnDemand;
    case v1::ACTION_KIND_CANCEL_REQUEST:
      return ActionKind::kCancelRequest;
    case v1::ACTION_KIND_TERMINATE_INSTANCE:
      return ActionKind::kTerminateInstance;
    case v1::ACTION_KIND_POSTPONE_TERMINATION:
      return ActionKind::kPostponeTermination;
    case v1::ACTION_KIND_DRAIN_INSTANCE:
      return ActionKind::kDrainInstance;
  }
  return Unknown(field, value);
}

absl::StatusOr<SupplyMode> SupplyModeFromProto(
    int value, absl::string_view field, std::optional<SupplyMode> unspecified) {
  switch (value) {
    case v1::SUPPLY_MODE_UNSPECIFIED:
      if (unspecified.has_value()) return *unspecified;
      return Unspecified(field, "SUPPLY_MODE_UNSPECIFIED");
    case v1::SUPPLY_MODE_SPOT:
      return SupplyMode::kSpot;
    case v1::SUPPLY_MODE_ON_DEMAND:
      return SupplyMode::kOnDemand;
  }
  return Unknown(field, value);
}

}  // namespace spotburst::internal
