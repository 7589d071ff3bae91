// ManagedWorld: what spotburstd's managed loop runs over. Either the
// simulated cloud and cluster of adapters/sim, replayed live on a paced
// simulated clock, or the real ones: a Mesos cluster (adapters/mesos) and an
// EC2 region (adapters/ec2) on the real clock, with no end.
#ifndef SPOTBURST_SIDECAR_MANAGED_WORLD_H_
#define SPOTBURST_SIDECAR_MANAGED_WORLD_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/clock.h"
#include "spotburst/drainer.h"
#include "spotburst/instance_manager.h"
#include "spotburst/metrics_source.h"
#include "spotburst/policy.h"
#include "spotburst/price_feed.h"

namespace spotburst::sidecar {

struct ManagedOptions;

class ManagedWorld {
 public:
  virtual ~ManagedWorld() = default;

  virtual MetricsSource& metrics() = 0;
  virtual PriceFeed& prices() = 0;
  virtual InstanceManager& instances() = 0;
  virtual Drainer& drainer() = 0;
  virtual Clock& clock() = 0;
  // The policy as run: the simulated world may fill in the zone.
  virtual const Policy& policy() const = 0;
  // Zones watched when the policy names none (ControllerOptions).
  virtual std::vector<std::string> availability_zones() const { return {}; }

  // The first tick's time and the world's end (InfiniteFuture when live).
  virtual absl::Time start() const = 0;
  virtual absl::Time end() const = 0;
  // World seconds per real second: how ticks are paced (1 when live).
  virtual double speed() const = 0;
  // Moves a simulated world to `t` before a tick; a live one is already
  // there.
  virtual void AdvanceTo(absl::Time t) = 0;
  virtual bool live() const = 0;

  // For status and logs, without secrets: "mesos via ZooKeeper, Marathon;
  // ec2 us-east-1 pool mesos-a".
  virtual std::string Describe() const = 0;
  // Things an operator should know (e.g. a master too old to drain).
  virtual std::vector<std::string> warnings() const { return {}; }
};

// The scenario of options.scenario_file. Errors start with "managed.".
absl::StatusOr<std::unique_ptr<ManagedWorld>> NewSimulatedWorld(
    const ManagedOptions& options, const Policy& policy);

// The Mesos cluster and EC2 region of options.mesos and options.ec2.
// Connects nothing yet: the first tick's reads do. Errors start with
// "managed.".
absl::StatusOr<std::unique_ptr<ManagedWorld>> NewLiveWorld(
    const ManagedOptions& options, const Policy& policy);

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_MANAGED_WORLD_H_
