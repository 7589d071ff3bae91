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
  std::string price_trace;
  std::vector<PriceHistory> histories;
  std::string workload_trace;
  std::vector<WorkloadSample> workload;
};

struct RunSetup {
  std::shared_ptr<const LoadedInputs> inputs;
  const PriceHistory* history = nullptr;  // points into `inputs`
  Policy policy;  // the policy as run: the scenario's zone
  CloudConfig cloud;
  Resources baseline;  // the cluster's private capacity
  absl::Time start;
  absl::Time end;
};

// Errors start with "sim: " (see RunSimulation). `given` may be null: the
// traces are then read here.
absl::StatusOr<RunSetup> Prepare(const Scenario& scenario, const Policy& policy,
                                 std::shared_ptr<const SimulationInputs> given);

DemandCurve MakeDemand(const Scenario& scenario, const RunSetup& setup);

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_RUN_SETUP_H_
