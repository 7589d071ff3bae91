// The simulated and the live worlds of the managed loop.
#include "sidecar/managed_world.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sidecar/managed_controller.h"
#include "spotburst/ec2/ec2_cloud.h"
#include "spotburst/ec2/ec2_config.h"
#include "spotburst/mesos/mesos_cluster.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/sim_world.h"

namespace spotburst::sidecar {
namespace {

absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

class SimulatedWorld final : public ManagedWorld {
 public:
  SimulatedWorld(std::unique_ptr<sim::SimWorld> world, double speed,
                 std::string scenario_file)
      : world_(std::move(world)),
        speed_(speed),
        scenario_file_(std::move(scenario_file)) {}

  MetricsSource& metrics() override { return world_->metrics(); }
  PriceFeed& prices() override { return world_->prices(); }
  InstanceManager& instances() override { return world_->instances(); }
  Drainer& drainer() override { return world_->drainer(); }
  Clock& clock() override { return world_->clock(); }
  const Policy& policy() const override { return world_->policy(); }
  std::vector<std::string> availability_zones() const override {
    return world_->availability_zones();
  }
  absl::Time start() const override { return world_->start(); }
  absl::Time end() const override { return world_->end(); }
  double speed() const override { return speed_; }
  void AdvanceTo(absl::Time t) override { world_->AdvanceTo(t); }
  bool live() const override { return false; }
  std::string Describe() const override {
    return absl::StrFormat("simulated scenario %s at %g simulated s/s",
                           scenario_file_, speed_);
  }

 private:
  std::unique_ptr<sim::SimWorld> world_;
  const double speed_;
  const std::string scenario_file_;
};

class LiveWorld final : public ManagedWorld {
 public:
  LiveWorld(Policy policy, std::unique_ptr<mesos::MesosCluster> cluster,
            std::unique_ptr<ec2::Ec2Cloud> cloud,
            std::vector<std::string> zones, std::string description)
      : policy_(std::move(policy)),
        cluster_(std::move(cluster)),
        cloud_(std::move(cloud)),
        zones_(std::move(zones)),
        description_(std::move(description)),
        start_(Clock::Real().Now()) {}

  MetricsSource& metrics() override { return *cluster_; }
  PriceFeed& prices() override { return cloud_->prices(); }
  InstanceManager& instances() override { return cloud_->instances(); }
  Drainer& drainer() override { return *cluster_; }
  Clock& clock() override { return Clock::Real(); }
  const Policy& policy() const override { return policy_; }
  std::vector<std::string> availability_zones() const override {
    return zones_;
  }
  absl::Time start() const override { return start_; }
  absl::Time end() const override { return absl::InfiniteFuture(); }
  double speed() const override { return 1; }
  void AdvanceTo(absl::Time) override {}
  bool live() const override { return true; }
  std::string Describe() const override { return description_; }
  std::vector<std::string> warnings() const override {
    return cluster_->warnings();
  }

 private:
  const Policy policy_;
  std::unique_ptr<mesos::MesosCluster> cluster_;
  std::unique_ptr<ec2::Ec2Cloud> cloud_;
  const std::vector<std::string> zones_;
  const std::string description_;
  const absl::Time start_;
};

// Names the endpoints' kind, never their addresses: URLs may carry
// credentials (zk://user:secret@host/..., http://user:secret@marathon).
std::string DescribeLive(const mesos::MesosOptions& mesos,
                         const ec2::Ec2Options& ec2) {
  std::string cluster =
      mesos.zookeeper.empty()
          ? absl::StrFormat("mesos with %d master%s", mesos.masters.size(),
                            mesos.masters.size() == 1 ? "" : "s")
          : std::string("mesos via ZooKeeper");
  if (!mesos.marathon.empty()) absl::StrAppend(&cluster, " and Marathon");
  return absl::StrFormat("%s; ec2 %s pool %s%s", cluster, ec2.region, ec2.pool,
                         ec2.endpoint.empty() ? "" : " (endpoint override)");
}

}  // namespace

absl::StatusOr<std::unique_ptr<ManagedWorld>> NewSimulatedWorld(
    const ManagedOptions& options, const Policy& policy) {
  absl::StatusOr<sim::Scenario> scenario =
      sim::LoadScenarioFile(options.scenario_file);
  if (!scenario.ok()) {
    return Prefixed(scenario.status(), "managed.simulated.scenario: ");
  }
  absl::StatusOr<std::unique_ptr<sim::SimWorld>> world =
      sim::NewSimWorld(*scenario, policy);
  if (!world.ok()) return Prefixed(world.status(), "managed: ");
  return std::make_unique<SimulatedWorld>(*std::move(world),
                                          options.simulated_seconds_per_second,
                                          options.scenario_file);
}

absl::StatusOr<std::unique_ptr<ManagedWorld>> NewLiveWorld(
    const ManagedOptions& options, const Policy& policy) {
  if (!options.mesos || !options.ec2) {
    return absl::InvalidArgumentError(
        "managed: the live world needs both managed.mesos and managed.ec2");
  }
  absl::StatusOr<ec2::Ec2Options> ec2_options =
      ec2::Ec2OptionsFromConfig(*options.ec2, policy.name);
  if (!ec2_options.ok()) return Prefixed(ec2_options.status(), "managed.");
  ec2_options->default_on_demand_usd_per_hour =
      policy.instance.on_demand_usd_per_hour;
  const std::string description = DescribeLive(*options.mesos, *ec2_options);
  absl::StatusOr<std::unique_ptr<ec2::Ec2Cloud>> cloud =
      ec2::Ec2Cloud::Create(*ec2_options, Clock::Real());
  if (!cloud.ok()) return Prefixed(cloud.status(), "managed.");
  absl::StatusOr<std::unique_ptr<mesos::MesosCluster>> cluster =
      mesos::MesosCluster::Create(*options.mesos);
  if (!cluster.ok()) return Prefixed(cluster.status(), "managed.");
  std::vector<std::string> zones(options.ec2->availability_zones().begin(),
                                 options.ec2->availability_zones().end());
  return std::make_unique<LiveWorld>(policy, *std::move(cluster),
                                     *std::move(cloud), std::move(zones),
                                     description);
}

}  // namespace spotburst::sidecar
