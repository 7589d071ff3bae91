// Launch failures: why the cloud refused a launch, and what the engine does
// about it.
//
// An InstanceManager whose RequestSpot or LaunchOnDemand fails attaches the
// cause to the returned status (WithFailureCause), classified from its
// provider's error code; the Controller reads it back (FailureCauseOf).
// Capacity and quota failures block launches for a while: the Controller
// hands them to the next evaluation as LaunchFailure records, and the
// engine keeps a LaunchBackoff per market (capacity) or per lifecycle
// (quota) in its state, launches elsewhere or on-demand meanwhile, and
// names every active backoff in each plan. Other causes (auth, clock skew,
// bad configuration, throttling) are the adapter's to report; another
// market would not fare better.
//
//   return WithFailureCause(
//       absl::ResourceExhaustedError("RunInstances:
//       InsufficientInstanceCapacity"), FailureCause::kCapacity);
#ifndef SPOTBURST_LAUNCH_FAILURE_H_
#define SPOTBURST_LAUNCH_FAILURE_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "spotburst/fleet.h"
#include "spotburst/market.h"

namespace spotburst {

enum class FailureCause {
  kUnknown,        // no cause attached
  kCapacity,       // the market has no capacity for the launch now
  kQuota,          // an account limit for the lifecycle is reached
  kPriceTooLow,    // the bid is below what the market accepts
  kAuth,           // the provider refused the credentials
  kClockSkew,      // the request's time is too far from the provider's
  kConfiguration,  // the launch specification or a parameter is invalid
  kThrottled,      // the provider limits the rate of calls
  kUnavailable,    // the provider failed or could not be reached
};
std::string_view FailureCauseName(FailureCause cause);  // "capacity", ...
std::optional<FailureCause> FailureCauseFromName(std::string_view name);

// `status` with `cause` and the provider's error code (e.g.
// "InsufficientInstanceCapacity"; may be empty) attached as payloads; the
// status code and message stay. An OK status stays OK.
absl::Status WithFailureCause(absl::Status status, FailureCause cause,
                              std::string_view provider_code = "");
// The attached cause; kUnknown when there is none.
FailureCause FailureCauseOf(const absl::Status& status);
// The attached provider error code; empty when there is none.
std::string ProviderCodeOf(const absl::Status& status);
// Capacity and quota: asking again at once would fail again.
bool BlocksLaunches(FailureCause cause);

// One launch the cloud refused for capacity or quota.
struct LaunchFailure {
  // The launch's market (type, zone, product).
  Market market;
  Lifecycle lifecycle = Lifecycle::kSpot;
  FailureCause cause = FailureCause::kCapacity;
  absl::Time time = absl::InfinitePast();
  // The provider's error code, e.g. "InsufficientInstanceCapacity".
  std::string code;

  friend bool operator==(const LaunchFailure&, const LaunchFailure&) = default;
};

// What the engine avoids, and until when. A capacity backoff covers one
// market for one lifecycle; a quota backoff covers the lifecycle in every
// market (its market names only the instance type).
struct LaunchBackoff {
  Market market;
  Lifecycle lifecycle = Lifecycle::kSpot;
  FailureCause cause = FailureCause::kCapacity;
  // Failures in a row: each one doubles the backoff, up to the policy's
  // requests.launch_backoff_max.
  int failures = 0;
  absl::Time last_failure = absl::InfinitePast();
  absl::Time until = absl::InfinitePast();
  std::string code;

  friend bool operator==(const LaunchBackoff&, const LaunchBackoff&) = default;
};

}  // namespace spotburst

#endif  // SPOTBURST_LAUNCH_FAILURE_H_
