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
#include "google/protobuf/arena.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "sidecar/client_input.h"
#include "sidecar/grpc_status.h"
#include "spotburst/bidding.h"
#include "spotburst/engine.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/price_window.h"
#include "spotburst/status_macros.h"

namespace spotburst::sidecar {
namespace {

constexpr size_t kMaxLoggedMessage = 300;

// The request's bytes as `message`; InvalidArgument when they are not one
// (gRPC's typed handlers would answer UNIMPLEMENTED with no message).
absl::Status Parse(const grpc::ByteBuffer& bytes,
                   google::protobuf::Message& message) {
  grpc::ByteBuffer copy(bytes);  // shares the slices; the reader needs it
  bool parsed = false;
  if (copy.Valid()) {
    grpc::ProtoBufferReader reader(&copy);
    parsed = message.ParseFromZeroCopyStream(&reader);
  } else {
    parsed = message.ParseFromString("");  // no bytes: an empty message
  }
  if (!parsed) {
    return absl::InvalidArgumentError(
        absl::StrFormat("request: %d bytes that are not a valid %s",
                        bytes.Length(), message.GetDescriptor()->full_name()));
  }
  return absl::OkStatus();
}

template <typename Request>
absl::StatusOr<std::shared_ptr<const ResolvedPolicy>> ResolvePolicy(
    PolicyStore& store, const Request& request) {
  switch (request.policy_source_case()) {
    case Request::kPolicy:
      return store.FromProto(request.policy());
    case Request::kPolicyName:
      if (absl::Status valid = CheckName("policy_name", request.policy_name());
          !valid.ok()) {
        return valid;
      }
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
// threads). "d-" and 32 hex digits, written by hand: it is made on every
// call.
std::string NewDecisionId() {
  static const uint64_t prefix = [] {
    absl::BitGen bits;
    return absl::Uniform<uint64_t>(bits);
  }();
  static std::atomic<uint64_t> counter{0};
  const uint64_t count = counter.fetch_add(1, std::memory_order_relaxed);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(34, '0');
  id[0] = 'd';
  id[1] = '-';
  for (int i = 0; i < 16; ++i) {
    id[2 + i] = kHex[(prefix >> (60 - 4 * i)) & 0xf];
    id[18 + i] = kHex[(count >> (60 - 4 * i)) & 0xf];
  }
  return id;
}

// Most requests' messages fit in this much memory, which a call's arena
// takes from the stack: parsing them then costs no allocation, and freeing
// them nothing.
constexpr size_t kCallArenaBytes = 8 << 10;

}  // namespace

grpc::ServerUnaryReactor* PolicyServiceImpl::Reply(
    grpc::CallbackServerContext* context, absl::string_view method,
    absl::Status status, const google::protobuf::Message& message,
    grpc::ByteBuffer* response) {
  if (status.ok()) {
    bool own_buffer = false;
    const grpc::Status serialized =
        grpc::SerializationTraits<google::protobuf::Message>::Serialize(
            message, response, &own_buffer);
    if (!serialized.ok()) {
      status = absl::InternalError(absl::StrCat(
          method,
          ": cannot serialize the response: ", serialized.error_message()));
    }
  }
  int64_t suppressed = 0;
  if (!status.ok() && failure_log_.Allow(absl::Now(), suppressed)) {
    absl::string_view text = status.message();
    LogEvent("request_failed",
             {{"method", std::string(method)},
              {"code", absl::StatusCodeToString(status.code())},
              {"message", std::string(text.substr(0, kMaxLoggedMessage))},
              {"peer", context->peer()},
              {"suppressed", absl::StrCat(suppressed)}});
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* PolicyServiceImpl::Evaluate(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  // The response is built in the call's own arena too: serialized into
  // `response` before Reply returns, then dropped with the arena at once.
  alignas(8) char arena_block[kCallArenaBytes];
  google::protobuf::Arena arena(arena_block, sizeof(arena_block));
  v1::EvaluateResponse& message =
      *google::protobuf::Arena::CreateMessage<v1::EvaluateResponse>(&arena);
  absl::StatusOr<InflightLimiter::Ticket> ticket =
      inflight_.TryAcquire("Evaluate");
  absl::Status status = ticket.status();
  if (ticket.ok()) status = DoEvaluate(*context, *request, message);
  return Reply(context, "Evaluate", std::move(status), message, response);
}

absl::Status PolicyServiceImpl::DoEvaluate(
    grpc::CallbackServerContext& context, const grpc::ByteBuffer& request_bytes,
    v1::EvaluateResponse& response) {
  if (admitted_hook_) admitted_hook_(context);
  SPOTBURST_RETURN_IF_ERROR(CheckCallAlive(context, "Evaluate", "parsing"));
  alignas(8) char arena_block[kCallArenaBytes];
  google::protobuf::Arena arena(arena_block, sizeof(arena_block));
  v1::EvaluateRequest& request =
      *google::protobuf::Arena::CreateMessage<v1::EvaluateRequest>(&arena);
  SPOTBURST_RETURN_IF_ERROR(Parse(request_bytes, request));
  if (!request.decision_id().empty()) {
    SPOTBURST_RETURN_IF_ERROR(CheckName("decision_id", request.decision_id()));
  }
  // Before the policy, which may have to be parsed: the size is free to
  // check.
  SPOTBURST_RETURN_IF_ERROR(CheckEvaluationSize(request.state(), limits_));
  SPOTBURST_ASSIGN_OR_RETURN(std::shared_ptr<const ResolvedPolicy> policy,
                             ResolvePolicy(policies_, request));
  if (!request.has_state()) {
    return absl::InvalidArgumentError("state: required");
  }
  SPOTBURST_RETURN_IF_ERROR(
      CheckCallAlive(context, "Evaluate", "checking the state"));
  if (absl::Status valid = internal::ValidateEvaluationState(request.state());
      !valid.ok()) {
    return internal::Prefixed(valid, "state.");
  }
  absl::StatusOr<StateWithTime> state = internal::FromProto(request.state());
  if (!state.ok()) return internal::Prefixed(state.status(), "state.");
  SPOTBURST_RETURN_IF_ERROR(CheckCallAlive(context, "Evaluate", "evaluating"));
  absl::StatusOr<Evaluation> evaluation =
      policy->engine.Evaluate(state->input, state->now);
  if (!evaluation.ok()) {
    return InField(evaluation.status(), "state", "state.markets");
  }

  internal::ToProto(evaluation->plan, evaluation->state,
                    *response.mutable_plan());
  response.set_decision_id(
      request.decision_id().empty() ? NewDecisionId() : request.decision_id());
  response.set_policy_revision(policy->revision);
  // A decision the caller will never see is not recorded either: replaying
  // the log must show what clients were told.
  SPOTBURST_RETURN_IF_ERROR(CheckCallAlive(context, "Evaluate", "recording"));
  if (log_ != nullptr) {
    response.set_recorded(
        log_->Record({.decision_id = response.decision_id(),
                      .time = absl::Now(),
                      .policy_name = policy->name,
                      .policy_revision = policy->revision,
                      .policy = policy->effective,
                      // A copy: the request lives in the call's arena.
                      .state = request.state(),
                      .plan = response.plan()}));
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* PolicyServiceImpl::ComputeBid(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  v1::ComputeBidResponse message;
  absl::StatusOr<InflightLimiter::Ticket> ticket =
      inflight_.TryAcquire("ComputeBid");
  absl::Status status = ticket.status();
  if (ticket.ok()) status = DoComputeBid(*context, *request, message);
  return Reply(context, "ComputeBid", std::move(status), message, response);
}

absl::Status PolicyServiceImpl::DoComputeBid(
    grpc::CallbackServerContext& context, const grpc::ByteBuffer& request_bytes,
    v1::ComputeBidResponse& response) {
  if (admitted_hook_) admitted_hook_(context);
  SPOTBURST_RETURN_IF_ERROR(CheckCallAlive(context, "ComputeBid", "parsing"));
  v1::ComputeBidRequest request;
  SPOTBURST_RETURN_IF_ERROR(Parse(request_bytes, request));
  if (!request.strategy().empty()) {
    SPOTBURST_RETURN_IF_ERROR(CheckName("strategy", request.strategy()));
  }
  SPOTBURST_ASSIGN_OR_RETURN(std::shared_ptr<const ResolvedPolicy> resolved,
                             ResolvePolicy(policies_, request));
  if (!request.has_market()) {
    return absl::InvalidArgumentError("market: required");
  }
  if (!request.has_now()) return absl::InvalidArgumentError("now: required");
  SPOTBURST_RETURN_IF_ERROR(CheckPricePoints(
      "market.price_history", request.market().price_history_size(), limits_));
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

  SPOTBURST_RETURN_IF_ERROR(
      CheckCallAlive(context, "ComputeBid", "computing the bid"));
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
  MarketView market = internal::FromProto(request.market());
  if (!market.price_history.empty()) {
    if (market.stats.points > 0) {
      return absl::InvalidArgumentError(
          "market: both stats and price_history given; give one");
    }
    absl::StatusOr<PriceStats> stats = SummarizePriceHistory(
        market.price_history, policy.bidding.price_window, now);
    if (!stats.ok()) {
      return absl::Status(
          stats.status().code(),
          absl::StrCat("market.price_history", stats.status().message()));
    }
    market.stats = *stats;
  }
  absl::StatusOr<BidResult> bid =
      spotburst::ComputeBid(**strategy, policy.bidding, market,
                            policy.instance.on_demand_usd_per_hour, now);
  if (!bid.ok()) return InField(bid.status(), "market", "market");

  response.set_bid_usd_per_hour(bid->usd_per_hour);
  response.set_strategy(name);
  response.set_quote_usd_per_hour(bid->quote.usd_per_hour);
  response.set_rule(bid->quote.rule.ToString());
  for (const Reason& reason : bid->adjustments) {
    *response.add_adjustments() = internal::ToProto(reason);
  }
  response.set_below_current(bid->below_current);
  response.set_policy_revision(resolved->revision);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* PolicyServiceImpl::ValidatePolicy(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  v1::ValidatePolicyRequest parsed;
  v1::ValidatePolicyResponse message;
  absl::Status status = Parse(*request, parsed);
  if (status.ok()) status = DoValidatePolicy(parsed, message);
  return Reply(context, "ValidatePolicy", std::move(status), message, response);
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
        request.policy_source_case() ==
            v1::ValidatePolicyRequest::kPolicyName ||
        resolved.status().code() != absl::StatusCode::kInvalidArgument) {
      return resolved.status();
    }
    response.set_valid(false);
    response.set_error(CapMessage(resolved.status().message()));
    return absl::OkStatus();
  }
  response.set_valid(true);
  *response.mutable_effective_policy() = *(*resolved)->effective;
  response.set_policy_revision((*resolved)->revision);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* PolicyServiceImpl::ListStrategies(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  v1::ListStrategiesRequest parsed;
  v1::ListStrategiesResponse message;
  if (absl::Status status = Parse(*request, parsed); !status.ok()) {
    return Reply(context, "ListStrategies", status, message, response);
  }
  const StrategyRegistry& registry = policies_.registry();
  for (const std::string& name : registry.BiddingNames()) {
    v1::Strategy& strategy = *message.add_bidding();
    strategy.set_name(name);
    strategy.set_description(
        std::string((*registry.FindBidding(name))->description()));
  }
  for (const std::string& name : registry.ScalingNames()) {
    v1::Strategy& strategy = *message.add_scaling();
    strategy.set_name(name);
    strategy.set_description(
        std::string((*registry.FindScaling(name))->description()));
  }
  return Reply(context, "ListStrategies", absl::OkStatus(), message, response);
}

grpc::ServerUnaryReactor* PolicyServiceImpl::Ping(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  v1::PingRequest parsed;
  v1::PingResponse message;
  return Reply(context, "Ping", Parse(*request, parsed), message, response);
}

}  // namespace spotburst::sidecar
