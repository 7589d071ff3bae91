// Tests of Market::Name and CheckPriceStats.
#include "spotburst/market.h"

#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1457000000);

Market C4() {
  return {.instance_type = "c4.large", .availability_zone = "us-east-1a"};
}

PriceStats GoodStats() {
  return {.min_usd = 0.02,
          .mean_usd = 0.03,
          .max_usd = 0.5,
          .current_usd = 0.025,
          .points = 12,
          .last_change = kNow - absl::Minutes(20),
          .as_of = kNow};
}

TEST(MarketName, JoinsTypeZoneAndProduct) {
  EXPECT_EQ(C4().Name(), "c4.large/us-east-1a/Linux/UNIX");
}

TEST(CheckPriceStats, AcceptsFreshFiniteStats) {
  EXPECT_THAT(CheckPriceStats(C4(), GoodStats(), kNow, absl::Hours(1)), IsOk());
}

TEST(CheckPriceStats, ZeroMaxAgeNeverStale) {
  PriceStats stats = GoodStats();
  stats.last_change = kNow - absl::Hours(24 * 30);
  EXPECT_THAT(CheckPriceStats(C4(), stats, kNow, absl::ZeroDuration()), IsOk());
}

TEST(CheckPriceStats, NoPointsIsNoHistory) {
  PriceStats stats = GoodStats();
  stats.points = 0;
  EXPECT_THAT(
      CheckPriceStats(C4(), stats, kNow, absl::Hours(1)),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               "market c4.large/us-east-1a/Linux/UNIX: no price history"));
}

TEST(CheckPriceStats, NamesEachBadPriceField) {
  const double kNaN = std::numeric_limits<double>::quiet_NaN();
  const double kInf = std::numeric_limits<double>::infinity();
  struct Case {
    const char* field;
    double PriceStats::*member;
    double value;
  };
  const Case cases[] = {
      {"current_usd", &PriceStats::current_usd, kNaN},
      {"min_usd", &PriceStats::min_usd, -0.01},
      {"mean_usd", &PriceStats::mean_usd, kInf},
      {"max_usd", &PriceStats::max_usd, -kInf},
  };
  for (const Case& c : cases) {
    PriceStats stats = GoodStats();
    stats.*c.member = c.value;
    EXPECT_THAT(CheckPriceStats(C4(), stats, kNow, absl::Hours(1)),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("c4.large/us-east-1a/Linux/UNIX"),
                               HasSubstr(c.field))))
        << c.field;
  }
}

TEST(CheckPriceStats, BadNumbersWinOverEmptyHistory) {
  PriceStats stats = GoodStats();
  stats.points = 0;
  stats.current_usd = std::nan("");
  EXPECT_THAT(
      CheckPriceStats(C4(), stats, kNow, absl::Hours(1)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("current_usd")));
}

TEST(CheckPriceStats, StaleWhenLastChangeOlderThanMaxAge) {
  PriceStats stats = GoodStats();
  stats.last_change = kNow - absl::Hours(2);
  EXPECT_THAT(CheckPriceStats(C4(), stats, kNow, absl::Hours(1)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("c4.large/us-east-1a/Linux/UNIX"),
                             HasSubstr("stale: last price change 2h ago, "
                                       "max age 1h"))));
}

TEST(CheckPriceStats, ExactlyMaxAgeIsFresh) {
  PriceStats stats = GoodStats();
  stats.last_change = kNow - absl::Hours(1);
  EXPECT_THAT(CheckPriceStats(C4(), stats, kNow, absl::Hours(1)), IsOk());
}

TEST(CheckPriceStats, UnknownLastChangeIsStaleWhenAgeMatters) {
  PriceStats stats = GoodStats();
  stats.last_change = absl::InfinitePast();
  EXPECT_THAT(
      CheckPriceStats(C4(), stats, kNow, absl::Hours(1)),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("stale")));
}

}  // namespace
}  // namespace spotburst
