// A simulated world selling several instance types: each joined instance
// adds its own type's shape to the cluster (from the policy's
// instance.shape and instance.alternatives).
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/policy.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/sim_world.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kTwoTypes[] = R"(
start: "2015-05-10T00:00:00Z"
duration_s: 7200
markets:
  - price_trace: spot_us-east-1_2015-05_r3.large.csv
    instance_type: r3.large
    availability_zone: us-east-1b
  - price_trace: spot_us-east-1_2015-05_c3.xlarge.csv
    instance_type: c3.xlarge
    availability_zone: us-east-1b
demand:
  phases: [{at_s: 0, tasks: 200, per_task: {cpus: 1}}]
)";

Scenario Parse(const std::string& text) {
  auto s = ParseScenario(text, "two-types.yaml",
                         std::string(SPOTBURST_SOURCE_DIR) + "/data/");
  EXPECT_THAT(s, IsOk());
  return *s;
}

Policy AnyType() {
  auto p = LoadPolicyFile(std::string(SPOTBURST_SOURCE_DIR) +
                          "/examples/policies/any-type-2015.yaml");
  EXPECT_THAT(p, IsOk());
  return *p;
}

TEST(InstanceTypesWorld, EachJoinedInstanceAddsItsTypesShape) {
  auto world = NewSimWorld(Parse(kTwoTypes), AnyType());
  ASSERT_THAT(world, IsOk());
  InstanceManager& cloud = (*world)->instances();
  ASSERT_THAT(cloud.LaunchOnDemand({.count = 2,
                                    .instance_type = "c3.xlarge",
                                    .availability_zone = "us-east-1b"}),
              IsOk());
  ASSERT_THAT(cloud.LaunchOnDemand({.count = 1,
                                    .instance_type = "r3.large",
                                    .availability_zone = "us-east-1b"}),
              IsOk());
  (*world)->AdvanceTo((*world)->start() + absl::Hours(1));
  auto fleet = cloud.List();
  ASSERT_THAT(fleet, IsOk());
  for (const Instance& i : fleet->instances) {
    ASSERT_EQ(i.state, InstanceState::kRunning) << i.id << " has not joined";
  }
  auto cluster = (*world)->metrics().Snapshot();
  ASSERT_THAT(cluster, IsOk());
  // Demand of 200 CPUs fills it all: 40 of the baseline, 4 per c3.xlarge,
  // 2 per r3.large.
  EXPECT_EQ(cluster->used.cpus, 40 + 2 * 4 + 2);
}

TEST(InstanceTypesWorld, AnAlternativeTheScenarioDoesNotSellIsAnError) {
  const std::string r3_only = R"(
start: "2015-05-10T00:00:00Z"
duration_s: 7200
markets:
  - price_trace: spot_us-east-1_2015-05_r3.large.csv
    availability_zone: us-east-1b
demand:
  phases: [{at_s: 0, tasks: 20, per_task: {cpus: 1}}]
)";
  EXPECT_THAT(
      NewSimWorld(Parse(r3_only), AnyType()),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("instance.alternatives[0]: scenario two-types does "
                         "not sell c3.xlarge in us-east-1b")));
}

}  // namespace
}  // namespace spotburst::sim
