// AgentTracker: the cluster's agents sorted into private capacity, burst
// agents and others, steady across polls.
//
// An agent that stops appearing (a master failover, a network blip) is
// kept with what it last had for `missing_polls_to_drop` polls, so the
// baseline does not jump; one that appears counts at once.
#ifndef SPOTBURST_ADAPTERS_MESOS_SRC_AGENT_TRACKER_H_
#define SPOTBURST_ADAPTERS_MESOS_SRC_AGENT_TRACKER_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "master_json.h"
#include "spotburst/cluster_state.h"
#include "spotburst/resources.h"

namespace spotburst::mesos {

struct AgentRules {
  // Private agents carry all of these (empty: every non-burst agent).
  std::map<std::string, std::string> private_selector;
  // Burst agents carry this attribute; its value is the instance id.
  std::string instance_id_attribute = "instance_id";
  int missing_polls_to_drop = 3;
};

struct ClusterAgents {
  Resources baseline;  // total of the private agents
  Resources used;      // used on private and burst agents
  std::vector<BurstAgent> burst;
  int private_agents = 0;
  int other_agents = 0;  // neither: another pool's, left out
  int kept_missing = 0;  // not in this poll, still counted
};

class AgentTracker {
 public:
  explicit AgentTracker(AgentRules rules) : rules_(std::move(rules)) {}

  // Folds one poll in and sorts what is known. `undrainable`: instances
  // whose agent the master cannot drain (reported drained, see
  // MesosCluster).
  ClusterAgents Update(const AgentList& list,
                       const std::set<std::string>& undrainable = {});

  // The agent currently seen for a burst instance, or null.
  const Agent* AgentOfInstance(const std::string& instance_id) const;

 private:
  struct Known {
    Agent agent;
    int missing = 0;  // polls since it was last seen
  };

  AgentRules rules_;
  std::map<std::string, Known> known_;  // by agent id
};

// The agent in `list` that carries `attribute` = `instance_id`, or null.
const Agent* FindAgentOfInstance(const AgentList& list,
                                 std::string_view attribute,
                                 std::string_view instance_id);

// An agent's state as the engine sees it: drain_info first; a deactivated
// agent without one (DEACTIVATE_AGENT) is drained once its tasks hold
// nothing.
AgentState BurstAgentState(const Agent& agent);

}  // namespace spotburst::mesos

#endif  // SPOTBURST_ADAPTERS_MESOS_SRC_AGENT_TRACKER_H_
