// absl::Status -> grpc::Status.
#include "sidecar/grpc_status.h"

#include <string>

namespace spotburst::sidecar {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode and grpc::StatusCode both number google.rpc.Code.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace spotburst::sidecar
