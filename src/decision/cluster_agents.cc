// What the cluster's agents and queue tell a plan: instances still booting,
// drains remembered between evaluations, and demand that waits.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "decision/engine_steps.h"

namespace spotburst::internal {
namespace {

// "cpus 8, mem 16384 MiB" with the kinds that ask for something.
void AddResources(ReasonText& text, const Resources& r) {
  bool first = true;
  auto part = [&](const auto& format, double value) {
    if (value == 0) return;
    if (!first) text.Add(", ");
    first = false;
    text.Add(format, value);
  };
  part("cpus %g", r.cpus);
  part("mem %g MiB", r.mem_mib);
  part("disk %g MiB", r.disk_mib);
  part("gpus %g", r.gpus);
  if (first) text.Add("nothing");
}

}  // namespace

void ForgetEndedDrains(const Fleet& fleet, std::vector<AgentDrain>& drains) {
  if (drains.empty()) return;
  absl::flat_hash_set<std::string_view> live;
  live.reserve(fleet.instances.size());
  for (const Instance& instance : fleet.instances) live.insert(instance.id);
  drains.erase(std::remove_if(drains.begin(), drains.end(),
                              [&](const AgentDrain& d) {
                                return !live.contains(d.instance_id);
                              }),
               drains.end());
}

std::vector<std::string> AdoptClusterDrains(const Fleet& fleet,
                                            const ClusterState& cluster,
                                            absl::Time now,
                                            std::vector<AgentDrain>& drains) {
  std::vector<std::string> adopted;
  if (!cluster.reports_agents) return adopted;
  absl::flat_hash_set<std::string_view> not_active;
  for (const BurstAgent& agent : cluster.burst_agents) {
    if (agent.state != AgentState::kActive)
      not_active.insert(agent.instance_id);
  }
  if (not_active.empty()) return adopted;
  absl::flat_hash_set<std::string_view> known;
  for (const AgentDrain& d : drains) known.insert(d.instance_id);
  for (const Instance& instance : fleet.instances) {
    if (instance.interruption_notice || known.contains(instance.id) ||
        !not_active.contains(instance.id)) {
      continue;
    }
    adopted.push_back(instance.id);
  }
  for (const std::string& id : adopted) {
    drains.push_back({.instance_id = id, .started = now});
  }
  return adopted;
}

void RememberDrains(std::vector<AgentDrain>& started,
                    std::vector<AgentDrain>& drains) {
  if (started.empty()) return;
  absl::flat_hash_set<std::string> known;
  for (const AgentDrain& d : drains) known.insert(d.instance_id);
  for (AgentDrain& d : started) {
    if (known.insert(d.instance_id).second) drains.push_back(std::move(d));
  }
}

std::optional<Reason> BootingNote(const FleetView& fleet, absl::Time now) {
  if (fleet.booting.empty()) return std::nullopt;
  const int n = static_cast<int>(fleet.booting.size());
  Reason note = MakeReason(
      ReasonCode::kBooting, {{"booting", static_cast<double>(n)}},
      "%d instance(s) whose agent has not joined the cluster yet: ", n);
  for (size_t k = 0; k < fleet.booting.size(); ++k) {
    const Instance* i = fleet.booting[k];
    if (k > 0) note.text.Add(", ");
    if (i->launch_time == absl::InfinitePast() || i->launch_time > now) {
      note.text.Add("%s", i->id);
    } else {
      note.text.Add("%s (up %d min)", i->id,
                    absl::ToInt64Minutes(now - i->launch_time));
    }
  }
  note.text.Add("; counted as coming capacity");
  return note;
}

std::optional<Reason> UnmetDemandNote(const ClusterState& cluster) {
  if (cluster.held_back.empty()) return std::nullopt;
  Resources held;
  int instances = 0;
  for (const HeldBackDemand& d : cluster.held_back) {
    held += d.resources;
    instances += d.instances;
  }
  Reason note{
      .code = ReasonCode::kUnmetDemand,
      .figures = {{"queued_cpus", cluster.queued.cpus},
                  {"queued_mem_mib", cluster.queued.mem_mib},
                  {"held_back_cpus", held.cpus},
                  {"held_back_mem_mib", held.mem_mib},
                  {"held_back_instances", static_cast<double>(instances)}}};
  ReasonText& text = note.text;
  text.Add("waiting demand: queued for resources ");
  AddResources(text, cluster.queued);
  text.Add(" (may burst); held back ");
  AddResources(text, held);
  text.Add(", which more capacity would not serve: ");
  for (size_t k = 0; k < cluster.held_back.size(); ++k) {
    const HeldBackDemand& d = cluster.held_back[k];
    if (k > 0) text.Add("; ");
    text.Add("%s x%d (", d.workload.empty() ? "-" : d.workload, d.instances);
    AddResources(text, d.resources);
    text.Add(") by %s", HoldReasonName(d.reason));
    if (!d.detail.empty()) text.Add(": %s", d.detail);
  }
  return note;
}

}  // namespace spotburst::internal
