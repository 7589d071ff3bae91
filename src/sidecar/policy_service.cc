// PolicyService: proto in, engine call, proto out.
#include "sidecar/policy_service.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "sidecar/grpc_status.h"
#include "spotburst/bidding.h"
#include "spotburst/engine.h"
#include "spotburst/status_macros.h"
#include "state_proto.h"

namespace spotburst::sidecar {
namespace {

constexpr size_t kMaxDecisionIdLength = 128;
constexpr size_t kMaxLoggedMessage = 300;

template <typename Request>
absl::StatusOr<std::shared_ptr<const ResolvedPolicy>> ResolvePolicy(
    PolicyStore& store, const Request& request) {
  switch (request.policy_source_case()) {
    case Request::kPolicy:
      return store.FromProto(request.policy());
    case Request::kPolicyName:
      return store.FromName(request.policy_name());
    case Request::kPolicyText:
      return store.FromText(request.policy_text());
    case Request::POLICY_SOURCE_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "policy: required (set one of policy, policy_name, policy_text)");
}

// Market errors name the market ("market c4.large/...: stale ..."), others
// a field path; either way the request field comes first.
absl::Status InField(const absl::Status& status, absl::string_view field,
                     absl::string_view market_field) {
  if (absl::StartsWith(status.message(), "market ")) {
    return absl::Status(status.code(),
                        absl::StrCat(market_field, ": ", status.message()));
  }
  return internal::Prefixed(status, absl::StrCat(field, "."));
}

// Unique without coordination: a random prefix drawn once per process and
// a counter (no random generator to seed on each of gRPC's handler
// threads).
std::string NewDecisionId() {
  static const uint64_t prefix = [] {
    absl::BitGen bits;
    return absl::Uniform<uint64_t>(bits);
  }();
  static std::atomic<uint64_t> counter{0};
  return absl::StrFormat("d-%016x%016x", prefix,
                         counter.fetch_add(1, std::memory_order_relaxed));
}

}  // namespace

grpc::ServerUnaryReactor* PolicyServiceImpl::Reply(
    grpc::CallbackServerContext* context, absl::string_view method,
    const absl::Status& status) {
  int64_t suppressed = 0;
  if (!status.ok() && failure_log_.Allow(absl::Now(), suppressed)) {
    absl::string_view message = status.message();
    LogEvent("request_failed",
             {{"method", std::string(method)},
              {"code", absl::StatusCodeToString(status.code())},
              {"message", std::string(message.substr(0, kMaxLoggedMessage))},
              {"peer", context->peer()},
              {"suppressed", absl::StrCat(suppressed)}});
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* PolicyServiceImpl::Evaluate(
    grpc::CallbackServerContext* context, const v1::EvaluateRequest* request,
    v1::EvaluateResponse* response) {
  return Reply(context, "Evaluate", DoEvaluate(*request, *response));
}

absl::Status PolicyServiceImpl::DoEvaluate(const v1::EvaluateRequest& request,
                                           v1::EvaluateResponse& response) {
  if (request.decision_id().size() > kMaxDecisionIdLength) {
    return absl::InvalidArgumentError(
        absl::StrFormat("decision_id: %d characters; at most %d",
                        request.decision_id().size(), kMaxDecisionIdLength));
  }
  SPOTBURST_ASSIGN_OR_RETURN(std::shared_ptr<const ResolvedPolicy> policy,
                             ResolvePolicy(policies_, request));
  if (!request.has_state()) {
    return absl::InvalidArgumentError("state: required");
  }
  if (absl::Status valid = internal::ValidateEvaluationState(request.state());
      !valid.ok()) {
    return internal::Prefixed(valid, "state.");
  }
  absl::StatusOr<StateWithTime> state = internal::FromProto(request.state());
  if (!state.ok()) return internal::Prefixed(state.status(), "state.");
  absl::StatusOr<Evaluation> evaluation =
      policy->engine.Evaluate(state->input, state->now);
  if (!evaluation.ok()) {
    return InField(evaluation.status(), "state", "state.markets");
  }

  *response.mutable_plan() =
      internal::ToProto(evaluation->plan, evaluation->state);
  response.set_decision_id(
      request.decision_id().empty() ? NewDecisionId() : request.decision_id());
  response.set_policy_revision(policy->revision);
  if (log_ != nullptr) {
    response.set_recorded(log_->Record({.decision_id = response.decision_id(),
                                        .time = absl::Now(),
                                        .policy_name = policy->name,
                                        .policy_revision = policy->revision,
                                        .policy = policy->effective,
                                        .state = request.state(),
                                        .plan = response.plan()}));
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* PolicyServiceImpl::ComputeBid(
    grpc::CallbackServerContext* context, const v1::ComputeBidRequest* request,
    v1::ComputeBidResponse* response) {
  return Reply(context, "ComputeBid", DoComputeBid(*request, *response));
}

absl::Status PolicyServiceImpl::DoComputeBid(
    const v1::ComputeBidRequest& request, v1::ComputeBidResponse& response) {
  SPOTBURST_ASSIGN_OR_RETURN(std::shared_ptr<const ResolvedPolicy> resolved,
                             ResolvePolicy(policies_, request));
  if (!request.has_market()) {
    return absl::InvalidArgumentError("market: required");
  }
  if (!request.has_now()) return absl::InvalidArgumentError("now: required");
  // The state's checks, applied to the one market.
  v1::EvaluationState as_state;
  *as_state.mutable_now() = request.now();
  *as_state.add_markets() = request.market();
  if (absl::Status valid = internal::ValidateEvaluationState(as_state);
      !valid.ok()) {
    absl::string_view message = valid.message();
    if (absl::ConsumePrefix(&message, "markets[0]")) {
      return absl::InvalidArgumentError(absl::StrCat("market", message));
    }
    return valid;
  }

  const Policy& policy = resolved->engine.policy();
  const std::string name =
      request.strategy().empty() ? policy.bidding.strategy : request.strategy();
  absl::StatusOr<const BiddingStrategyFactory*> factory =
      policies_.registry().FindBidding(name);
  if (!factory.ok()) {
    absl::string_view message = factory.status().message();
    absl::ConsumePrefix(&message, "bidding.strategy: ");
    return absl::InvalidArgumentError(absl::StrCat(
        request.strategy().empty() ? "policy.bidding.strategy" : "strategy",
        ": ", message));
  }
  absl::StatusOr<std::unique_ptr<BiddingStrategy>> strategy =
      (*factory)->Create(policy.bidding);
  if (!strategy.ok()) {
    return internal::Prefixed(strategy.status(), "policy.");
  }
  const absl::Time now = internal::TimeFromProto(request.now(), true);
  absl::StatusOr<BidResult> bid = spotburst::ComputeBid(
      **strategy, policy.bidding, internal::FromProto(request.market()),
      policy.instance.on_demand_usd_per_hour, now);
  if (!bid.ok()) return InField(bid.status(), "market", "market");

  response.set_bid_usd_per_hour(bid->usd_per_hour);
  response.set_strategy(name);
  response.set_quote_usd_per_hour(bid->quote.usd_per_hour);
  response.set_rule(bid->quote.rule);
  for (const Reason& reason : bid->adjustments) {
    *response.add_adjustments() = internal::ToProto(reason);
  }
  response.set_below_current(bid->below_current);
  response.set_policy_revision(resolved->revision);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* PolicyServiceImpl::ValidatePolicy(
    grpc::CallbackServerContext* context,
    const v1::ValidatePolicyRequest* request,
    v1::ValidatePolicyResponse* response) {
  return Reply(context, "ValidatePolicy",
               DoValidatePolicy(*request, *response));
}

absl::Status PolicyServiceImpl::DoValidatePolicy(
    const v1::ValidatePolicyRequest& request,
    v1::ValidatePolicyResponse& response) {
  absl::StatusOr<std::shared_ptr<const ResolvedPolicy>> resolved =
      ResolvePolicy(policies_, request);
  if (!resolved.ok()) {
    // No policy, or a name not loaded: the request itself is wrong.
    if (request.policy_source_case() ==
            v1::ValidatePolicyRequest::POLICY_SOURCE_NOT_SET ||
        resolved.status().code() != absl::StatusCode::kInvalidArgument) {
      return resolved.status();
    }
    response.set_valid(false);
    response.set_error(std::string(resolved.status().message()));
    return absl::OkStatus();
  }
  response.set_valid(true);
  *response.mutable_effective_policy() = *(*resolved)->effective;
  response.set_policy_revision((*resolved)->revision);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* PolicyServiceImpl::ListStrategies(
    grpc::CallbackServerContext* context, const v1::ListStrategiesRequest*,
    v1::ListStrategiesResponse* response) {
  const StrategyRegistry& registry = policies_.registry();
  for (const std::string& name : registry.BiddingNames()) {
    v1::Strategy& strategy = *response->add_bidding();
    strategy.set_name(name);
    strategy.set_description(
        std::string((*registry.FindBidding(name))->description()));
  }
  for (const std::string& name : registry.ScalingNames()) {
    v1::Strategy& strategy = *response->add_scaling();
    strategy.set_name(name);
    strategy.set_description(
        std::string((*registry.FindScaling(name))->description()));
  }
  return Reply(context, "ListStrategies", absl::OkStatus());
}

grpc::ServerUnaryReactor* PolicyServiceImpl::Ping(
    grpc::CallbackServerContext* context, const v1::PingRequest*,
    v1::PingResponse*) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace spotburst::sidecar
