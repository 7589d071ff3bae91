// PolicyServiceImpl: spotburst.v1.PolicyService over the engine.
//
// Translates only: request proto -> checked C++ values (the state through
// ValidateEvaluationState and the state conversions, the policy through
// the PolicyStore) -> Engine / ComputeBid -> response proto, and every
// absl::Status to a grpc::Status once, at the end. Error messages start
// with the request field that holds the bad value ("state.cluster.used.cpus:
// -3 must be >= 0"). Decisions go to the DecisionLog when there is one.
//
// Uses gRPC's callback API: each call runs to completion on the thread that
// received it, with no hand-off. Thread-safe.
#ifndef SPOTBURST_SIDECAR_POLICY_SERVICE_H_
#define SPOTBURST_SIDECAR_POLICY_SERVICE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sidecar/decision_log.h"
#include "sidecar/event_log.h"
#include "sidecar/policy_store.h"
#include "spotburst/v1/policy_service.grpc.pb.h"

namespace spotburst::sidecar {

class PolicyServiceImpl final : public v1::PolicyService::CallbackService {
 public:
  // Both borrowed: they must outlive the service. `log` may be null (no
  // decision log).
  PolicyServiceImpl(PolicyStore& policies, DecisionLog* log)
      : policies_(policies), log_(log) {}

  grpc::ServerUnaryReactor* Evaluate(grpc::CallbackServerContext* context,
                                     const v1::EvaluateRequest* request,
                                     v1::EvaluateResponse* response) override;
  grpc::ServerUnaryReactor* ComputeBid(
      grpc::CallbackServerContext* context,
      const v1::ComputeBidRequest* request,
      v1::ComputeBidResponse* response) override;
  grpc::ServerUnaryReactor* ValidatePolicy(
      grpc::CallbackServerContext* context,
      const v1::ValidatePolicyRequest* request,
      v1::ValidatePolicyResponse* response) override;
  grpc::ServerUnaryReactor* ListStrategies(
      grpc::CallbackServerContext* context,
      const v1::ListStrategiesRequest* request,
      v1::ListStrategiesResponse* response) override;
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context,
                                 const v1::PingRequest* request,
                                 v1::PingResponse* response) override;

 private:
  absl::Status DoEvaluate(const v1::EvaluateRequest& request,
                          v1::EvaluateResponse& response);
  absl::Status DoComputeBid(const v1::ComputeBidRequest& request,
                            v1::ComputeBidResponse& response);
  absl::Status DoValidatePolicy(const v1::ValidatePolicyRequest& request,
                                v1::ValidatePolicyResponse& response);
  // Finishes the call with `status`; failures go to the daemon's log, at
  // most one line a second.
  grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* context,
                                  absl::string_view method,
                                  const absl::Status& status);

  PolicyStore& policies_;
  DecisionLog* const log_;
  LogRateLimiter failure_log_{absl::Seconds(1)};
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_POLICY_SERVICE_H_
