// ClusterState: what a MetricsSource reports about the private cluster.
//
// `used` is what tasks hold now, `queued` what waits because resources ran
// out (only this may trigger bursting), `baseline` the private capacity
// without any burst instance (used when the policy names no baseline of its
// own). `held_back` is demand that waits for something more capacity would
// not give it (a placement constraint, a role, a launch delay after
// crashes): reported so a plan can say why it did not burst for it.
//
// A source that sees the cluster's agents (a Mesos master) sets
// `reports_agents` and lists the agents of burst instances: an instance
// counts as joined once its agent is there, and the engine drains an
// agent before it ends the instance (drainer.h). Plain value types.
//
//   ClusterState state{.used = {.cpus = 34.5, .mem_mib = 20480},
//                      .baseline = {.cpus = 40, .mem_mib = 81920}};
#ifndef SPOTBURST_CLUSTER_STATE_H_
#define SPOTBURST_CLUSTER_STATE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "spotburst/resources.h"

namespace spotburst {

// Why demand waits although capacity alone would not serve it.
enum class HoldReason {
  kPlacementConstraint,  // only agents with some attribute may take it
  kRole,                 // it needs resources reserved for a role
  kLaunchDelay,          // backed off after its tasks failed
};
// "placement-constraint", "role", "launch-delay".
std::string_view HoldReasonName(HoldReason reason);

struct HeldBackDemand {
  // What it waits for, e.g. "/etl/worker" (an application or pod id).
  std::string workload;
  HoldReason reason = HoldReason::kPlacementConstraint;
  // Instances waiting, and the resources they ask for in all.
  int instances = 0;
  Resources resources;
  // What held it back, for people, e.g. "constraint cloud_type:CLUSTER:gpu".
  std::string detail;

  friend bool operator==(const HeldBackDemand&,
                         const HeldBackDemand&) = default;
};

enum class AgentState {
  kActive,    // takes new work
  kDraining,  // takes no new work; tasks are moving off
  kDrained,   // takes no new work and runs none
};
std::string_view AgentStateName(AgentState state);  // "active", ...

// The cluster's agent on a burst instance.
struct BurstAgent {
  // The instance the agent runs on (from the attribute its boot script
  // sets), and the cluster's id for the agent.
  std::string instance_id;
  std::string agent_id;
  AgentState state = AgentState::kActive;
  Resources total;
  Resources used;

  friend bool operator==(const BurstAgent&, const BurstAgent&) = default;
};

struct ClusterState {
  Resources used;
  Resources queued;
  Resources baseline;
  std::vector<HeldBackDemand> held_back;
  // Whether `burst_agents` is known: when false, every live instance counts
  // as joined and nothing is drained.
  bool reports_agents = false;
  std::vector<BurstAgent> burst_agents;
  // When the metrics were read.
  absl::Time read_at = absl::InfinitePast();
};

}  // namespace spotburst

#endif  // SPOTBURST_CLUSTER_STATE_H_
