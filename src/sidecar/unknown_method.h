// The answer to a call of a method this daemon does not serve (a typo, a
// client built against another API, a scanner): UNIMPLEMENTED naming the
// method (a short prefix of it) and the services that are served, where
// gRPC alone answers UNIMPLEMENTED with no message at all. Such calls are
// logged as request_failed events, at most one line a second, so a client
// sending garbage cannot flood the log.
#ifndef SPOTBURST_SIDECAR_UNKNOWN_METHOD_H_
#define SPOTBURST_SIDECAR_UNKNOWN_METHOD_H_

#include <string>

#include "grpcpp/generic/async_generic_service.h"
#include "sidecar/event_log.h"

namespace spotburst::sidecar {

class UnknownMethodService final : public grpc::CallbackGenericService {
 public:
  // `services`: what the daemon serves, for the message ("a, b, c").
  explicit UnknownMethodService(std::string services)
      : services_(std::move(services)) {}

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override;

 private:
  const std::string services_;
  LogRateLimiter log_{absl::Seconds(1)};
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_UNKNOWN_METHOD_H_
