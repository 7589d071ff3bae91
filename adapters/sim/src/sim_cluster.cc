// The simulated cluster's metrics: capacity from joined instances, usage
// capped by capacity, the excess queued.
#include "sim_cluster.h"

#include <algorithm>

namespace spotburst::sim::internal {

ClusterReading ReadCluster(const Resources& demand, const Resources& capacity) {
  ClusterReading reading{.demand = demand, .capacity = capacity};
  for (ResourceKind kind : kAllResourceKinds) {
    const double want = std::max(0.0, demand.Get(kind));
    const double have = std::max(0.0, capacity.Get(kind));
    reading.used.Mutable(kind) = std::min(want, have);
    reading.queued.Mutable(kind) = want - reading.used.Get(kind);
  }
  return reading;
}

SimCluster::SimCluster(DemandCurve& demand, SimCloud& cloud, const Clock& clock,
                       const Resources& baseline, const Resources& shape)
    : demand_(demand),
      cloud_(cloud),
      clock_(clock),
      baseline_(baseline),
      shape_(shape) {}

ClusterReading SimCluster::ReadAt(absl::Time t) {
  const int joined = cloud_.joined_spot() + cloud_.joined_on_demand();
  return ReadCluster(demand_.At(t), baseline_ + shape_ * joined);
}

absl::StatusOr<ClusterState> SimCluster::Snapshot() {
  const absl::Time now = clock_.Now();
  cloud_.AdvanceTo(now);
  const ClusterReading reading = ReadAt(now);
  ClusterState state{.used = reading.used,
                     .queued = reading.queued,
                     .baseline = baseline_,
                     .read_at = now};
  if (cloud_.config().cluster.reports_agents) {
    state.reports_agents = true;
    state.burst_agents = cloud_.Agents();
  }
  return state;
}

}  // namespace spotburst::sim::internal
