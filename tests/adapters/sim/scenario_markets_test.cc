// Tests of a scenario's `markets:` list: how it loads, and the errors that
// name the entry and field at fault, at loading and when a run meets its
// policy.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/policy.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kHead[] = R"(
start: "2021-04-06T00:00:00Z"
duration_s: 3600
)";

absl::StatusOr<Scenario> Parse(const std::string& yaml) {
  return ParseScenario(std::string(kHead) + yaml, "s.yaml", "/work/scenarios");
}

void ExpectError(const std::string& yaml, const std::string& message) {
  EXPECT_THAT(Parse(yaml),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(message)))
      << yaml;
}

TEST(ScenarioMarkets, AListLoadsInItsOrderWithEachMarketsOwnFields) {
  auto s = Parse(R"(
markets:
  - {price_trace: a.csv, availability_zone: us-east-1a}
  - price_trace: b.csv
    instance_type: m5.large
    availability_zone: us-east-1b
    regime: capacity
    interruption_rate_per_hour: 0.5
    on_demand_usd_per_hour: 0.096
    spot_capacity_outages: [{at_s: 60, for_s: 600}]
)");
  ASSERT_THAT(s, IsOk());
  EXPECT_TRUE(s->market_list);
  ASSERT_THAT(s->markets, SizeIs(2));
  EXPECT_EQ(s->markets[0].price_trace, "/work/scenarios/a.csv");
  EXPECT_EQ(s->markets[0].availability_zone, "us-east-1a");
  EXPECT_EQ(s->markets[0].regime, MarketRegime::kBidSet);
  EXPECT_EQ(s->markets[1].instance_type, "m5.large");
  EXPECT_EQ(s->markets[1].regime, MarketRegime::kCapacity);
  EXPECT_EQ(s->markets[1].interruption_rate_per_hour, 0.5);
  EXPECT_EQ(s->markets[1].on_demand_usd_per_hour, 0.096);
  ASSERT_THAT(s->markets[1].spot_capacity_outages, SizeIs(1));
  EXPECT_EQ(s->markets[1].spot_capacity_outages[0].length, absl::Minutes(10));
  // The single form is one market, as before.
  auto single = Parse("market: {price_trace: a.csv}\n");
  ASSERT_THAT(single, IsOk());
  EXPECT_FALSE(single->market_list);
  EXPECT_THAT(single->markets, SizeIs(1));
}

TEST(ScenarioMarkets, ErrorsNameTheEntryAndField) {
  ExpectError(
      "market: {price_trace: a.csv}\n"
      "markets: [{price_trace: a.csv, availability_zone: us-east-1a}]\n",
      "scenario: s.yaml: markets: give either market (one) or markets (a "
      "list), not both");
  ExpectError("markets: []\n", "scenario: s.yaml: markets: the list is empty");
  ExpectError("market: {price_trace: a.csv}\nmarkets: []\n",
              "markets: give either market (one) or markets (a list)");
  ExpectError(
      "markets:\n"
      "  - {price_trace: a.csv, availability_zone: us-east-1a}\n"
      "  - {price_trace: a.csv}\n",
      "markets[1].availability_zone: required in a list of markets");
  ExpectError(
      "markets:\n"
      "  - {price_trace: a.csv, availability_zone: us-east-1a}\n"
      "  - {price_trace: a.csv, availability_zone: us-east-1b}\n"
      "  - {price_trace: b.csv, availability_zone: us-east-1a}\n",
      "markets[2].availability_zone: us-east-1a is already markets[0]");
  ExpectError(
      "markets:\n"
      "  - {price_trace: a.csv, availability_zone: z, instance_type: "
      "m5.large}\n"
      "  - {price_trace: b.csv, availability_zone: z, instance_type: "
      "m5.large}\n",
      "markets[1].availability_zone: m5.large in z is already markets[0]");
  ExpectError("markets:\n  - {availability_zone: us-east-1a}\n",
              "markets[0].price_trace: required");
  ExpectError(
      "markets:\n"
      "  - {price_trace: a.csv, availability_zone: a}\n"
      "  - {price_trace: a.csv, availability_zone: b, regime: auction}\n",
      "markets[1].regime: unknown regime \"auction\"");
  ExpectError(
      "markets:\n"
      "  - {price_trace: a.csv, availability_zone: a,\n"
      "     interruption_rate_per_hour: 1}\n",
      "markets[0].interruption_rate_per_hour: only applies to regime: "
      "capacity");
  ExpectError(
      "markets:\n"
      "  - {price_trace: a.csv, availability_zone: a,\n"
      "     spot_capacity_outages: [{at_s: 5}]}\n",
      "markets[0].spot_capacity_outages[0]: needs both at_s and for_s");
}

