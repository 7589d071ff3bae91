// SimWorld: a scenario's simulated cloud, cluster and clock, built for a
// control loop that runs outside RunSimulation (spotburstd's managed mode).
//
// It is the same world RunSimulation replays (the same SimCloud, SimCluster
// and SimulatedClock, set up from the scenario and policy the same way),
// but the caller drives time: AdvanceTo(t) moves the clock to `t` and lets
// the cloud catch up (batches, joins, interruptions), then a Controller
// built over metrics(), prices() and instances() ticks at `t`. Nothing is
// accounted or billed; RunSimulation remains the way to get costs.
// Not thread-safe: one thread drives the world and its Controller.
//
//   SPOTBURST_ASSIGN_OR_RETURN(std::unique_ptr<SimWorld> world,
//                              NewSimWorld(scenario, policy));
//   SPOTBURST_ASSIGN_OR_RETURN(Engine engine, Engine::Create(world->policy()));
//   Controller controller(engine, world->metrics(), world->prices(),
//                         world->instances(), world->clock(),
//                         {.availability_zones = world->availability_zones(),
//                          .drainer = &world->drainer()});
//   for (absl::Time t = world->start(); t < world->end();
//        t += world->policy().evaluation_interval) {
//     world->AdvanceTo(t);
//     controller.Tick();
//   }
#ifndef SPOTBURST_SIM_SIM_WORLD_H_
#define SPOTBURST_SIM_SIM_WORLD_H_

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
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"

namespace spotburst::sim {

class SimWorld {
 public:
  virtual ~SimWorld() = default;
  SimWorld(const SimWorld&) = delete;
  SimWorld& operator=(const SimWorld&) = delete;

  // The policy as the world runs it: the given one, with the scenario's
  // availability zone when it has a single `market:`. Build the
  // Controller's Engine from this one.
  virtual const Policy& policy() const = 0;
  // The zones the Controller watches (ControllerOptions::availability_zones)
  // when the policy names none: the scenario's markets of its type. Empty
  // when the policy runs in one zone.
  virtual std::vector<std::string> availability_zones() const = 0;
  // The scenario's start and end (start + duration).
  virtual absl::Time start() const = 0;
  virtual absl::Time end() const = 0;

  // The adapters; they live as long as the world.
  virtual Clock& clock() = 0;
  virtual MetricsSource& metrics() = 0;
  virtual PriceFeed& prices() = 0;
  virtual InstanceManager& instances() = 0;
  // Drains the agents of burst instances (scenario cluster.reports_agents).
  virtual Drainer& drainer() = 0;

  // Sets the clock to `t` and processes everything the cloud has due up to
  // it. Time never goes back: an earlier `t` is ignored.
  virtual void AdvanceTo(absl::Time t) = 0;

 protected:
  SimWorld() = default;
};

// Errors as RunSimulation's (they start with "sim: "). `inputs` may be null:
// the scenario's traces are then read here.
absl::StatusOr<std::unique_ptr<SimWorld>> NewSimWorld(
    const Scenario& scenario, const Policy& policy,
    std::shared_ptr<const SimulationInputs> inputs = nullptr);

}  // namespace spotburst::sim

#endif  // SPOTBURST_SIM_SIM_WORLD_H_
