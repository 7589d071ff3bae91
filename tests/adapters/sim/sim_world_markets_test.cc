// Tests of the simulated world a control loop drives from outside
// (spotburstd's managed mode) over several markets: the world names the
// zones the controller is to watch, and the loop buys in the cheapest.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/controller.h"
#include "spotburst/engine.h"
#include "spotburst/policy.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/sim_world.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

Scenario TwoZones() {
  // us-east-1a (0.034 USD/h) is less than half the price of us-east-1b.
  auto s = ParseScenario(R"(
start: "2021-04-06T00:00:00Z"
duration_s: 7200
markets:
  - price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
    availability_zone: us-east-1b
  - price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
    availability_zone: us-east-1a
demand:
  phases: [{at_s: 0, tasks: 60, per_task: {cpus: 1}}]
)",
                         "two-zones.yaml",
                         std::string(SPOTBURST_SOURCE_DIR) + "/data/");
  EXPECT_THAT(s, IsOk());
  return *s;
}

Policy Fallback(const std::string& zone) {
  auto p = LoadPolicyFile(std::string(SPOTBURST_SOURCE_DIR) +
                          "/examples/policies/on-demand-fallback.yaml");
  EXPECT_THAT(p, IsOk());
  p->instance.availability_zone = zone;
  return *p;
}

TEST(SimWorldMarkets, AControllerOverTheWorldBuysInTheCheapestZone) {
  auto world = NewSimWorld(TwoZones(), Fallback(""));
  ASSERT_THAT(world, IsOk());
  EXPECT_THAT((*world)->availability_zones(),
              ElementsAre("us-east-1b", "us-east-1a"));
  EXPECT_TRUE((*world)->policy().instance.availability_zone.empty());
  auto engine = Engine::Create((*world)->policy());
  ASSERT_THAT(engine, IsOk());
  Controller controller(*engine, (*world)->metrics(), (*world)->prices(),
                        (*world)->instances(), (*world)->clock(),
                        {.availability_zones = (*world)->availability_zones(),
                         .drainer = &(*world)->drainer()});
  for (absl::Time t = (*world)->start(); t < (*world)->end();
       t += absl::Minutes(1)) {
    (*world)->AdvanceTo(t);
    ASSERT_THAT(controller.Tick().status, IsOk());
  }
  auto fleet = (*world)->instances().List();
  ASSERT_THAT(fleet, IsOk());
  ASSERT_FALSE(fleet->instances.empty());
  for (const Instance& instance : fleet->instances) {
    EXPECT_EQ(instance.availability_zone, "us-east-1a") << instance.id;
  }
}

TEST(SimWorldMarkets, APolicyWithAZoneWatchesItAlone) {
  auto world = NewSimWorld(TwoZones(), Fallback("us-east-1b"));
  ASSERT_THAT(world, IsOk());
  EXPECT_THAT((*world)->availability_zones(), IsEmpty());
  EXPECT_EQ((*world)->policy().instance.availability_zone, "us-east-1b");
}

}  // namespace
}  // namespace spotburst::sim
