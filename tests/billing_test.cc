// Billing positions: when an instance can be ended without wasting paid time.
#include "spotburst/billing.h"

#include "gtest/gtest.h"

namespace spotburst {
namespace {

const absl::Time kLaunch = absl::FromUnixSeconds(1450000000);

BillingPolicy Hourly(int limit_min, int drain_min = 0) {
  return {.model = BillingModel::kHourly,
          .partial_hour_limit = absl::Minutes(limit_min),
          .drain_time = absl::Minutes(drain_min)};
}

TEST(HourlyBilling, PostponesBeforeTheLimitWithTheTimeItBecomesEndable) {
  // The prototype's listing: 16 minutes in, limit 50 -> endable in 34 min.
  const absl::Time now = kLaunch + absl::Minutes(16);
  BillingPosition p = BillingPositionOf(Hourly(50), kLaunch, now);
  EXPECT_FALSE(p.endable);
  EXPECT_EQ(p.into_period, absl::Minutes(16));
  EXPECT_EQ(p.endable_at, now + absl::Minutes(34));
}

TEST(HourlyBilling, EndableFromTheLimitToTheEndOfTheHour) {
  EXPECT_TRUE(
      BillingPositionOf(Hourly(20), kLaunch, kLaunch + absl::Minutes(20))
          .endable);
  EXPECT_TRUE(
      BillingPositionOf(Hourly(20), kLaunch, kLaunch + absl::Minutes(59))
          .endable);
  // Into the second hour: counted from the hour, not from launch.
  BillingPosition second =
      BillingPositionOf(Hourly(20), kLaunch, kLaunch + absl::Minutes(65));
  EXPECT_FALSE(second.endable);
  EXPECT_EQ(second.into_period, absl::Minutes(5));
  EXPECT_EQ(second.endable_at, kLaunch + absl::Minutes(80));
}

TEST(HourlyBilling, DrainTimeMustFitBeforeTheBoundary) {
  // Limit 40, drain 10: endable in [40, 50) minutes of each hour.
  EXPECT_TRUE(
      BillingPositionOf(Hourly(40, 10), kLaunch, kLaunch + absl::Minutes(49))
          .endable);
  BillingPosition late =
      BillingPositionOf(Hourly(40, 10), kLaunch, kLaunch + absl::Minutes(55));
  EXPECT_FALSE(late.endable);
  EXPECT_EQ(late.endable_at, kLaunch + absl::Minutes(100));
}

TEST(PerSecondBilling, EndableAfterTheMinimumBilledTime) {
  BillingPolicy b{.model = BillingModel::kPerSecond,
                  .minimum_billed = absl::Seconds(60)};
  BillingPosition young =
      BillingPositionOf(b, kLaunch, kLaunch + absl::Seconds(30));
  EXPECT_FALSE(young.endable);
  EXPECT_EQ(young.endable_at, kLaunch + absl::Seconds(60));
  EXPECT_TRUE(
      BillingPositionOf(b, kLaunch, kLaunch + absl::Seconds(60)).endable);
}

// The position into the hour is the age modulo an hour for every age:
// whole nanoseconds, quarter nanoseconds, centuries, and a launch time so
// far back that the age does not fit in nanoseconds.
TEST(HourlyBilling, PositionIsTheAgeModuloAnHourForEveryAge) {
  const absl::Duration ages[] = {
      absl::ZeroDuration(),
      absl::Nanoseconds(1),
      absl::Nanoseconds(0.25),
      absl::Minutes(59) + absl::Nanoseconds(999999999.75),
      absl::Hours(1),
      absl::Hours(7) + absl::Seconds(61),
      absl::Hours(24 * 365 * 200) + absl::Minutes(17),
      absl::Hours(24 * 365 * 400) + absl::Minutes(23),
  };
  for (const absl::Duration age : ages) {
    const BillingPosition p =
        BillingPositionOf(Hourly(50), kLaunch, kLaunch + age);
    EXPECT_EQ(p.into_period, age % absl::Hours(1)) << age;
    EXPECT_EQ(p.left_in_period, absl::Hours(1) - age % absl::Hours(1)) << age;
  }
}

}  // namespace
}  // namespace spotburst
