// Sorting agents into private, burst and others, with missing-poll grace.
#include "agent_tracker.h"

#include <map>

namespace spotburst::mesos {
namespace {

bool Matches(const Attributes& attributes,
             const std::map<std::string, std::string>& selector) {
  for (const auto& [name, value] : selector) {
    const auto it = attributes.find(name);
    if (it == attributes.end() || it->second != value) return false;
  }
  return true;
}

}  // namespace

AgentState BurstAgentState(const Agent& agent) {
  switch (agent.drain) {
    case DrainPhase::kDrained:
      return AgentState::kDrained;
    case DrainPhase::kDraining:
      return AgentState::kDraining;
    case DrainPhase::kNone:
      break;
  }
  if (!agent.deactivated) return AgentState::kActive;
  return agent.used == Resources{} ? AgentState::kDrained
                                   : AgentState::kDraining;
}

ClusterAgents AgentTracker::Update(const AgentList& list,
                                   const std::set<std::string>& undrainable) {
  for (auto& [id, known] : known_) ++known.missing;
  for (const Agent& agent : list.agents) {
    known_[agent.id] = {.agent = agent, .missing = 0};
  }
  for (auto it = known_.begin(); it != known_.end();) {
    if (it->second.missing > rules_.missing_polls_to_drop) {
      it = known_.erase(it);
    } else {
      ++it;
    }
  }

  ClusterAgents out;
  // One agent per instance: a restarted agent re-registers with a new id
  // while the old one may linger as missing; the freshest wins.
  std::map<std::string, const Known*> by_instance;
  for (const auto& [id, known] : known_) {
    const Agent& agent = known.agent;
    if (known.missing > 0) ++out.kept_missing;
    const auto instance = agent.attributes.find(rules_.instance_id_attribute);
    if (instance != agent.attributes.end() && !instance->second.empty()) {
      const Known*& best = by_instance[instance->second];
      if (best == nullptr || known.missing < best->missing) best = &known;
      continue;
    }
    if (!Matches(agent.attributes, rules_.private_selector)) {
      ++out.other_agents;
      continue;
    }
    ++out.private_agents;
    out.baseline += agent.total;
    out.used += agent.used;
  }
  for (const auto& [instance_id, known] : by_instance) {
    const Agent& agent = known->agent;
    out.used += agent.used;
    out.burst.push_back({.instance_id = instance_id,
                         .agent_id = agent.id,
                         .state = undrainable.contains(instance_id)
                                      ? AgentState::kDrained
                                      : BurstAgentState(agent),
                         .total = agent.total,
                         .used = agent.used});
  }
  return out;
}

const Agent* FindAgentOfInstance(const AgentList& list,
                                 std::string_view attribute,
                                 std::string_view instance_id) {
  for (const Agent& agent : list.agents) {
    const auto it = agent.attributes.find(attribute);
    if (it != agent.attributes.end() && it->second == instance_id) {
      return &agent;
    }
  }
  return nullptr;
}

const Agent* AgentTracker::AgentOfInstance(
    const std::string& instance_id) const {
  const Known* best = nullptr;
  for (const auto& [id, known] : known_) {
    const auto it = known.agent.attributes.find(rules_.instance_id_attribute);
    if (it == known.agent.attributes.end() || it->second != instance_id) {
      continue;
    }
    if (best == nullptr || known.missing < best->missing) best = &known;
  }
  return best != nullptr && best->missing == 0 ? &best->agent : nullptr;
}

}  // namespace spotburst::mesos
