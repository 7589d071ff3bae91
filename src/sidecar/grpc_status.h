// The one place an absl::Status becomes a grpc::Status: the edge of the
// sidecar. The canonical codes share their numbers, so the code passes
// through unchanged and the message (which starts with the field path of a
// bad value) goes to the client, capped at kMaxStatusMessageBytes: a longer
// one would not fit in the status trailer a client accepts (gRPC's default
// limit for all metadata is 8 KiB), and the client would see a transport
// error instead of the real one.
#ifndef SPOTBURST_SIDECAR_GRPC_STATUS_H_
#define SPOTBURST_SIDECAR_GRPC_STATUS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace spotburst::sidecar {

inline constexpr size_t kMaxStatusMessageBytes = 2048;

grpc::Status ToGrpcStatus(const absl::Status& status);

// `message` whole when it has at most `max_bytes`; otherwise its start, cut
// at a UTF-8 character boundary, then "...(truncated, N bytes)", in at most
// `max_bytes` bytes in all.
std::string CapMessage(absl::string_view message,
                       size_t max_bytes = kMaxStatusMessageBytes);

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_GRPC_STATUS_H_
