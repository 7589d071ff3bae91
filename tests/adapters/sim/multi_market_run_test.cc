// Tests of runs over several markets: the engine buys in the cheapest zone
// it is offered, and every report breaks cost and interruptions down by
// market; a run over one market reports as it always has.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/policy.h"
#include "spotburst/sim/report.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"
#include "spotburst/sim/sweep.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

const std::string kData = std::string(SPOTBURST_SOURCE_DIR) + "/data/";

// Six hours of the shipped workload on the 2021 c4.large market, where
// us-east-1a (0.034 USD/h) is less than half the price of us-east-1b
// (0.078), listed second so that no "first market" shortcut passes.
Scenario TwoZones(const std::string& markets_yaml) {
  auto s = ParseScenario(absl::StrCat(R"(
name: two-zones
start: "2021-04-06T00:00:00Z"
duration_s: 21600
demand:
  workload_trace: workload_bitbrains-rnd_2013-07.csv
  workload_scale: 0.6
)",
                                      markets_yaml),
                         "two-zones.yaml", kData);
  EXPECT_THAT(s, IsOk());
  return *s;
}

constexpr char kBothZones[] = R"(
markets:
  - price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
    availability_zone: us-east-1b
  - price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
    availability_zone: us-east-1a
)";

Policy Fallback(const std::string& zone) {
  auto p = LoadPolicyFile(std::string(SPOTBURST_SOURCE_DIR) +
                          "/examples/policies/on-demand-fallback.yaml");
  EXPECT_THAT(p, IsOk());
  p->instance.availability_zone = zone;
  p->name = zone.empty() ? "any-zone" : zone;
  return *p;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(MultiMarketRun, LaunchesGoToTheCheaperZoneAndTheBreakdownShowsIt) {
  auto r = RunSimulation(TwoZones(kBothZones), Fallback(""));
  ASSERT_THAT(r, IsOk());
  const SimulationTotals& t = r->totals;
  ASSERT_GT(t.instances_launched, 0);
  ASSERT_THAT(t.markets, SizeIs(2));
  EXPECT_EQ(t.markets[0].market, "c4.large/us-east-1b/Linux/UNIX");
  EXPECT_EQ(t.markets[0].spot_instances + t.markets[0].on_demand_instances, 0);
  EXPECT_EQ(t.markets[0].total_cost_usd(), 0);
  EXPECT_EQ(t.markets[1].spot_instances, t.instances_launched);
  EXPECT_DOUBLE_EQ(t.markets[1].total_cost_usd(), t.total_cost_usd());
  for (const InstanceLedgerRow& row : r->instances) {
    EXPECT_EQ(row.market, "c4.large/us-east-1a/Linux/UNIX") << row.id;
  }
  // The same policy held to the dear zone pays more for the same work.
  auto pinned = RunSimulation(TwoZones(kBothZones), Fallback("us-east-1b"));
  ASSERT_THAT(pinned, IsOk());
  EXPECT_GT(pinned->totals.total_cost_usd(), 2 * t.total_cost_usd());
  EXPECT_EQ(pinned->totals.markets[1].spot_instances, 0);

  const std::string summary = FormatSummary(*r);
  EXPECT_THAT(summary, HasSubstr("by market\n"));
  EXPECT_THAT(summary, HasSubstr(absl::StrFormat(
                           "  c4.large/us-east-1a/Linux/UNIX %10.4f",
                           t.total_cost_usd())));
  EXPECT_THAT(summary,
              HasSubstr(absl::StrFormat("  c4.large/us-east-1b/Linux/UNIX "
                                        "%10.4f %10.4f %10.4f %9d %7d\n",
                                        0.0, 0.0, 0.0, 0, 0)));
  const std::string table = FormatComparison({*r, *pinned}, 0.9);
  EXPECT_THAT(table, HasSubstr("by market:\n"));
  EXPECT_THAT(table, HasSubstr("  any-zone   c4.large/us-east-1a/Linux/UNIX"));
  EXPECT_THAT(table, HasSubstr("  us-east-1b c4.large/us-east-1b/Linux/UNIX"));

  // The timeline says which market each row's price is of.
  const std::string path = ::testing::TempDir() + "two_zones.timeline.csv";
  ASSERT_THAT(WriteTimelineCsv(*r, path), IsOk());
  const std::string csv = ReadAll(path);
  EXPECT_THAT(csv, HasSubstr(",supply_mode,actions,market\n"));
  EXPECT_THAT(csv, HasSubstr(",c4.large/us-east-1a/Linux/UNIX\n"));
  EXPECT_EQ(r->timeline.back().market, 1);
  EXPECT_EQ(r->timeline.back().price_usd, 0.0337);  // us-east-1a's
}

TEST(MultiMarketRun, TheReferencePaysTheCheapestZoneEachSecond) {
  auto both = HindsightCost(TwoZones(kBothZones), Fallback(""));
  auto cheap = HindsightCost(TwoZones(R"(
markets:
  - price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
    availability_zone: us-east-1a
)"),
                             Fallback(""));
  ASSERT_THAT(both, IsOk());
  ASSERT_THAT(cheap, IsOk());
  EXPECT_GT(*both, 0);
  EXPECT_DOUBLE_EQ(*both, *cheap);
}

TEST(MultiMarketRun, ASweepTableBreaksItsRunsDownByMarket) {
  auto r = RunSimulation(TwoZones(kBothZones), Fallback(""),
                         {.keep_timeline = false});
  ASSERT_THAT(r, IsOk());
  const SweepGrid grid{
      .name = "g",
      .base_policy = "any-zone",
      .settings = {{.field = "scaling.burst_point", .values = {"0.5"}}},
      .runs = {{.values = {"0.5"}}}};
  const std::string table =
      FormatSweepTable(MakeSweepReport(grid, {*r}), SweepOrder::kGrid);
  EXPECT_THAT(table, HasSubstr("by market:\n"));
  EXPECT_THAT(table, HasSubstr(absl::StrFormat("  %-19s %s", "0.5",
                                               "c4.large/us-east-1a/")));
}

// Each listed market draws its interruptions from the seed and its own
// identity: where it stands in the list, and what else is listed, change
// nothing of its draws.
TEST(MultiMarketRun, AMarketsInterruptionsDoNotDependOnTheList) {
  const std::string a = R"(
  - price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
    availability_zone: us-east-1a
    regime: capacity
    interruption_rate_per_hour: 1
)";
  const std::string b = R"(
  - price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
    availability_zone: us-east-1b
    regime: capacity
    interruption_rate_per_hour: 1
)";
  const Policy policy = Fallback("us-east-1a");
  auto alone = RunSimulation(TwoZones("markets:" + a), policy);
  auto first = RunSimulation(TwoZones("markets:" + a + b), policy);
  auto second = RunSimulation(TwoZones("markets:" + b + a), policy);
  ASSERT_THAT(alone, IsOk());
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  ASSERT_GT(alone->totals.interruptions, 0);
  auto interrupted = [](const SimulationResult& r) {
    std::string out;
    for (const InstanceLedgerRow& row : r.instances) {
      if (row.notice)
        absl::StrAppend(&out, row.id, "@", absl::FormatTime(*row.notice), " ");
    }
    return out;
  };
  EXPECT_EQ(interrupted(*first), interrupted(*alone));
  EXPECT_EQ(interrupted(*second), interrupted(*alone));
  EXPECT_EQ(second->totals.markets[1].interruptions,
            alone->totals.interruptions);
}

