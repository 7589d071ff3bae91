// NewSimWorld: the simulator's cloud, cluster and clock without its loop.
#include "spotburst/sim/sim_world.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "demand_curve.h"
#include "run_setup.h"
#include "sim_cloud.h"
#include "sim_cluster.h"
#include "spotburst/sim/simulated_clock.h"
#include "spotburst/status_macros.h"

namespace spotburst::sim {
namespace {

class SimWorldImpl final : public SimWorld {
 public:
  SimWorldImpl(internal::RunSetup setup, internal::DemandCurve demand)
      : setup_(std::move(setup)),
        clock_(setup_.start),
        cloud_(setup_.cloud, setup_.histories, clock_),
        demand_(std::move(demand)),
        cluster_(demand_, cloud_, clock_, setup_.baseline,
                 setup_.policy.instance.shape, setup_.market_shapes) {}

  const Policy& policy() const override { return setup_.policy; }
  std::vector<std::string> availability_zones() const override {
    return setup_.availability_zones;
  }
  absl::Time start() const override { return setup_.start; }
  absl::Time end() const override { return setup_.end; }
  Clock& clock() override { return clock_; }
  MetricsSource& metrics() override { return cluster_; }
  PriceFeed& prices() override { return cloud_; }
  InstanceManager& instances() override { return cloud_; }
  Drainer& drainer() override { return cloud_; }

  void AdvanceTo(absl::Time t) override {
    // The cloud refuses to go back; so does the clock here, to match.
    if (t < clock_.Now()) return;
    clock_.SetTime(t);
    cloud_.AdvanceTo(t);
  }

 private:
  // Declared in construction order: each borrows the ones above it.
  internal::RunSetup setup_;
  SimulatedClock clock_;
  internal::SimCloud cloud_;
  internal::DemandCurve demand_;
  internal::SimCluster cluster_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SimWorld>> NewSimWorld(
    const Scenario& scenario, const Policy& policy,
    std::shared_ptr<const SimulationInputs> inputs) {
  SPOTBURST_ASSIGN_OR_RETURN(
      internal::RunSetup setup,
      internal::Prepare(scenario, policy, std::move(inputs)));
  internal::DemandCurve demand = internal::MakeDemand(scenario, setup);
  return std::make_unique<SimWorldImpl>(std::move(setup), std::move(demand));
}

}  // namespace spotburst::sim
