// Marathon's queue split into demand a new burst agent could take (queued:
// it may trigger bursting) and demand that more capacity would not serve
// (held back, with the reason).
//
//   BurstAgentProfile agent{.attributes = {{"cloud_type", "burst"}},
//                           .unique_attributes = {"instance_id"}};
//   UnmetDemand demand = SplitUnmetDemand(*queue, agent);
//
// An item is held back, in this order of checks, for:
//   - a launch delay: backed off after failed launches (delay.overdue false
//     with time left): more capacity would not make it start;
//   - a role: acceptedResourceRoles without "*" (burst agents offer
//     unreserved resources only);
//   - a placement constraint no new burst agent satisfies.
// Everything else is queued: its count times its per-instance ask.
//
// Constraints are evaluated statically against a *new* burst agent, as
// Marathon's matcher would against its first offer:
//   - hostname (or @hostname) and the attributes named in
//     `unique_attributes` have a value unknown in advance and unique to the
//     agent: UNIQUE, MAX_PER, GROUP_BY and UNLIKE hold; CLUSTER, LIKE and
//     IS do not (they need a value known now);
//   - @region, @zone and the other attributes have the profile's value:
//     CLUSTER <v> and IS <v> compare it exactly (IS compares numbers to 3
//     decimals, as Mesos keeps scalars), LIKE/UNLIKE match it as a whole
//     against the regex, MAX_PER and GROUP_BY hold (they spread instances
//     over values; a count too low to fit cannot be told from the queue),
//     UNIQUE does not (every burst agent shares the value, so more of them
//     add no place for a second instance);
//   - a field the agent lacks satisfies only UNLIKE;
//   - CLUSTER without a value keeps instances where the first ones run,
//     which a new agent is not: never satisfied.
// Regexes are std::regex ECMAScript, matched as a whole; Marathon uses
// Java's regexes, which agree on the patterns constraints use (literals,
// alternation, classes, quantifiers). Matching never backtracks (see
// unmet_demand.cc), so back-references are refused. An invalid pattern, or
// one longer than 256 bytes or too large to build, makes the constraint
// unsatisfiable, with a detail that says so. An unknown operator is not
// satisfied either.
#ifndef SPOTBURST_ADAPTERS_MESOS_SRC_UNMET_DEMAND_H_
#define SPOTBURST_ADAPTERS_MESOS_SRC_UNMET_DEMAND_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "marathon_queue.h"
#include "spotburst/cluster_state.h"
#include "spotburst/resources.h"

namespace spotburst::mesos {

// What a new burst agent looks like to a placement constraint.
struct BurstAgentProfile {
  // Attributes with the same value on every burst agent, as Mesos prints
  // them: {"cloud_type", "burst"}, {"rack", "12"}.
  std::map<std::string, std::string> attributes;
  // Attributes whose value differs per agent and is not known before it
  // starts, e.g. "instance_id".
  std::set<std::string> unique_attributes;
  // The agents' fault domain, when they have one.
  std::optional<std::string> region;
  std::optional<std::string> zone;
};

struct UnmetDemand {
  Resources queued;
  // One entry per held-back workload, in queue order.
  std::vector<HeldBackDemand> held_back;
};

UnmetDemand SplitUnmetDemand(const std::vector<MarathonQueueItem>& queue,
                             const BurstAgentProfile& burst_agent);

}  // namespace spotburst::mesos

#endif  // SPOTBURST_ADAPTERS_MESOS_SRC_UNMET_DEMAND_H_
