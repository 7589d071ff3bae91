// Conversions between the C++ enums and the spotburst.v1 enums.
//
// The v1 enums reserve zero for *_UNSPECIFIED, so their numbers differ from
// the C++ ones; every conversion goes through these switches, never a cast.
// Reading a required field that is unspecified is InvalidArgument naming
// the field: an omitted value must never read as a real one.
#ifndef SPOTBURST_SRC_FORMATS_ENUM_PROTO_H_
#define SPOTBURST_SRC_FORMATS_ENUM_PROTO_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "spotburst/cluster_state.h"
#include "spotburst/fleet.h"
#include "spotburst/launch_failure.h"
#include "spotburst/plan.h"
#include "spotburst/v1/plan.pb.h"
#include "spotburst/v1/state.pb.h"

namespace spotburst::internal {

v1::Lifecycle ToProto(Lifecycle lifecycle);
v1::InstanceState ToProto(InstanceState state);
v1::SpotRequestState ToProto(SpotRequestState state);
v1::SupplyMode ToProto(SupplyMode mode);
v1::ActionKind ToProto(ActionKind kind);
// Only the causes that block launches have a v1 value; others are
// FAILURE_CAUSE_UNSPECIFIED.
v1::FailureCause ToProto(FailureCause cause);
v1::HoldReason ToProto(HoldReason reason);
v1::AgentState ToProto(AgentState state);

// `field` names the field in errors ("lifecycle: required, ...").
absl::StatusOr<Lifecycle> LifecycleFromProto(int value,
                                             absl::string_view field);
absl::StatusOr<InstanceState> InstanceStateFromProto(int value,
                                                     absl::string_view field);
absl::StatusOr<SpotRequestState> SpotRequestStateFromProto(
    int value, absl::string_view field);
absl::StatusOr<ActionKind> ActionKindFromProto(int value,
                                               absl::string_view field);
// CAPACITY or QUOTA; anything else is InvalidArgument naming `field`.
absl::StatusOr<FailureCause> FailureCauseFromProto(int value,
                                                   absl::string_view field);
absl::StatusOr<HoldReason> HoldReasonFromProto(int value,
                                               absl::string_view field);
absl::StatusOr<AgentState> AgentStateFromProto(int value,
                                               absl::string_view field);
// `unspecified` is what SUPPLY_MODE_UNSPECIFIED means for this field
// (a fresh engine state is on spot); empty when the field is required.
absl::StatusOr<SupplyMode> SupplyModeFromProto(
    int value, absl::string_view field,
    std::optional<SupplyMode> unspecified = std::nullopt);

}  // namespace spotburst::internal

#endif  // SPOTBURST_SRC_FORMATS_ENUM_PROTO_H_
