// ControllerServiceImpl: spotburst.v1.ControllerService over the
// ManagedController and the DecisionHub.
//
// Translates only: GetStatus returns the managed loop's status, SetPaused
// calls ManagedController::SetPaused, WatchDecisions subscribes a stream to
// the hub and writes what it queues (each message says how many decisions
// the stream missed before it). A daemon without a managed loop registers
// the service too, so a client gets a clear answer: GetStatus reports mode
// STATELESS, the other calls FAILED_PRECONDITION.
//
// Uses gRPC's callback API. Thread-safe.
#ifndef SPOTBURST_SIDECAR_CONTROLLER_SERVICE_H_
#define SPOTBURST_SIDECAR_CONTROLLER_SERVICE_H_

#include "sidecar/decision_hub.h"
#include "sidecar/managed_controller.h"
#include "spotburst/v1/controller_service.grpc.pb.h"

namespace spotburst::sidecar {

class ControllerServiceImpl final
    : public v1::ControllerService::CallbackService {
 public:
  // Both borrowed; null for a stateless daemon.
  ControllerServiceImpl(ManagedController* managed, DecisionHub* hub)
      : managed_(managed), hub_(hub) {}

  grpc::ServerUnaryReactor* GetStatus(grpc::CallbackServerContext* context,
                                      const v1::GetStatusRequest* request,
                                      v1::ControllerStatus* response) override;
  grpc::ServerWriteReactor<v1::WatchDecisionsResponse>* WatchDecisions(
      grpc::CallbackServerContext* context,
      const v1::WatchDecisionsRequest* request) override;
  grpc::ServerUnaryReactor* SetPaused(grpc::CallbackServerContext* context,
                                      const v1::SetPausedRequest* request,
                                      v1::SetPausedResponse* response) override;

 private:
  ManagedController* const managed_;
  DecisionHub* const hub_;
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_CONTROLLER_SERVICE_H_
