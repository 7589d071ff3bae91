// The Mesos master's JSON answers as the adapter's small structs: the
// metrics snapshot, the agent list of /master/slaves (or /master/state) and
// the v1 operator API's GET_AGENTS.
//
// A large cluster's agent list is tens of megabytes and is read every tick,
// so the bodies are parsed with simdjson's On-Demand API: only the fields
// used here are read, everything else is skipped unparsed. The structure
// of the whole body is checked (a truncated body is refused, as is anything
// after the object), but a value skipped is not: `"version": tru` in a
// field never read passes. Pure functions of the body; thread-safe.
// Errors are InvalidArgument and name the endpoint, the field and, for an
// agent, its index and id (when the agent has one), e.g.
//   /master/slaves: slaves[3] (id "…-S3"): resources.cpus: -1 is negative
// quoting at most a short piece of the body.
//
//   SPOTBURST_ASSIGN_OR_RETURN(AgentList agents, ParseAgents(response.body));
#ifndef SPOTBURST_ADAPTERS_MESOS_SRC_MASTER_JSON_H_
#define SPOTBURST_ADAPTERS_MESOS_SRC_MASTER_JSON_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "spotburst/resources.h"

namespace spotburst::mesos {

// What the adapter reads from GET /metrics/snapshot.
struct MetricsSnapshot {
  // master/elected: required. A master that is not the leader serves the
  // snapshot too, with its resource gauges at 0.
  bool elected = false;
  // master/{cpus,mem,disk,gpus}_total and _used (mem and disk in MB, as
  // Mesos counts them): cpus, mem and disk are required when `elected`;
  // gpus reads as 0 when absent (masters before 1.0 have no GPU gauges).
  // Capacity of registered agents; "used" is what tasks hold, not offers.
  Resources total;
  Resources used;
  // master/slaves_active and master/uptime_secs, when present.
  std::optional<double> agents_active;
  std::optional<double> uptime_secs;

  friend bool operator==(const MetricsSnapshot&,
                         const MetricsSnapshot&) = default;
};

// An agent's drain, from drain_info.state.
enum class DrainPhase {
  kNone,      // not draining (no drain_info)
  kDraining,  // "DRAINING": tasks are being killed or moved off
  kDrained,   // "DRAINED": no task left
};

// Attribute name -> value as Mesos writes it as text: TEXT as it is,
// SCALAR rounded to 3 decimals as Mesos prints it ("12", "2.5"), RANGES
// "[31000-32000, 33000-34000]", SET "{a, b}". The first of a repeated name
// wins. Ordered by name; look up with a std::string_view.
using Attributes = std::map<std::string, std::string, std::less<>>;

struct Agent {
  std::string id;  // "<master id>-S<N>"
  std::string hostname;
  Attributes attributes;
  Resources total;      // resources (/slaves), total_resources (GET_AGENTS)
  Resources used;       // used_resources / allocated_resources; see below
  Resources offered;    // offered_resources: in offers, not used
  bool active = false;  // connected and taking offers
  bool deactivated = false;  // deactivated by an operator or a drain
  DrainPhase drain = DrainPhase::kNone;

  friend bool operator==(const Agent&, const Agent&) = default;
};

// An agent the master knows from its registry after a failover but that has
// not registered again yet: no resources known.
struct RecoveredAgent {
  std::string id;
  std::string hostname;
  Attributes attributes;

  friend bool operator==(const RecoveredAgent&,
                         const RecoveredAgent&) = default;
};

struct AgentList {
  std::vector<Agent> agents;
  std::vector<RecoveredAgent> recovered;
  // Whether every agent came with what its tasks use. Masters before 1.0
  // write no used_resources: `used` then reads 0 and the caller must not
  // take it for an idle agent.
  bool reports_used = true;

  friend bool operator==(const AgentList&, const AgentList&) = default;
};

// GET /metrics/snapshot: one flat object of numbers. Every value read must
// be a finite number >= 0 (master/elected: 0 or 1); other keys are skipped.
absl::StatusOr<MetricsSnapshot> ParseMetricsSnapshot(std::string_view body);

// GET /master/slaves or /master/state: `slaves` (required) and
// `recovered_slaves` (optional). Per agent: `id`, `hostname`, `resources`
// and `active` are required; `attributes`, `used_resources`,
// `offered_resources`, `deactivated` and `drain_info` are optional. A
// resources object needs `cpus`, `mem` and `disk` (`gpus` reads 0 when
// absent); other keys (ports, *_revocable, custom resources) are skipped.
absl::StatusOr<AgentList> ParseAgents(std::string_view body);

// POST /api/v1 {"type":"GET_AGENTS"}, as JSON: `get_agents.agents[]` and
// `get_agents.recovered_agents[]` in protobuf's JSON shapes
// (`agent_info.id.value`, attributes as {name, type, text|scalar|ranges|set},
// resources as lists of Resource objects summed per name, revocable ones
// left out). The same AgentList as ParseAgents; empty lists may be absent,
// as protobuf leaves them out, so `reports_used` is always true.
absl::StatusOr<AgentList> ParseGetAgents(std::string_view body);

}  // namespace spotburst::mesos

#endif  // SPOTBURST_ADAPTERS_MESOS_SRC_MASTER_JSON_H_
