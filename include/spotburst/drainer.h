// Drainer: hands a burst instance's agent back to the cluster before the
// instance ends, so its tasks move instead of dying.
//
// Implemented by adapters that manage a cluster (the Mesos adapter; the
// simulated cluster). The engine plans a drain (ActionKind::kDrainInstance)
// when the cluster reports agents, and ends the instance once its agent is
// drained, gone, or the grace period is up; the Controller calls Drain()
// for those actions. Progress is read back through the MetricsSource
// (ClusterState::burst_agents), so a restarted controller resumes a drain
// from what the cluster says. Methods may block; the Controller calls them
// from one thread.
//
//   SPOTBURST_RETURN_IF_ERROR(drainer.Drain({"i-0abc"}, absl::Minutes(5)));
#ifndef SPOTBURST_DRAINER_H_
#define SPOTBURST_DRAINER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace spotburst {

class Drainer {
 public:
  Drainer() = default;
  Drainer(const Drainer&) = delete;
  Drainer& operator=(const Drainer&) = delete;
  virtual ~Drainer() = default;

  // Starts draining the agents of these instances: no new work lands on
  // them, and their tasks get at most `grace` to finish. Idempotent: an
  // agent already draining or drained, or an instance without an agent, is
  // no error. Unavailable when the cluster cannot be reached.
  virtual absl::Status Drain(const std::vector<std::string>& instance_ids,
                             absl::Duration grace) = 0;
};

}  // namespace spotburst

#endif  // SPOTBURST_DRAINER_H_
