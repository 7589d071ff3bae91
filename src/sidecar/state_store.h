// StateStore: where the managed control loop keeps what it must remember
// across a restart (spotburst.v1.ControllerCheckpoint: cooldowns, supply
// mode, drains under way, launch backoffs). The fleet itself is never
// stored: the cloud's tagged instances and requests are the record of it,
// read again on every tick.
//
// Implementations: FileStateStore (a local file replaced atomically) and
// the ZooKeeper store of leader_election.h (HA: only the leader writes).
#ifndef SPOTBURST_SIDECAR_STATE_STORE_H_
#define SPOTBURST_SIDECAR_STATE_STORE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spotburst/v1/controller_service.pb.h"

namespace spotburst::sidecar {

class StateStore {
 public:
  virtual ~StateStore() = default;

  // The checkpoint saved last; nullopt when none was ever saved. An error
  // (naming the file or node, and the field for a bad checkpoint) when it
  // exists but cannot be read or parsed: the daemon then refuses to start
  // rather than forget drains and cooldowns.
  virtual absl::StatusOr<std::optional<v1::ControllerCheckpoint>> Load() = 0;

  // Replaces the stored checkpoint: a crash at any point leaves either the
  // old one or the new one, whole.
  virtual absl::Status Save(const v1::ControllerCheckpoint& checkpoint) = 0;

  // For status and logs: "state file /var/lib/spotburst/state.json".
  virtual std::string Describe() const = 0;
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_STATE_STORE_H_
