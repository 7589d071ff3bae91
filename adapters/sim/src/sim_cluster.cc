// The simulated cluster's metrics: capacity from joined instances, usage
// capped by capacity, the excess queued.
#include "sim_cluster.h"

#include <algorithm>
#include <utility>

namespace spotburst::sim::internal {

ClusterReading ReadCluster(const Resources& demand, const Resources& capacity) {
  ClusterReading reading{.demand = demand, .capacity = capacity};
  // Field by field (twice a tick): the same for every kind of resource.
  auto read = [](double demanded, double capacity, double& used,
                 double& queued) {
    const double want = std::max(0.0, demanded);
    used = std::min(want, std::max(0.0, capacity));
    queued = want - used;
  };
  read(demand.cpus, capacity.cpus, reading.used.cpus, reading.queued.cpus);
  read(demand.mem_mib, capacity.mem_mib, reading.used.mem_mib,
       reading.queued.mem_mib);
  read(demand.disk_mib, capacity.disk_mib, reading.used.disk_mib,
       reading.queued.disk_mib);
  read(demand.gpus, capacity.gpus, reading.used.gpus, reading.queued.gpus);
  return reading;
}

SimCluster::SimCluster(DemandCurve& demand, SimCloud& cloud, const Clock& clock,
                       const Resources& baseline, const Resources& shape,
                       std::vector<Resources> market_shapes)
    : demand_(demand),
      cloud_(cloud),
      clock_(clock),
      baseline_(baseline),
      shape_(shape),
      market_shapes_(std::move(market_shapes)) {}

ClusterReading SimCluster::ReadAt(absl::Time t) {
  if (!market_shapes_.empty()) {
    Resources capacity = baseline_;
    for (size_t m = 0; m < market_shapes_.size(); ++m) {
      const int joined = cloud_.joined_in(static_cast<int>(m));
      if (joined > 0) capacity += market_shapes_[m] * joined;
    }
    return ReadCluster(demand_.At(t), capacity);
  }
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
