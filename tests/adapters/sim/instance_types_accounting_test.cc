// A run's figures with several instance types (instance.alternatives): an
// instance of weight 2 counts two units of idle paid capacity, and the burst
// utilisation is measured against the CPUs each instance really adds.
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "spotburst/policy.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::IsOk;

// r3.large (the unit: 2 CPUs) at 0.06 USD/h and c3.xlarge (4 CPUs, two
// units) at 0.08, 0.04 per unit: the engine buys c3.xlarge only.
constexpr char kPolicy[] = R"(name: two-types
evaluation_interval_s: 60
baseline: {cpus: 40, mem_mib: 163840}
instance:
  type: r3.large
  shape: {cpus: 2, mem_mib: 3840}
  on_demand_usd_per_hour: 0.175
  region: us-east-1
  availability_zone: us-east-1b
  alternatives:
    - type: c3.xlarge
      shape: {cpus: 4, mem_mib: 7680}
      on_demand_usd_per_hour: 0.21
scaling: {strategy: target, burst_point: 1, min_instances: 4,
          max_instances: 4}
bidding: {strategy: on-demand, max_bid_usd_per_hour: 0.21}
billing: {model: per-second}
)";

std::string Trace(const std::string& type, double price) {
  std::string csv =
      "timestamp,region,availability_zone,instance_type,product,"
      "price_usd_per_hour\n";
  for (int hour = 0; hour < 6; ++hour) {
    csv += "2021-01-01T0" + std::to_string(hour) +
           ":00:00Z,us-east-1,us-east-1b," + type + ",Linux/UNIX," +
           std::to_string(price) + "\n";
  }
  return csv;
}

// Four hours of demand 4 CPUs above the 40 of the baseline: two units are
// needed, and min_instances keeps four (two c3.xlarge, 8 CPUs).
absl::StatusOr<SimulationResult> RunTwoTypes() {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "sim_two_types";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "r3.csv") << Trace("r3.large", 0.06);
  std::ofstream(dir / "c3.csv") << Trace("c3.xlarge", 0.08);
  auto scenario = ParseScenario(R"(
start: "2021-01-01T01:00:00Z"
duration_s: 14400
markets:
  - {price_trace: r3.csv, instance_type: r3.large,
     availability_zone: us-east-1b, regime: capacity}
  - {price_trace: c3.csv, instance_type: c3.xlarge,
     availability_zone: us-east-1b, regime: capacity}
demand:
  phases: [{at_s: 0, tasks: 44, per_task: {cpus: 1}}]
)",
                                "two-types.yaml", dir.string());
  if (!scenario.ok()) return scenario.status();
  auto policy = ParsePolicy(kPolicy, "two-types.yaml");
  if (!policy.ok()) return policy.status();
  return RunSimulation(*scenario, *policy, {.keep_timeline = false});
}

TEST(InstanceTypesAccounting, FiguresCountEachInstanceByItsOwnType) {
  auto r = RunTwoTypes();
  ASSERT_THAT(r, IsOk());
  const SimulationTotals& t = r->totals;
  ASSERT_EQ(t.markets.size(), 2u);
  ASSERT_EQ(t.markets[1].market, "c3.xlarge/us-east-1b/Linux/UNIX");
  EXPECT_EQ(t.markets[0].spot_instances, 0);
  EXPECT_EQ(t.markets[1].spot_instances, 2);
  EXPECT_EQ(t.instances_launched, 2);
  EXPECT_EQ(t.interruptions, 0);
  // Both launched at one batch, within the first quarter hour, and run to
  // the end.
  EXPECT_GT(t.run_instance_hours, 2 * 3.75);
  EXPECT_LT(t.run_instance_hours, 2 * 4.0);

  // Two units of the four live are idle from the launch on (the demand
  // needs two): as many unit-hours as the two instances ran, not zero as
  // with every instance counted one unit. Within a minute's evaluation
  // grid of the launch.
  EXPECT_NEAR(t.idle_paid_instance_hours, t.run_instance_hours, 4.0 / 60);

  // 4 burst CPUs used once the instances joined, of the 8 the two run:
  // about half, not the whole (as with 2 CPUs an instance).
  const double used_above_baseline =
      t.demand_hours.cpus - t.unmet_hours.cpus - 40 * 4;
  EXPECT_NEAR(t.burst_utilisation,
              used_above_baseline / (4 * t.run_instance_hours), 1e-9);
  EXPECT_GT(t.burst_utilisation, 0.45);
  EXPECT_LT(t.burst_utilisation, 0.5);
}

}  // namespace
}  // namespace spotburst::sim
