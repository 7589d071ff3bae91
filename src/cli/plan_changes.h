// What `spotburst replay` counts as a changed decision: what the plan does,
// not how it explains it.
//
// Two plans make the same decision when they pick the same market, bid,
// supply mode and desired count, and take the same actions: the same kinds
// and counts, instance types and zones, bids, requests and instances
// targeted, and postponement deadlines. Reason and note texts, the policy
// name and the idempotency tokens (derived from the policy name) are left
// out, so a renamed policy or reworded reasons change nothing. The next
// engine state follows from these decisions and is not compared either.
//
//   std::vector<std::string> changes = PlanChanges(recorded.plan, now.plan);
//   if (!changes.empty()) std::cout << absl::StrJoin(changes, "; ");
#ifndef SPOTBURST_CLI_PLAN_CHANGES_H_
#define SPOTBURST_CLI_PLAN_CHANGES_H_

#include <string>
#include <vector>

#include "spotburst/plan.h"

namespace spotburst::cli {

// Empty when `before` and `after` make the same decision; otherwise one
// short item per difference, most telling first, e.g. "desired 4 -> 6",
// "request-spot 1 (2 instances) -> 1 (4 instances)", "bid 0.1649 ->
// 0.2649". Prices are compared to a millionth of a USD per hour.
std::vector<std::string> PlanChanges(const Plan& before, const Plan& after);

}  // namespace spotburst::cli

#endif  // SPOTBURST_CLI_PLAN_CHANGES_H_
