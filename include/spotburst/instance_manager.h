// InstanceManager: the cloud side, which lists and changes the burst fleet.
//
// Implemented by adapters: the simulated cloud (adapters/sim) and EC2
// (adapters/ec2). Everything it manages is tagged, so List() finds the
// fleet again after a restart. Requests carry the plan's idempotency token:
// a retried call with the same token must not create a second request.
// Methods may block; the Controller calls them from one thread.
//
//   SPOTBURST_ASSIGN_OR_RETURN(Fleet fleet, manager.List());
//   SPOTBURST_RETURN_IF_ERROR(manager.Terminate({"i-0abc"}));
#ifndef SPOTBURST_INSTANCE_MANAGER_H_
#define SPOTBURST_INSTANCE_MANAGER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spotburst/fleet.h"
#include "spotburst/policy.h"

namespace spotburst {

struct SpotRequestSpec {
  int count = 1;
  std::string instance_type;
  std::string availability_zone;
  double bid_usd_per_hour = 0;
  std::string idempotency_token;
  std::string replaces_instance_id;
  LaunchSpec launch_spec;
};

struct OnDemandSpec {
  int count = 1;
  std::string instance_type;
  std::string availability_zone;
  std::string idempotency_token;
  LaunchSpec launch_spec;
};

class InstanceManager {
 public:
  InstanceManager() = default;
  InstanceManager(const InstanceManager&) = delete;
  InstanceManager& operator=(const InstanceManager&) = delete;
  virtual ~InstanceManager() = default;

  // The managed instances (pending or running) and spot requests.
  virtual absl::StatusOr<Fleet> List() = 0;
  // List() into `fleet`, overwriting it. An implementation may reuse its
  // vectors and strings, so that a loop listing every tick into the same
  // Fleet stops allocating (the simulator does). On error `fleet` holds
  // nothing useful. The default calls List().
  virtual absl::Status ListInto(Fleet& fleet) {
    absl::StatusOr<Fleet> listed = List();
    if (!listed.ok()) return listed.status();
    fleet = *std::move(listed);
    return absl::OkStatus();
  }
  // Ids of the requests made.
  virtual absl::StatusOr<std::vector<std::string>> RequestSpot(
      const SpotRequestSpec& spec) = 0;
  // Ids of the instances launched.
  virtual absl::StatusOr<std::vector<std::string>> LaunchOnDemand(
      const OnDemandSpec& spec) = 0;
  virtual absl::Status CancelRequests(const std::vector<std::string>& ids) = 0;
  virtual absl::Status Terminate(const std::vector<std::string>& ids) = 0;
};

}  // namespace spotburst

#endif  // SPOTBURST_INSTANCE_MANAGER_H_
