// SimCloud::AdvanceToNotice: the simulated cloud stops at the first
// interruption notice, so the run can evaluate at it. t0
// (2021-01-01T00:00:00Z) is on a batch boundary; times are seconds after it.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim_cloud.h"
#include "spotburst/sim/simulated_clock.h"
#include "testing/status_matchers.h"

namespace spotburst::sim::internal {
namespace {

using ::spotburst::testing::IsOk;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr int64_t kT0 = 1609459200;

absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(kT0 + seconds); }

TEST(SimCloudNotice, StopsRightAfterTheFirstNoticeAndGoesOnFromThere) {
  const Market market{.instance_type = "c4.large",
                      .availability_zone = "us-east-1b"};
  // Fulfilled at the batch at 600, interrupted when the price passes the
  // bid at 2000, ended at 2120.
  const PriceHistory trace{.market = market,
                           .points = {{At(0), 0.10}, {At(2000), 0.13}}};
  CloudScenario timing;
  timing.request_batch_interval = absl::Minutes(5);
  timing.fulfilment_delay_min = timing.fulfilment_delay_max = absl::Minutes(5);
  timing.boot_min = timing.boot_max = absl::Minutes(3);
  timing.interruption_notice = absl::Minutes(2);
  SimulatedClock clock(At(0));
  SimCloud cloud(
      {.markets = {{.market = market, .on_demand_usd_per_hour = 0.5}},
       .region = "us-east-1",
       .timing = timing},
      {&trace}, clock);
  ASSERT_THAT(
      cloud.RequestSpot(
          {.count = 1, .instance_type = "c4.large", .bid_usd_per_hour = 0.12}),
      IsOk());

  // No notice by 1999: everything due is processed (the launch at 600).
  EXPECT_EQ(cloud.AdvanceToNotice(At(1999)), absl::InfiniteFuture());
  EXPECT_EQ(cloud.now(), At(1999));
  EXPECT_EQ(cloud.live_instances(), 1);

  // The notice at 2000 stops it there, before the end it schedules.
  EXPECT_EQ(cloud.AdvanceToNotice(At(3000)), At(2000));
  EXPECT_EQ(cloud.now(), At(2000));
  clock.SetTime(At(2000));
  auto fleet = cloud.List();
  ASSERT_THAT(fleet, IsOk());
  ASSERT_THAT(fleet->instances, SizeIs(1));
  EXPECT_TRUE(fleet->instances[0].interruption_notice);

  // From there on: no further notice, and the end comes due.
  EXPECT_EQ(cloud.AdvanceToNotice(At(3000)), absl::InfiniteFuture());
  clock.SetTime(At(3000));
  fleet = cloud.List();
  ASSERT_THAT(fleet, IsOk());
  EXPECT_THAT(fleet->instances, IsEmpty());
  EXPECT_EQ(cloud.counters().interruptions, 1);
}

}  // namespace
}  // namespace spotburst::sim::internal
