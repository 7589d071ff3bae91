// LeaderDetector: finds the leading Mesos master.
//
// Three ways (see docs/mesos.md): a static list of master URLs, each asked
// in turn; any master's /master/redirect; ZooKeeper, where the masters
// hold an election. What comes back is a base URL to which paths are
// appended, e.g. "http://10.20.0.11:5050". A leader found is only a hint:
// the caller still checks `master/elected` on it, since a failover may
// happen between the two reads.
#ifndef SPOTBURST_ADAPTERS_MESOS_SRC_LEADER_DETECTOR_H_
#define SPOTBURST_ADAPTERS_MESOS_SRC_LEADER_DETECTOR_H_

#include <string>

#include "absl/status/statusor.h"

namespace spotburst::mesos {

class LeaderDetector {
 public:
  LeaderDetector() = default;
  LeaderDetector(const LeaderDetector&) = delete;
  LeaderDetector& operator=(const LeaderDetector&) = delete;
  virtual ~LeaderDetector() = default;

  // The leader's base URL ("http://host:port", no trailing slash).
  // Unavailable when no leader is known now (no master reachable, an
  // election under way); the next call tries again.
  virtual absl::StatusOr<std::string> LeaderUrl() = 0;
};

}  // namespace spotburst::mesos

#endif  // SPOTBURST_ADAPTERS_MESOS_SRC_LEADER_DETECTOR_H_
