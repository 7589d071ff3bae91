// Admission, request size and liveness checks for PolicyService calls.
#include "sidecar/call_limits.h"

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "grpc/support/time.h"

namespace spotburst::sidecar {
namespace {

constexpr int kMaxEntries = 10'000'000;

absl::Status CheckRange(absl::string_view name, int value, int max) {
  if (value < 1 || value > max) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %d is out of range [1, %d]", name, value, max));
  }
  return absl::OkStatus();
}

absl::Status CheckCount(absl::string_view field, absl::string_view what,
                        int count, int max, absl::string_view option) {
  if (count <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: %d %s; this daemon accepts at most %d per request (%s)", field,
      count, what, max, option));
}

}  // namespace

absl::Status CallLimits::Validate() const {
  if (absl::Status s =
          CheckRange("max_inflight_calls", max_inflight_calls, 100000);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckRange("max_fleet_instances", max_fleet_instances, kMaxEntries);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckRange("max_fleet_requests", max_fleet_requests, kMaxEntries);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("max_markets", max_markets, kMaxEntries);
      !s.ok()) {
    return s;
  }
  return CheckRange("max_price_points", max_price_points, kMaxEntries);
}

absl::StatusOr<InflightLimiter::Ticket> InflightLimiter::TryAcquire(
    absl::string_view method) {
  if (count_.fetch_add(1) >= max_) {
    count_.fetch_sub(1);
    return absl::ResourceExhaustedError(absl::StrFormat(
        "%s: %d Evaluate and ComputeBid calls are in flight, the most this "
        "daemon works on at once (max_inflight_calls); retry later",
        method, max_));
  }
  return Ticket(this);
}

absl::Status CheckEvaluationSize(const v1::EvaluationState& state,
                                 const CallLimits& limits) {
  if (absl::Status s = CheckCount(
          "state.fleet.instances", "instances", state.fleet().instances_size(),
          limits.max_fleet_instances, "max_fleet_instances");
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckCount("state.fleet.requests", "spot requests",
                     state.fleet().requests_size(), limits.max_fleet_requests,
                     "max_fleet_requests");
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckCount("state.markets", "markets", state.markets_size(),
                     limits.max_markets, "max_markets");
      !s.ok()) {
    return s;
  }
  int64_t points = 0;
  for (const v1::MarketView& market : state.markets()) {
    points += market.price_history_size();
  }
  return CheckPricePoints("state.markets[].price_history", points, limits);
}

absl::Status CheckPricePoints(absl::string_view field, int64_t points,
                              const CallLimits& limits) {
  if (points <= limits.max_price_points) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: %d price points; this daemon accepts at most %d per request "
      "(max_price_points)",
      field, points, limits.max_price_points));
}

absl::Status CheckCallAlive(grpc::CallbackServerContext& context,
                            absl::string_view method, absl::string_view step) {
  if (context.IsCancelled()) {
    return absl::CancelledError(absl::StrFormat(
        "%s: the call was cancelled; stopped before %s", method, step));
  }
  // On the deadline's own clock: no conversion to the system clock, which
  // reads two more clocks.
  const gpr_timespec deadline = context.raw_deadline();
  if (gpr_time_cmp(deadline, gpr_now(deadline.clock_type)) <= 0) {
    return absl::DeadlineExceededError(absl::StrFormat(
        "%s: the call's deadline passed; stopped before %s", method, step));
  }
  return absl::OkStatus();
}

}  // namespace spotburst::sidecar
