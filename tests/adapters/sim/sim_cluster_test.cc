// Tests of the simulated cluster: used and queued arithmetic, capacity from
// joined instances only.
#include "sim_cluster.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/sim/simulated_clock.h"
#include "testing/status_matchers.h"

namespace spotburst::sim::internal {
namespace {

using ::spotburst::testing::IsOk;

constexpr int64_t kT0 = 1609459200;
absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(kT0 + seconds); }

TEST(ReadCluster, UsedIsDemandCappedByCapacityAndTheRestQueues) {
  const ClusterReading r =
      ReadCluster({.cpus = 50, .mem_mib = 1000, .disk_mib = 0, .gpus = 1},
                  {.cpus = 40, .mem_mib = 4000, .disk_mib = 100, .gpus = 0});
  EXPECT_EQ(r.used, (Resources{.cpus = 40, .mem_mib = 1000, .gpus = 0}));
  EXPECT_EQ(r.queued, (Resources{.cpus = 10, .mem_mib = 0, .gpus = 1}));
  EXPECT_EQ(r.demand.cpus, 50);
  EXPECT_EQ(r.capacity.cpus, 40);
}

TEST(ReadCluster, NothingIsUsedOrQueuedWithoutDemand) {
  const ClusterReading r = ReadCluster({}, {.cpus = 40});
  EXPECT_EQ(r.used, Resources{});
  EXPECT_EQ(r.queued, Resources{});
}

TEST(SimCluster, CapacityCountsOnlyInstancesThatHaveJoined) {
  const Market market{.instance_type = "c4.large",
                      .availability_zone = "us-east-1b"};
  const PriceHistory trace{.market = market, .points = {{At(0), 0.1}}};
  SimulatedClock clock(At(0));
  CloudScenario timing;
  timing.boot_min = timing.boot_max = absl::Minutes(3);
  SimCloud cloud(
      {.markets = {{.market = market, .on_demand_usd_per_hour = 0.5}},
       .timing = timing},
      {&trace}, clock);
  DemandCurve demand = DemandCurve::FromPhases(
      {{.at = absl::ZeroDuration(), .tasks = 50, .per_task = {.cpus = 1}}}, {},
      At(0));
  SimCluster cluster(demand, cloud, clock, /*baseline=*/{.cpus = 40},
                     /*shape=*/{.cpus = 2, .mem_mib = 3840});
  ASSERT_THAT(cloud.LaunchOnDemand({.count = 2, .instance_type = "c4.large"}),
              IsOk());

  auto booting = cluster.Snapshot();
  ASSERT_THAT(booting, IsOk());
  EXPECT_EQ(booting->used.cpus, 40);
  EXPECT_EQ(booting->queued.cpus, 10);
  EXPECT_EQ(booting->baseline, (Resources{.cpus = 40}));
  EXPECT_EQ(booting->read_at, At(0));

  clock.SetTime(At(180));  // both joined
  auto joined = cluster.Snapshot();
  ASSERT_THAT(joined, IsOk());
  EXPECT_EQ(joined->used.cpus, 44);
  EXPECT_EQ(joined->queued.cpus, 6);
  EXPECT_EQ(joined->used.mem_mib, 0);  // no memory asked for
  EXPECT_EQ(cluster.ReadAt(At(180)).capacity,
            (Resources{.cpus = 44, .mem_mib = 7680}));
}

}  // namespace
}  // namespace spotburst::sim::internal
