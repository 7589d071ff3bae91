// UNIMPLEMENTED with a message for methods nobody serves.
#include "sidecar/unknown_method.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sidecar/client_input.h"

namespace spotburst::sidecar {
namespace {

// Finishes at once; gRPC deletes nothing itself, so OnDone does.
class Refusal final : public grpc::ServerGenericBidiReactor {
 public:
  explicit Refusal(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerGenericBidiReactor* UnknownMethodService::CreateReactor(
    grpc::GenericCallbackServerContext* context) {
  const std::string message =
      absl::StrFormat("unknown method %s; this daemon serves %s",
                      QuoteInput(context->method()), services_);
  int64_t suppressed = 0;
  if (log_.Allow(absl::Now(), suppressed)) {
    LogEvent("request_failed", {{"method", QuoteInput(context->method())},
                                {"code", "UNIMPLEMENTED"},
                                {"message", "unknown method"},
                                {"peer", context->peer()},
                                {"suppressed", absl::StrCat(suppressed)}});
  }
  return new Refusal(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, message));
}

}  // namespace spotburst::sidecar
