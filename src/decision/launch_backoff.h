// Backoffs after capacity and quota failures (see launch_failure.h): the
// evaluation's launch failures folded into the engine state, and what the
// active backoffs block.
//
// A capacity backoff covers one market for one lifecycle: spot capacity in
// us-east-1a says nothing about us-east-1b or about on-demand. A quota
// backoff covers its lifecycle everywhere. Each failure in a row doubles the
// backoff (requests.launch_backoff, up to launch_backoff_max); a backoff
// quiet for launch_backoff_max after its end is forgotten, so the count
// starts again.
#ifndef SPOTBURST_SRC_DECISION_LAUNCH_BACKOFF_H_
#define SPOTBURST_SRC_DECISION_LAUNCH_BACKOFF_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "spotburst/engine.h"
#include "spotburst/launch_failure.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"

namespace spotburst::internal {

// Folds `failures` into `backoffs`. A failure no later than its backoff's
// last one is already counted (a state fed back twice must not double the
// backoff). InvalidArgument, naming the failure, for one after `now` or
// with a cause that blocks nothing.
absl::Status UpdateBackoffs(const RequestPolicy& policy,
                            const std::vector<LaunchFailure>& failures,
                            absl::Time now,
                            std::vector<LaunchBackoff>& backoffs);

// The backoff that blocks launching `lifecycle` in `market` at `now`, or
// nullptr. Points into `backoffs`.
const LaunchBackoff* BlockingBackoff(const std::vector<LaunchBackoff>& backoffs,
                                     const Market& market, Lifecycle lifecycle,
                                     absl::Time now);

// "spot capacity in c4.large/us-east-1a/Linux/UNIX (InsufficientInstance
// Capacity, 2 failures in a row): left alone until 12:10:00Z (4m left)".
Reason BackoffReason(const LaunchBackoff& backoff, absl::Time now);

// One kLaunchBackoff note per backoff active at `now`.
std::vector<Reason> ActiveBackoffNotes(
    const std::vector<LaunchBackoff>& backoffs, absl::Time now);

// Where on-demand launches go: `selected`'s zone, or else the first other
// zone (by name) of the policy's markets that no capacity backoff blocks.
// Empty with the blocking reason when there is none or on-demand is over
// its quota.
struct OnDemandPlacement {
  std::string zone;
  std::optional<Reason> blocked;
};
OnDemandPlacement PlaceOnDemand(const Policy& policy,
                                const std::vector<MarketView>& markets,
                                const Market& selected,
                                const std::vector<LaunchBackoff>& backoffs,
                                absl::Time now);

}  // namespace spotburst::internal

#endif  // SPOTBURST_SRC_DECISION_LAUNCH_BACKOFF_H_
