// absl::Status -> grpc::Status.
#include "sidecar/grpc_status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace spotburst::sidecar {

std::string CapMessage(absl::string_view message, size_t max_bytes) {
  if (message.size() <= max_bytes) return std::string(message);
  const std::string tail =
      absl::StrCat("...(truncated, ", message.size(), " bytes)");
  size_t keep = max_bytes > tail.size() ? max_bytes - tail.size() : 0;
  // Never split a UTF-8 sequence: back up over continuation bytes.
  while (keep > 0 &&
         (static_cast<unsigned char>(message[keep]) & 0xc0) == 0x80) {
    --keep;
  }
  return absl::StrCat(message.substr(0, keep), tail);
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode and grpc::StatusCode both number google.rpc.Code.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      CapMessage(status.message()));
}

}  // namespace spotburst::sidecar