// examples/scenarios/zones-2015-05.yaml, as the README tells it: choosing
// the zone each evaluation costs less than the best single zone of that
// month, for the same demand served.
TEST(MultiMarketRun, TheZonesExampleCostsLessThanAnyOneOfItsZones) {
  const std::string dir =
      std::string(SPOTBURST_SOURCE_DIR) + "/examples/scenarios/";
  auto run = [&](const std::string& name) {
    auto scenario = LoadScenarioFile(dir + name + ".yaml");
    EXPECT_THAT(scenario, IsOk()) << name;
    auto policy = LoadPolicyFile(scenario->policies[0]);
    EXPECT_THAT(policy, IsOk()) << name;
    auto r = RunSimulation(*scenario, *policy, {.keep_timeline = false});
    EXPECT_THAT(r, IsOk()) << name;
    return r->totals;
  };
  const SimulationTotals any = run("zones-2015-05");
  ASSERT_THAT(any.markets, SizeIs(3));
  for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1e"}) {
    const SimulationTotals pinned = run(absl::StrCat("zones-2015-05-", zone));
    ASSERT_THAT(pinned.markets, SizeIs(1));
    EXPECT_LT(any.total_cost_usd(), pinned.total_cost_usd()) << zone;
    EXPECT_NEAR(any.served_share, pinned.served_share, 0.005) << zone;
  }
}

TEST(MultiMarketRun, OneMarketReportsAsBefore) {
  auto r = RunSimulation(TwoZones(R"(
market:
  price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
  availability_zone: us-east-1a
)"),
                         Fallback("us-east-1b"));
  ASSERT_THAT(r, IsOk());
  ASSERT_THAT(r->totals.markets, SizeIs(1));
  EXPECT_THAT(FormatSummary(*r), Not(HasSubstr("by market")));
  EXPECT_THAT(FormatComparison({*r}, 0.9), Not(HasSubstr("by market")));
  const std::string path = ::testing::TempDir() + "one_zone.timeline.csv";
  ASSERT_THAT(WriteTimelineCsv(*r, path), IsOk());
  EXPECT_THAT(ReadAll(path),
              StartsWith("time,price_usd,bid_usd,desired,open_requests,"));
  EXPECT_THAT(ReadAll(path), Not(HasSubstr("market")));
}

}  // namespace
}  // namespace spotburst::sim
