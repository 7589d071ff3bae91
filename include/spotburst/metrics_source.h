// MetricsSource: reads the private cluster's usage (e.g. a Mesos master).
//
// Implemented by adapters: the simulated cluster (adapters/sim) and a real
// Mesos cluster (adapters/mesos). Snapshot() may do I/O and block; a failed
// read returns an error and the caller then takes no destructive action in that
// tick. Implementations say whether they may be called concurrently; the
// Controller calls them from one thread.
//
//   SPOTBURST_ASSIGN_OR_RETURN(ClusterState state, metrics.Snapshot());
#ifndef SPOTBURST_METRICS_SOURCE_H_
#define SPOTBURST_METRICS_SOURCE_H_

#include "absl/status/statusor.h"
#include "spotburst/cluster_state.h"

namespace spotburst {

class MetricsSource {
 public:
  MetricsSource() = default;
  MetricsSource(const MetricsSource&) = delete;
  MetricsSource& operator=(const MetricsSource&) = delete;
  virtual ~MetricsSource() = default;

  // Unavailable when the cluster cannot be reached (retryable);
  // InvalidArgument when what it returned cannot be understood.
  virtual absl::StatusOr<ClusterState> Snapshot() = 0;
};

}  // namespace spotburst

#endif  // SPOTBURST_METRICS_SOURCE_H_
