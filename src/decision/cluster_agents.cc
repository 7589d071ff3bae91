// What the cluster's agents and queue tell a plan: instances still booting,
// drains remembered between evaluations, and demand that waits.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "decision/engine_steps.h"

namespace spotburst::internal {
namespace {

// "cpus 8, mem 16384 MiB" with the kinds that ask for something.
std::string ResourcesText(const Resources& r) {
  std::vector<std::string> parts;
  if (r.cpus != 0) parts.push_back(absl::StrFormat("cpus %g", r.cpus));
  if (r.mem_mib != 0) parts.push_back(absl::StrFormat("mem %g MiB", r.mem_mib));
  if (r.disk_mib != 0) {
    parts.push_back(absl::StrFormat("disk %g MiB", r.disk_mib));
  }
  if (r.gpus != 0) parts.push_back(absl::StrFormat("gpus %g", r.gpus));
  return parts.empty() ? "nothing" : absl::StrJoin(parts, ", ");
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
  std::vector<std::string> names;
  for (const Instance* i : fleet.booting) {
    names.push_back(
        i->launch_time == absl::InfinitePast() || i->launch_time > now
            ? i->id
            : absl::StrFormat("%s (up %d min)", i->id,
                              absl::ToInt64Minutes(now - i->launch_time)));
  }
  const int n = static_cast<int>(fleet.booting.size());
  return Reason{
      .code = ReasonCode::kBooting,
      .message = absl::StrFormat(
          "%d instance(s) whose agent has not joined the cluster yet: %s; "
          "counted as coming capacity",
          n, absl::StrJoin(names, ", ")),
      .figures = {{"booting", n}}};
}

std::optional<Reason> UnmetDemandNote(const ClusterState& cluster) {
  if (cluster.held_back.empty()) return std::nullopt;
  Resources held;
  int instances = 0;
  std::vector<std::string> items;
  for (const HeldBackDemand& d : cluster.held_back) {
    held += d.resources;
    instances += d.instances;
    items.push_back(absl::StrFormat(
        "%s x%d (%s) by %s%s", d.workload.empty() ? "-" : d.workload,
        d.instances, ResourcesText(d.resources), HoldReasonName(d.reason),
        d.detail.empty() ? "" : absl::StrCat(": ", d.detail)));
  }
  return Reason{
      .code = ReasonCode::kUnmetDemand,
      .message = absl::StrFormat(
          "waiting demand: queued for resources %s (may burst); held back "
          "%s, which more capacity would not serve: %s",
          ResourcesText(cluster.queued), ResourcesText(held),
          absl::StrJoin(items, "; ")),
      .figures = {{"queued_cpus", cluster.queued.cpus},
                  {"queued_mem_mib", cluster.queued.mem_mib},
                  {"held_back_cpus", held.cpus},
                  {"held_back_mem_mib", held.mem_mib},
                  {"held_back_instances", instances}}};
}

}  // namespace spotburst::internal
