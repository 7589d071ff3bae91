// What one simulated run needs, resolved from a scenario, a policy and the
// traces: shared by RunSimulation (simulation.cc) and the live simulated
// world (sim_world.cc), so both build the cloud and cluster the same way.
#ifndef SPOTBURST_SIM_SRC_RUN_SETUP_H_
#define SPOTBURST_SIM_SRC_RUN_SETUP_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "demand_curve.h"
#include "sim_cloud.h"
#include "sim_market.h"
#include "spotburst/market.h"
#include "spotburst/policy.h"
#include "spotburst/resources.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"
#include "workload_trace.h"

namespace spotburst::sim::internal {

// The traces a scenario names, read once (SimulationInputs::Load).
class LoadedInputs final : public SimulationInputs {
 public:
  // Each price trace the markets name, once, in the order first named, and
  // the markets each holds.
  std::vector<std::string> price_traces;
  std::vector<std::vector<PriceHistory>> histories;
  std::string workload_trace;
  std::vector<WorkloadSample> workload;
};

struct RunSetup {
  std::shared_ptr<const LoadedInputs> inputs;
  // One per market of `cloud`, in order; they point into `inputs`.
  std::vector<const PriceHistory*> histories;
  // The markets of the policy's instance types, instance.type's and its
  // alternatives' (indices into `cloud.markets`): the ones the engine
  // chooses from and the hindsight reference uses.
  std::vector<int> policy_markets;
  // With instance.alternatives: per market of `cloud`, what one instance
  // adds to the cluster and the units it counts for (its type's shape and
  // weight). Empty without: every instance is instance.shape.
  std::vector<Resources> market_shapes;
  std::vector<int> market_weights;
  // Zones the controller watches when the policy names none.
  std::vector<std::string> availability_zones;
  // The policy as run: with a single `market:`, in the scenario's zone.
  Policy policy;
  CloudConfig cloud;
  double on_demand_usd_per_hour = 0;  // of the policy's type
  Resources baseline;                 // the cluster's private capacity
  absl::Time start;
  absl::Time end;
};

// Errors start with "sim: " (see RunSimulation). `given` may be null: the
// traces are then read here.
absl::StatusOr<RunSetup> Prepare(const Scenario& scenario, const Policy& policy,
                                 std::shared_ptr<const SimulationInputs> given);

// The distinct price traces the scenario's markets name, in order.
std::vector<std::string> PriceTraces(const Scenario& scenario);

DemandCurve MakeDemand(const Scenario& scenario, const RunSetup& setup);

// How the policy's markets are priced per unit of instance.shape: each
// one's weight, in the order of `policy_markets` (empty without
// alternatives: all 1), and the cheapest on-demand price per unit.
struct UnitPricing {
  std::vector<double> weights;
  double on_demand_usd_per_hour = 0;
};
UnitPricing PolicyUnitPricing(const RunSetup& setup);

// The hindsight reference of the run (hindsight.h); `spots`: the
// SimMarkets of setup.policy_markets, in order.
double Hindsight(const RunSetup& setup, const DemandCurve& demand,
                 std::vector<const SimMarket*> spots);

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_RUN_SETUP_H_
