// The instance ledger: one row per instance the simulated cloud launched,
// with its times, why it ended and what it was billed, so that a run's cost
// can be recomputed instance by instance.
//
//   cloud.EndRun(end);
//   std::vector<InstanceLedgerRow> ledger = BuildLedger(cloud);
#ifndef SPOTBURST_SIM_SRC_LEDGER_H_
#define SPOTBURST_SIM_SRC_LEDGER_H_

#include <vector>

#include "sim_cloud.h"
#include "spotburst/sim/result.h"

namespace spotburst::sim::internal {

// Once the run has ended (SimCloud::EndRun), when every bill is final.
std::vector<InstanceLedgerRow> BuildLedger(const SimCloud& cloud);

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_LEDGER_H_