TEST(ScenarioMarkets, AnErrorQuotesNoMoreThanAShortExcerptOfTheInput) {
  const std::string zone(100000, 'z');
  auto s =
      Parse("markets:\n  - {price_trace: a.csv, availability_zone: " + zone +
            "}\n  - {price_trace: a.csv, availability_zone: " + zone + "}\n");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("markets[1].availability_zone: zzz")));
  EXPECT_LT(s.status().message().size(), 400u);
}

// What only the policy can tell: its type fills in an entry's, and its zone
// must be one of the markets.
TEST(ScenarioMarkets, RunErrorsNameTheEntryOrThePolicy) {
  const std::string data = std::string(SPOTBURST_SOURCE_DIR) + "/data/";
  auto policy = LoadPolicyFile(std::string(SPOTBURST_SOURCE_DIR) +
                               "/examples/policies/on-demand-fallback.yaml");
  ASSERT_THAT(policy, IsOk());  // c4.large, us-east-1b
  const std::string trace = "spot_us-east-1_2021-03_2021-05_c4.large.csv";
  auto run = [&](const std::string& markets) {
    auto s = ParseScenario(std::string(kHead) + markets, "s.yaml", data);
    EXPECT_THAT(s, IsOk());
    return s.ok() ? RunSimulation(*s, *policy, {.keep_timeline = false})
                  : absl::StatusOr<SimulationResult>(s.status());
  };
  EXPECT_THAT(run("markets:\n"
                  "  - {price_trace: " +
                  trace +
                  ", availability_zone: us-east-1a}\n"
                  "  - {price_trace: " +
                  trace +
                  ", availability_zone: us-east-1a,\n"
                  "     instance_type: c4.large}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("markets[1].availability_zone: "
                                 "c4.large/us-east-1a/Linux/UNIX is already "
                                 "markets[0]")));
  EXPECT_THAT(
      run("markets:\n"
          "  - {price_trace: " +
          trace +
          ", availability_zone: us-east-1a}\n"
          "  - {price_trace: " +
          trace + ", availability_zone: us-east-1c}\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("policy on-demand-fallback bursts in us-east-1b, "
                         "which scenario s does not sell c4.large in (its "
                         "zones: us-east-1a, us-east-1c)")));
  EXPECT_THAT(
      run("markets:\n"
          "  - {price_trace: " +
          trace +
          ", availability_zone: us-east-1b}\n"
          "  - {price_trace: " +
          trace + ", availability_zone: us-east-1z}\n"),
      StatusIs(absl::StatusCode::kNotFound,
               HasSubstr("market c4.large/us-east-1z/Linux/UNIX is not in "
                         "price trace")));
  const std::string m5 = "spot_us-east-1_2021-03_2021-05_m5.large.csv";
  EXPECT_THAT(
      run("markets:\n"
          "  - {price_trace: " +
          trace +
          ", availability_zone: us-east-1b}\n"
          "  - {price_trace: " +
          m5 +
          ", availability_zone: us-east-1b,\n"
          "     instance_type: m5.large}\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("markets[1].on_demand_usd_per_hour: required for "
                         "m5.large")));
  EXPECT_THAT(
      run("markets:\n"
          "  - {price_trace: " +
          m5 +
          ", availability_zone: us-east-1b,\n"
          "     instance_type: m5.large, on_demand_usd_per_hour: 0.096}\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("sells m5.large but policy on-demand-fallback "
                         "bursts with c4.large")));
}

}  // namespace
}  // namespace spotburst::sim
