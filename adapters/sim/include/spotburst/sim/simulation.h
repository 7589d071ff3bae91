// RunSimulation: replays a scenario through a policy with the real
// Controller and Engine over the simulated cloud and cluster.
//
// Deterministic: the same scenario (seed included) and policy give the same
// result, bit for bit. The price trace and workload are read once per call;
// use a SimulationInputs to share them across policies (compare mode).
//
//   SPOTBURST_ASSIGN_OR_RETURN(Scenario scenario, LoadScenarioFile(path));
//   SPOTBURST_ASSIGN_OR_RETURN(Policy policy, LoadPolicyFile(policy_path));
//   SPOTBURST_ASSIGN_OR_RETURN(SimulationResult result,
//                              RunSimulation(scenario, policy));
#ifndef SPOTBURST_SIM_SIMULATION_H_
#define SPOTBURST_SIM_SIMULATION_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "spotburst/controller.h"
#include "spotburst/policy.h"
#include "spotburst/sim/result.h"
#include "spotburst/sim/scenario.h"

namespace spotburst::sim {

// The traces a scenario names, read and parsed once. Only Load makes them;
// RunSimulation refuses inputs loaded for a scenario naming other files.
class SimulationInputs {
 public:
  static absl::StatusOr<std::shared_ptr<const SimulationInputs>> Load(
      const Scenario& scenario);
  virtual ~SimulationInputs() = default;

 protected:
  SimulationInputs() = default;
};

struct SimulationOptions {
  // Called now and then with the share of simulated time done (0..1).
  std::function<void(double)> progress;
  // Keep one timeline row per evaluation and the instance ledger (false:
  // totals only, faster).
  bool keep_timeline = true;
  // Called after every evaluation with the controller's report: the plan
  // with its reasons and the fleet as listed (e.g. to print decisions).
  std::function<void(const TickReport&)> on_tick;
};

// Errors start with "sim: ": NotFound for a trace file or a market not in
// the trace, OutOfRange for a run that starts or ends outside the market's
// price trace (after its last point) or a workload trace shorter than the
// run, InvalidArgument for a scenario and policy that do
// not fit together (e.g. different instance types, no zone named).
absl::StatusOr<SimulationResult> RunSimulation(
    const Scenario& scenario, const Policy& policy,
    const SimulationOptions& options = {},
    std::shared_ptr<const SimulationInputs> inputs = nullptr);

// The hindsight reference reported in
// SimulationTotals::hindsight_reference_usd: the cost of exactly the burst
// instances the scenario's demand needs at each instant, max over resources
// of ceil(max(0, demand - baseline) / shape), uncapped, each paid per
// second at min(spot price, on-demand price): no delays, no billing
// granularity or minimum, no free interrupted time (docs/reports.md). Of
// the policy only what describes the instance counts (its shape and
// on-demand price, and its baseline when the scenario has none), so every
// policy of a comparison gets the same figure.
absl::StatusOr<double> HindsightCost(
    const Scenario& scenario, const Policy& policy,
    std::shared_ptr<const SimulationInputs> inputs = nullptr);

}  // namespace spotburst::sim

#endif  // SPOTBURST_SIM_SIMULATION_H_
