// Internal to spotburst (target spotburst::internal): shared by its programs
// and adapters, not installed, no compatibility promise. Implemented in
// src/formats/policy_proto.cc.
//
// Conversion between the C++ Policy and its schema, spotburst.v1.Policy.
//
// The YAML loader and the gRPC server both receive a v1::Policy and turn it
// into a Policy here; PolicyToProto goes the other way (e.g. to show the
// effective policy with every default filled in). CheckPolicyRanges holds a
// proto to the schema's ranges; the conversions check neither ranges nor
// cross-field rules: call ValidatePolicy on the result.
//
//   SPOTBURST_ASSIGN_OR_RETURN(Policy policy,
//   internal::PolicyFromProto(proto));
//   SPOTBURST_RETURN_IF_ERROR(ValidatePolicy(policy));
#ifndef SPOTBURST_INTERNAL_POLICY_PROTO_H_
#define SPOTBURST_INTERNAL_POLICY_PROTO_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spotburst/policy.h"
#include "spotburst/v1/policy.pb.h"

namespace spotburst::internal {

// Fields left unset in `proto` (and empty strategy, product and billing
// model strings) take the defaults of the C++ structs. Seconds become
// absl::Duration, as do the minutes of billing.partial_hour_limit_min.
// InvalidArgument, naming the key, for an unknown billing.model or a
// non-numeric params value.
absl::StatusOr<Policy> PolicyFromProto(const v1::Policy& proto);

// Checks every set number in `proto` against the schema's range option and
// rejects NaN and infinity (in params too). InvalidArgument reading
// "<source>: scaling.burst_point: 1.5 is out of range (0, 1]".
absl::Status CheckPolicyRanges(const v1::Policy& proto,
                               std::string_view source);

// Every field set, so that PolicyFromProto(PolicyToProto(p)) equals p.
v1::Policy PolicyToProto(const Policy& policy);

}  // namespace spotburst::internal

#endif  // SPOTBURST_INTERNAL_POLICY_PROTO_H_
