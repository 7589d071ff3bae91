// What a managed daemon's settings must hold before it starts.
#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "sidecar/leader_election.h"
#include "sidecar/managed_controller.h"

namespace spotburst::sidecar {

absl::Status ManagedOptions::Validate() const {
  if (policy_name.empty()) {
    return absl::InvalidArgumentError(
        "managed.policy: required (a name from policies)");
  }
  if (ha && !state_file.empty()) {
    return absl::InvalidArgumentError(
        "managed.state_file: not with managed.ha, which keeps the state in "
        "ZooKeeper");
  }
  if (ha) {
    // An empty identity is filled in when the daemon starts (host name and
    // port); everything else is checked now.
    LeaderElectionOptions checked = *ha;
    if (checked.identity.empty()) checked.identity = "default";
    if (absl::Status valid = ValidateLeaderElectionOptions(checked);
        !valid.ok()) {
      return valid;
    }
  }
  if (live() && !scenario_file.empty()) {
    return absl::InvalidArgumentError(
        "managed: set either simulated, or mesos and ec2, not both");
  }
  if (live()) {
    if (!mesos) {
      return absl::InvalidArgumentError(
          "managed.mesos: required with managed.ec2 (the cluster the "
          "instances join)");
    }
    if (!ec2) {
      return absl::InvalidArgumentError(
          "managed.ec2: required with managed.mesos (where the cluster "
          "bursts)");
    }
    return absl::OkStatus();
  }
  if (scenario_file.empty()) {
    return absl::InvalidArgumentError(
        "managed: adapters required (set managed.simulated, or managed.mesos "
        "and managed.ec2)");
  }
  if (!(simulated_seconds_per_second >= 0.001 &&
        simulated_seconds_per_second <= 1e9)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "managed.simulated.simulated_seconds_per_second: %g is out of range "
        "[0.001, 1e9]",
        simulated_seconds_per_second));
  }
  return absl::OkStatus();
}

}  // namespace spotburst::sidecar
