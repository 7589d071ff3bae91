// Scenario: a simulation's world — price trace, cloud behaviour, demand.
//
// The schema is proto/spotburst/v1/scenario.proto; this is its C++ form,
// loaded from YAML or JSON with the same key-path errors as policies.
// Paths inside a scenario are resolved relative to the scenario file.
//
//   SPOTBURST_ASSIGN_OR_RETURN(Scenario s,
//                              LoadScenarioFile("examples/scenarios/x.yaml"));
#ifndef SPOTBURST_SIM_SCENARIO_H_
#define SPOTBURST_SIM_SCENARIO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/policy.h"
#include "spotburst/resources.h"

namespace spotburst::sim {

enum class MarketRegime { kBidSet, kCapacity };

// A span after the start without spot capacity.
struct CapacityOutage {
  absl::Duration at;
  absl::Duration length;
};

struct MarketScenario {
  std::string price_trace;    // absolute or relative to the working directory
  std::string instance_type;  // empty: the policy's
  std::string availability_zone;  // empty: the policy's (single market only)
  MarketRegime regime = MarketRegime::kBidSet;
  double interruption_rate_per_hour = 0;
  double on_demand_usd_per_hour = 0;  // 0: the policy's
  // This market's own outages (the cloud's hold in every market).
  std::vector<CapacityOutage> spot_capacity_outages;
};

struct CloudScenario {
  absl::Duration request_batch_interval = absl::Minutes(5);
  // With 5-minute batches, a request made now is fulfilled 5 to 10 minutes
  // later (the next batch after the delay), as the prototype measured; a
  // longer maximum would outlast the usual 10-minute request timeout.
  absl::Duration fulfilment_delay_min = absl::Minutes(5);
  absl::Duration fulfilment_delay_max = absl::Minutes(5);
  absl::Duration boot_min = absl::Minutes(3);
  absl::Duration boot_max = absl::Minutes(4);
  absl::Duration interruption_notice = absl::Minutes(2);
  std::optional<BillingModel> billing;  // empty: the policy's
  // Spans after the start in which spot has no capacity: launches fail
  // with FailureCause::kCapacity, open requests wait.
  using Outage = CapacityOutage;
  std::vector<Outage> spot_capacity_outages;
};

struct ClusterScenario {
  // Report burst agents and drain them before their instance ends.
  bool reports_agents = false;
  absl::Duration drain_min = absl::Minutes(1);
  absl::Duration drain_max = absl::Minutes(3);
};

struct DemandPhase {
  absl::Duration at;
  double tasks = 0;
  Resources per_task;
};

struct DemandScenario {
  std::string workload_trace;  // empty: use phases
  double workload_scale = 1;
  std::vector<DemandPhase> phases;
  Resources base;
};

struct Scenario {
  std::string name;
  absl::Time start;
  absl::Duration duration;
  uint64_t seed = 1;
  // The markets sold, at least one: the `market:` entry, or the `markets:`
  // list in its order.
  std::vector<MarketScenario> markets;
  // They came as a `markets:` list: each market then draws its
  // interruptions from a stream derived from the seed and its own identity,
  // so adding a market never changes another's draws (`market:` keeps the
  // single stream it always had, so its runs stay as they were).
  bool market_list = false;
  CloudScenario cloud;
  ClusterScenario cluster;
  DemandScenario demand;
  std::vector<std::string> policies;
  std::optional<Resources> baseline;  // empty: the policy's
};

absl::StatusOr<Scenario> ParseScenario(std::string_view text,
                                       std::string_view source,
                                       const std::string& base_dir);
absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path);

}  // namespace spotburst::sim

#endif  // SPOTBURST_SIM_SCENARIO_H_
