// PolicyServiceImpl: spotburst.v1.PolicyService over the engine.
//
// Translates only: request bytes -> request proto -> checked C++ values
// (the state through ValidateEvaluationState and the state conversions,
// the policy through the PolicyStore) -> Engine / ComputeBid -> response
// proto, and every absl::Status to a grpc::Status once, at the end. Error
// messages start with the request field that holds the bad value
// ("state.cluster.used.cpus: -3 must be >= 0"). Decisions go to the
// DecisionLog when there is one.
//
// The methods take their requests as bytes and parse them here, so that
// (1) a call refused by the in-flight limit (CallLimits) costs no parsing,
// and (2) bytes that are not the method's request message get
// INVALID_ARGUMENT saying so, where gRPC's own handlers answer
// UNIMPLEMENTED with no message. Evaluate and ComputeBid stop as soon as
// the call is cancelled or past its deadline.
//
// Uses gRPC's callback API: each call runs to completion on the thread that
// received it, with no hand-off. Thread-safe.
#ifndef SPOTBURST_SIDECAR_POLICY_SERVICE_H_
#define SPOTBURST_SIDECAR_POLICY_SERVICE_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/byte_buffer.h"
#include "sidecar/call_limits.h"
#include "sidecar/decision_log.h"
#include "sidecar/event_log.h"
#include "sidecar/policy_store.h"
#include "spotburst/v1/policy_service.grpc.pb.h"

namespace spotburst::sidecar {

namespace internal_policy_service {
using v1::PolicyService;
using RawService = PolicyService::WithRawCallbackMethod_Evaluate<
    PolicyService::WithRawCallbackMethod_ComputeBid<
        PolicyService::WithRawCallbackMethod_ValidatePolicy<
            PolicyService::WithRawCallbackMethod_ListStrategies<
                PolicyService::WithRawCallbackMethod_Ping<
                    PolicyService::Service>>>>>;
}  // namespace internal_policy_service

class PolicyServiceImpl final : public internal_policy_service::RawService {
 public:
  // Both borrowed: they must outlive the service. `log` may be null (no
  // decision log). `limits` must be valid (CallLimits::Validate).
  PolicyServiceImpl(PolicyStore& policies, DecisionLog* log,
                    const CallLimits& limits)
      : policies_(policies),
        log_(log),
        limits_(limits),
        inflight_(limits.max_inflight_calls) {}

  grpc::ServerUnaryReactor* Evaluate(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ComputeBid(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ValidatePolicy(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListStrategies(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context,
                                 const grpc::ByteBuffer* request,
                                 grpc::ByteBuffer* response) override;

  // Evaluate and ComputeBid calls being worked on now.
  int inflight() const { return inflight_.inflight(); }

  // Tests only: called on the call's thread once an Evaluate or ComputeBid
  // has been admitted, before anything else is done, so that a test can
  // hold calls in flight. Set before the first call.
  void SetAdmittedHookForTest(
      std::function<void(grpc::CallbackServerContext&)> hook) {
    admitted_hook_ = std::move(hook);
  }

 private:
  absl::Status DoEvaluate(grpc::CallbackServerContext& context,
                          const grpc::ByteBuffer& request_bytes,
                          v1::EvaluateResponse& response);
  absl::Status DoComputeBid(grpc::CallbackServerContext& context,
                            const grpc::ByteBuffer& request_bytes,
                            v1::ComputeBidResponse& response);
  absl::Status DoValidatePolicy(const v1::ValidatePolicyRequest& request,
                                v1::ValidatePolicyResponse& response);
  // Serializes `message` into `response` when `status` is OK, then
  // finishes the call; failures go to the daemon's log, at most one line a
  // second.
  grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* context,
                                  absl::string_view method, absl::Status status,
                                  const google::protobuf::Message& message,
                                  grpc::ByteBuffer* response);

  PolicyStore& policies_;
  DecisionLog* const log_;
  const CallLimits limits_;
  InflightLimiter inflight_;
  std::function<void(grpc::CallbackServerContext&)> admitted_hook_;
  LogRateLimiter failure_log_{absl::Seconds(1)};
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_POLICY_SERVICE_H_
