// The one place an absl::Status becomes a grpc::Status: the edge of the
// sidecar. The canonical codes share their numbers, so the code passes
// through unchanged and the message (which starts with the field path of a
// bad value) goes to the client as is.
#ifndef SPOTBURST_SIDECAR_GRPC_STATUS_H_
#define SPOTBURST_SIDECAR_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace spotburst::sidecar {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_GRPC_STATUS_H_
