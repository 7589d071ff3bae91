// Sorting the fleet into counted, retiring and open.
#include "decision/fleet_view.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"

namespace spotburst::internal {

const BurstAgent* AgentOf(const FleetView& view, std::string_view instance_id) {
  const auto it = view.agents.find(instance_id);
  return it == view.agents.end() ? nullptr : it->second;
}

bool HasJoined(const FleetView& view, const Instance& instance) {
  return view.reports_agents ? view.agents.contains(instance.id)
                             : instance.state == InstanceState::kRunning;
}

FleetView ViewFleet(const Fleet& fleet, const ClusterState& cluster,
                    const std::vector<AgentDrain>& drains,
                    const InstanceSpec& spec) {
  FleetView view;
  view.weights = UnitWeights(spec);
  view.reports_agents = cluster.reports_agents;
  if (cluster.reports_agents) {
    view.agents.reserve(cluster.burst_agents.size());
    for (const BurstAgent& agent : cluster.burst_agents) {
      view.agents.emplace(agent.instance_id, &agent);
    }
  }
  view.counted_instances.reserve(fleet.instances.size());
  view.open_requests.reserve(fleet.requests.size());
  absl::flat_hash_map<std::string_view, const AgentDrain*> drain_of;
  for (const AgentDrain& drain : drains) {
    drain_of.emplace(drain.instance_id, &drain);
  }
  // Requests first, as if none replaced an on-demand instance: the id
  // indexes only matter when one does, and most evaluations have none
  // (building them anyway was 8 % of a simulated tick). On that path each
  // list is read once; a large fleet's cost is reading it.
  bool any_replacement = false;
  for (const SpotRequest& request : fleet.requests) {
    if (!request.replaces_instance_id.empty()) {
      any_replacement = true;
      break;
    }
    if (request.state == SpotRequestState::kOpen) {
      view.open_requests.push_back(&request);
    }
  }
  absl::flat_hash_set<std::string_view> retiring_ids;
  absl::flat_hash_set<std::string_view> booting_replacement_ids;
  absl::flat_hash_set<std::string_view> awaiting_ids;
  // Open requests in list order, replacements or not: their bids are added
  // to the worst case in this order, after the instances, so the sum is
  // the same to the last bit whichever path made it.
  std::vector<const SpotRequest*> open_in_order;
  if (any_replacement) {
    view.open_requests.clear();
    absl::flat_hash_map<std::string_view, const Instance*> on_demand_by_id;
    absl::flat_hash_map<std::string_view, const Instance*> live_by_id;
    for (const Instance& instance : fleet.instances) {
      live_by_id.emplace(instance.id, &instance);
      if (instance.lifecycle == Lifecycle::kOnDemand) {
        on_demand_by_id.emplace(instance.id, &instance);
      }
    }
    for (const SpotRequest& request : fleet.requests) {
      const bool replaces_live_on_demand =
          !request.replaces_instance_id.empty() &&
          on_demand_by_id.contains(request.replaces_instance_id);
      if (request.state == SpotRequestState::kOpen) {
        open_in_order.push_back(&request);
        if (replaces_live_on_demand) {
          view.open_replacements.push_back(&request);
          view.replaced_ids.insert(request.replaces_instance_id);
        } else {
          view.open_requests.push_back(&request);
        }
        continue;
      }
      if (request.state != SpotRequestState::kActive ||
          !replaces_live_on_demand) {
        continue;
      }
      const auto replacement = live_by_id.find(request.instance_id);
      if (replacement != live_by_id.end()) {
        view.replaced_ids.insert(request.replaces_instance_id);
        if (!HasJoined(view, *replacement->second)) {
          // Still booting: the on-demand instance serves (and counts) until
          // its replacement has joined.
          booting_replacement_ids.insert(request.instance_id);
          awaiting_ids.insert(request.replaces_instance_id);
        } else {
          // The replacement runs: the on-demand instance retires.
          retiring_ids.insert(request.replaces_instance_id);
        }
      }
    }
  }
  for (const Instance& instance : fleet.instances) {
    view.worst_case_usd_per_hour += instance.max_price_usd_per_hour;
    if (instance.interruption_notice) {
      view.interrupted.push_back(&instance);
      continue;
    }
    if (!drain_of.empty()) {
      if (const auto it = drain_of.find(instance.id); it != drain_of.end()) {
        view.draining.push_back({&instance, it->second});
        continue;
      }
    }
    if (!booting_replacement_ids.empty() &&
        booting_replacement_ids.contains(instance.id)) {
      view.booting_replacements.push_back(&instance);
      continue;
    }
    if (instance.lifecycle == Lifecycle::kOnDemand) {
      if (!retiring_ids.empty() && retiring_ids.contains(instance.id)) {
        view.retiring_on_demand.push_back(&instance);
        continue;
      }
      ++view.on_demand_counted;
      if (!awaiting_ids.empty() && awaiting_ids.contains(instance.id)) {
        view.awaiting_replacement.push_back(&instance);
      }
    }
    view.counted_instances.push_back(&instance);
    if (view.reports_agents && !view.agents.contains(instance.id)) {
      view.booting.push_back(&instance);
    }
  }
  for (const SpotRequest* request :
       any_replacement ? open_in_order : view.open_requests) {
    view.worst_case_usd_per_hour += request->bid_usd_per_hour;
  }
  view.counted_units = static_cast<int>(view.counted_instances.size());
  view.open_request_units = static_cast<int>(view.open_requests.size());
  view.leaving_units =
      static_cast<int>(view.interrupted.size() + view.draining.size());
  if (!view.weights.all_one()) {
    // Each counts its weight: the extra over the one already counted.
    const UnitWeights& w = view.weights;
    for (const Instance* i : view.counted_instances) {
      view.counted_units += w.Of(i->instance_type) - 1;
    }
    for (const SpotRequest* r : view.open_requests) {
      view.open_request_units += w.Of(r->instance_type) - 1;
    }
    for (const Instance* i : view.interrupted) {
      view.leaving_units += w.Of(i->instance_type) - 1;
    }
    for (const auto& [i, drain] : view.draining) {
      view.leaving_units += w.Of(i->instance_type) - 1;
    }
  }
  return view;
}

}  // namespace spotburst::internal
