// FleetView: the fleet sorted into what the engine counts and acts on.
//
// Counted instances and open requests make the prototype's n. On-demand
// instances with a live spot replacement (an open request naming them, or
// an instance launched by such a request) are "retiring": not counted, and
// ended at their next good billing point. The replacement must have joined
// first (its agent is in the cluster, or, when the cluster reports no
// agents, the provider reports it running): until then the on-demand
// instance counts and the booting replacement does not. Instances under an
// interruption notice are neither counted nor ever ended: the provider ends
// them. Instances whose agent drains before they end (EngineState::drains) are
// not counted either; they end when the drain is over. When the cluster
// reports agents, counted instances without one are booting.
#ifndef SPOTBURST_SRC_DECISION_FLEET_VIEW_H_
#define SPOTBURST_SRC_DECISION_FLEET_VIEW_H_

#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "decision/unit_weights.h"
#include "spotburst/cluster_state.h"
#include "spotburst/engine.h"
#include "spotburst/fleet.h"
#include "spotburst/policy.h"

namespace spotburst::internal {

struct FleetView {
  std::vector<const Instance*> counted_instances;
  std::vector<const Instance*> interrupted;
  std::vector<const Instance*> retiring_on_demand;
  // Spot replacements that have not joined (their on-demand counts).
  std::vector<const Instance*> booting_replacements;
  // The on-demand instances of those: counted too, and in
  // counted_instances.
  std::vector<const Instance*> awaiting_replacement;
  // Draining for the policy's end, with their drain.
  std::vector<std::pair<const Instance*, const AgentDrain*>> draining;
  // Counted instances whose agent has not joined the cluster.
  std::vector<const Instance*> booting;
  // The cluster's agents by instance id (when it reports them): views into
  // the ClusterState, which outlives the view.
  bool reports_agents = false;
  absl::flat_hash_map<std::string_view, const BurstAgent*> agents;
  std::vector<const SpotRequest*> open_requests;  // not replacements
  std::vector<const SpotRequest*> open_replacements;
  // On-demand instances a replacement is already under way for.
  absl::flat_hash_set<std::string_view> replaced_ids;
  int on_demand_counted = 0;
  // The units each type counts for, and the units of the lists above
  // (instance.alternatives; without them, their sizes).
  UnitWeights weights;
  int counted_units = 0;
  int open_request_units = 0;
  // Interrupted and draining: they count toward max_instances while they
  // live.
  int leaving_units = 0;
  // Worst case per hour: instances at their max price, open requests at
  // their bid.
  double worst_case_usd_per_hour = 0;
};

// `fleet`, `cluster`, `drains` and `spec` must outlive the view.
FleetView ViewFleet(const Fleet& fleet, const ClusterState& cluster,
                    const std::vector<AgentDrain>& drains,
                    const InstanceSpec& spec);

// The agent of `instance_id`, or null when it has none (not joined, gone,
// or the cluster does not report agents).
const BurstAgent* AgentOf(const FleetView& view, std::string_view instance_id);

// Whether `instance` serves: its agent is in the cluster, or, when the
// cluster reports no agents, the provider reports it running (pending is
// still booting).
bool HasJoined(const FleetView& view, const Instance& instance);

}  // namespace spotburst::internal

#endif  // SPOTBURST_SRC_DECISION_FLEET_VIEW_H_
