// The bounds on the work spotburstd accepts, so that no mix of requests
// within max_request_bytes can grow the daemon without bound:
//
// - how many Evaluate and ComputeBid calls are worked on at once
//   (InflightLimiter): one more is refused at once with RESOURCE_EXHAUSTED,
//   before its request is even parsed, so a burst of clients costs their
//   request bytes and nothing more;
// - how large a fleet, how many markets and price points one call may carry
//   (CheckEvaluationSize): INVALID_ARGUMENT naming the field and the limit,
//   because retrying the same request cannot help;
// - whether the caller still wants the answer (CheckCallAlive): a call
//   cancelled or past its deadline is abandoned before each expensive step
//   and before it is recorded.
#ifndef SPOTBURST_SIDECAR_CALL_LIMITS_H_
#define SPOTBURST_SIDECAR_CALL_LIMITS_H_

#include <atomic>
#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"
#include "spotburst/v1/state.pb.h"

namespace spotburst::sidecar {

struct CallLimits {
  // Evaluate and ComputeBid calls worked on at once, at most. 1..100000.
  int max_inflight_calls = 8;
  // Per Evaluate: state.fleet.instances, state.fleet.requests and
  // state.markets, at most. 1..10000000 each.
  int max_fleet_instances = 5000;
  int max_fleet_requests = 5000;
  int max_markets = 1000;
  // Per Evaluate or ComputeBid: raw price points (price_history) over all
  // markets, at most. 1..10000000.
  int max_price_points = 100000;

  // InvalidArgument naming the option, the value and the accepted range.
  absl::Status Validate() const;
};

// Counts the calls being worked on; refuses one past the maximum.
// Thread-safe.
class InflightLimiter {
 public:
  // Held while a call is worked on; gives its place back when destroyed.
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept : limiter_(other.limiter_) {
      other.limiter_ = nullptr;
    }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (limiter_ != nullptr) limiter_->count_.fetch_sub(1);
    }

   private:
    friend class InflightLimiter;
    explicit Ticket(InflightLimiter* limiter) : limiter_(limiter) {}
    InflightLimiter* limiter_;
  };

  explicit InflightLimiter(int max) : max_(max) {}

  // A ticket, or ResourceExhausted naming `method` and the limit when
  // max calls are already in flight.
  absl::StatusOr<Ticket> TryAcquire(absl::string_view method);
  int inflight() const { return count_.load(); }

 private:
  const int max_;
  std::atomic<int> count_{0};
};

// InvalidArgument naming the field ("state.fleet.instances: 20000
// instances; this daemon accepts at most 10000 (max_fleet_instances)").
absl::Status CheckEvaluationSize(const v1::EvaluationState& state,
                                 const CallLimits& limits);

// InvalidArgument naming `field` when `points` raw price points exceed
// max_price_points.
absl::Status CheckPricePoints(absl::string_view field, int64_t points,
                              const CallLimits& limits);

// Cancelled when the client cancelled the call (or went away),
// DeadlineExceeded when its deadline has passed; OK otherwise. `step` says
// what was not done ("evaluate", "record").
absl::Status CheckCallAlive(grpc::CallbackServerContext& context,
                            absl::string_view method, absl::string_view step);

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_CALL_LIMITS_H_
