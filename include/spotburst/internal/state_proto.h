// Internal to spotburst (target spotburst::internal): shared by its programs
// and adapters, not installed, no compatibility promise. Implemented in
// src/formats/ (state_proto.cc, plan_proto.cc, state_validation.cc).
//
// Conversions between the C++ value types and the spotburst.v1 state and
// plan messages. The JSON wire format and the gRPC sidecar share them.
//
// ToProto never fails. FromProto fails with InvalidArgument, naming the
// field, only where the message can hold what the C++ type cannot (an enum
// number or reason code this build does not know). Range checks of values
// (negative resources, NaN prices) are ValidateEvaluationState's job.
//
// Times: an unset Timestamp is the field's "never" value (InfinitePast, or
// InfiniteFuture for EngineState.scale_in_wanted_since and
// spot_healthy_since), and infinite times are written unset. Finite times
// outside the Timestamp range (years 1-9999) are written unset as well.
#ifndef SPOTBURST_INTERNAL_STATE_PROTO_H_
#define SPOTBURST_INTERNAL_STATE_PROTO_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "spotburst/cluster_state.h"
#include "spotburst/engine.h"
#include "spotburst/fleet.h"
#include "spotburst/launch_failure.h"
#include "spotburst/market.h"
#include "spotburst/plan.h"
#include "spotburst/resources.h"
#include "spotburst/v1/plan.pb.h"
#include "spotburst/v1/policy.pb.h"
#include "spotburst/v1/state.pb.h"
#include "spotburst/wire_format.h"

namespace spotburst::internal {

// The range google.protobuf.Timestamp allows: 0001-01-01T00:00:00Z to
// 9999-12-31T23:59:59.999999999Z. Times outside it cannot be written back
// (JSON or gRPC), so every input refuses them.
inline constexpr int64_t kMinTimestampSeconds = -62135596800;
inline constexpr int64_t kMaxTimestampSeconds = 253402300799;
bool InTimestampRange(absl::Time t);
// InvalidArgument "<path>: ..." for seconds or nanos out of range.
absl::Status CheckTimestamp(const google::protobuf::Timestamp& ts,
                            absl::string_view path);

// Empty when `t` is infinite or out of range: such times are written unset.
std::optional<google::protobuf::Timestamp> TimeToProto(absl::Time t);
// `unset` is what an absent Timestamp means for this field.
absl::Time TimeFromProto(const google::protobuf::Timestamp& ts, bool has,
                         absl::Time unset = absl::InfinitePast());
// Infinite durations saturate at the largest Duration the message holds.
google::protobuf::Duration DurationToProto(absl::Duration d);
absl::Duration DurationFromProto(const google::protobuf::Duration& d);

// Keeps the code and puts `prefix` (a field path) before the message.
absl::Status Prefixed(const absl::Status& status, absl::string_view prefix);

// Reverse lookups of the *Name functions.
absl::StatusOr<ReasonCode> ReasonCodeFromName(std::string_view name);
absl::StatusOr<ResourceKind> ResourceKindFromName(std::string_view name);

v1::Resources ToProto(const Resources& r);
Resources FromProto(const v1::Resources& r);

v1::ClusterState ToProto(const ClusterState& c);
absl::StatusOr<ClusterState> FromProto(const v1::ClusterState& c);

v1::Market ToProto(const Market& m);
Market FromProto(const v1::Market& m);

v1::PriceStats ToProto(const PriceStats& s);
PriceStats FromProto(const v1::PriceStats& s);

v1::MarketView ToProto(const MarketView& v);
MarketView FromProto(const v1::MarketView& v);

v1::Instance ToProto(const Instance& i);
absl::StatusOr<Instance> FromProto(const v1::Instance& i);

v1::SpotRequest ToProto(const SpotRequest& r);
absl::StatusOr<SpotRequest> FromProto(const v1::SpotRequest& r);

v1::Fleet ToProto(const Fleet& f);
absl::StatusOr<Fleet> FromProto(const v1::Fleet& f);

v1::LaunchFailure ToProto(const LaunchFailure& f);
absl::StatusOr<LaunchFailure> FromProto(const v1::LaunchFailure& f);

v1::LaunchBackoff ToProto(const LaunchBackoff& b);
absl::StatusOr<LaunchBackoff> FromProto(const v1::LaunchBackoff& b);

v1::EngineState ToProto(const EngineState& s);
absl::StatusOr<EngineState> FromProto(const v1::EngineState& s);

v1::EvaluationState ToProto(const EvaluationInput& input, absl::Time now);
// Also InvalidArgument "now: required" when `now` is unset.
absl::StatusOr<StateWithTime> FromProto(const v1::EvaluationState& s);

v1::Reason ToProto(const Reason& r);
absl::StatusOr<Reason> FromProto(const v1::Reason& r);

v1::ResourceUsage ToProto(const ResourceUsage& u);
absl::StatusOr<ResourceUsage> FromProto(const v1::ResourceUsage& u);

v1::Action ToProto(const Action& a);
absl::StatusOr<Action> FromProto(const v1::Action& a);

// The plan's `next_state` is left unset; see the Evaluation overloads.
v1::Plan ToProto(const Plan& p);
absl::StatusOr<Plan> FromProto(const v1::Plan& p);

// A plan with its `next_state`.
v1::Plan ToProto(const Plan& plan, const EngineState& next_state);
// The same, written into `out` (which may live in an arena).
void ToProto(const Plan& plan, const EngineState& next_state, v1::Plan& out);
absl::StatusOr<Evaluation> EvaluationFromProto(const v1::Plan& p);

// Checks the values a state may carry, with the field path in the error:
// `now` set; every time within the Timestamp range; resources, prices, bids
// and counts finite and >= 0; prices and bids at most kMaxPriceUsdPerHour;
// instance, request and market ids present, and no instance or request id
// twice. InvalidArgument on the first problem. The CLI, the sidecar and the
// decision log replay all call this before FromProto.
absl::Status ValidateEvaluationState(const v1::EvaluationState& s);

}  // namespace spotburst::internal

#endif  // SPOTBURST_INTERNAL_STATE_PROTO_H_
