// ClusterState: what a MetricsSource reports about the private cluster.
//
// `used` is what tasks hold now, `queued` what waits because resources ran
// out, `baseline` the private capacity without any burst instance (used
// when the policy names no baseline of its own). Plain value type.
//
//   ClusterState state{.used = {.cpus = 34.5, .mem_mib = 20480},
//                      .baseline = {.cpus = 40, .mem_mib = 81920}};
#ifndef SPOTBURST_CLUSTER_STATE_H_
#define SPOTBURST_CLUSTER_STATE_H_

#include "absl/time/time.h"
#include "spotburst/resources.h"

namespace spotburst {

struct ClusterState {
  Resources used;
  Resources queued;
  Resources baseline;
  // When the metrics were read.
  absl::Time read_at = absl::InfinitePast();
};

}  // namespace spotburst

#endif  // SPOTBURST_CLUSTER_STATE_H_
