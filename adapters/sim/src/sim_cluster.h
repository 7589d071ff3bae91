// SimCluster: the simulated private cluster, as a MetricsSource.
//
// Capacity is the baseline plus one instance shape per burst instance whose
// agent has joined and is not draining (SimCloud says how many); with
// several instance types, each instance adds its own market's shape. With the
// scenario's cluster.reports_agents it also lists those agents. Demand comes
// from a DemandCurve. Per resource, used = min(demand, capacity) and the rest
// of the demand is queued (unmet): tasks wait rather than run elsewhere. Not
// thread-safe; the Controller calls it from one thread.
//
//   SimCluster cluster(demand, cloud, clock, baseline, shape);
//   SPOTBURST_ASSIGN_OR_RETURN(ClusterState state, cluster.Snapshot());
#ifndef SPOTBURST_SIM_SRC_SIM_CLUSTER_H_
#define SPOTBURST_SIM_SRC_SIM_CLUSTER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "demand_curve.h"
#include "sim_cloud.h"
#include "spotburst/clock.h"
#include "spotburst/cluster_state.h"
#include "spotburst/metrics_source.h"
#include "spotburst/resources.h"

namespace spotburst::sim::internal {

// The cluster at one moment.
struct ClusterReading {
  Resources demand;
  Resources capacity;
  Resources used;    // min(demand, capacity), per resource
  Resources queued;  // demand - used
};

// The arithmetic alone: used and queued from demand and capacity.
ClusterReading ReadCluster(const Resources& demand, const Resources& capacity);

class SimCluster final : public MetricsSource {
 public:
  // `demand`, `cloud` and `clock` are borrowed and must outlive the
  // cluster. `baseline` is the private capacity; `shape` what one joined
  // burst instance adds, or with `market_shapes` (one per market of the
  // cloud) what one of each market adds.
  SimCluster(DemandCurve& demand, SimCloud& cloud, const Clock& clock,
             const Resources& baseline, const Resources& shape,
             std::vector<Resources> market_shapes = {});

  // The cluster at the clock's now (the cloud is caught up first).
  absl::StatusOr<ClusterState> Snapshot() override;
  // The same, as a reading, at `t` (for accounting; the cloud must already
  // be at `t`).
  ClusterReading ReadAt(absl::Time t);

  const Resources& baseline() const { return baseline_; }

 private:
  DemandCurve& demand_;
  SimCloud& cloud_;
  const Clock& clock_;
  Resources baseline_;
  Resources shape_;
  std::vector<Resources> market_shapes_;
};

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_SIM_CLUSTER_H_
