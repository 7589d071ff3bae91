// What the reports of real simulation runs claim, checked against the runs:
// one hindsight reference per scenario, an instance ledger that adds up to
// the total, billed hours that are billed, no bid shown where none was
// made, nothing charged for a launch at the run's end.
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/policy.h"
#include "spotburst/sim/report.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kRepo = std::string(SPOTBURST_SOURCE_DIR) + "/";

Scenario Parse(const std::string& yaml) {
  auto s = ParseScenario(yaml, "run_report.yaml", kRepo + "data");
  EXPECT_THAT(s, IsOk());
  return s.ok() ? *s : Scenario{};
}

Policy Load(const std::string& name) {
  auto p = LoadPolicyFile(kRepo + "examples/policies/" + name + ".yaml");
  EXPECT_THAT(p, IsOk());
  return p.ok() ? *p : Policy{};
}

SimulationResult Simulate(const Scenario& scenario, const Policy& policy) {
  auto r = RunSimulation(scenario, policy);
  EXPECT_THAT(r, IsOk());
  if (!r.ok()) return {};
  EXPECT_EQ(r->totals.failed_ticks, 0) << r->totals.first_error;
  return *std::move(r);
}

// Six hours of the shipped workload on today's market, with capacity
// interruptions; `billing` for the cloud.
Scenario Today(const std::string& billing) {
  return Parse(absl::StrFormat(R"(
start: "2021-04-06T00:00:00Z"
duration_s: 21600
seed: 1
market:
  price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
  availability_zone: us-east-1b
  regime: capacity
  interruption_rate_per_hour: 1
cloud: {billing: %s}
demand:
  workload_trace: workload_bitbrains-rnd_2013-07.csv
  workload_scale: 0.6
)",
                               billing));
}

// A day of the volatile 2015 m3.medium market (bid-set, hourly billing)
// whose demand rises past the burst point for a while.
Scenario June2015() {
  return Parse(R"(
start: "2015-06-15T00:00:00Z"
duration_s: 86400
seed: 7
market:
  price_trace: spot_us-east-1_2015-03_2015-07_m3.medium.csv
  availability_zone: us-east-1b
cloud: {billing: hourly}
demand:
  phases:
    - {at_s: 0, tasks: 20, per_task: {cpus: 1, mem_mib: 1024}}
    - {at_s: 21600, tasks: 42, per_task: {cpus: 1, mem_mib: 1024}}
    - {at_s: 64800, tasks: 15, per_task: {cpus: 1, mem_mib: 1024}}
)");
}

TEST(HindsightReference, IsTheSameForEveryPolicyOfAScenario) {
  const Scenario scenario = Today("per-second");
  Policy fallback = Load("on-demand-fallback");
  Policy no_burst = fallback;
  no_burst.scaling.min_instances = no_burst.scaling.max_instances = 0;
  Policy small = fallback;
  small.scaling.max_instances = 2;
  Policy on_demand = fallback;
  on_demand.fallback.on_demand_only = true;
  Policy hourly = fallback;
  hourly.billing.model = BillingModel::kHourly;
  const double reference =
      Simulate(scenario, fallback).totals.hindsight_reference_usd;
  EXPECT_GT(reference, 0);
  for (const Policy* p : {&no_burst, &small, &on_demand, &hourly}) {
    EXPECT_EQ(Simulate(scenario, *p).totals.hindsight_reference_usd, reference);
  }
}

TEST(HindsightReference, ARunBelowItSaysWhy) {
  // Bidding the mean on a market that spikes: most instances are
  // interrupted in their first hour, which hourly billing does not charge.
  Policy mean = Load("experiment1-scale-up");
  mean.bidding.strategy = "mean";
  const SimulationResult r = Simulate(June2015(), mean);
  const SimulationTotals& t = r.totals;
  ASSERT_GT(t.uncharged_interrupted_hours, 0);
  ASSERT_LT(t.total_cost_usd(), t.hindsight_reference_usd);
  const std::string summary = FormatSummary(r);
  EXPECT_THAT(summary, HasSubstr("below the reference, which is not a lower "
                                 "bound"));
  EXPECT_THAT(summary, HasSubstr(absl::StrFormat(
                           "%.2f instance-hours cut short by interruptions "
                           "were not charged",
                           t.uncharged_interrupted_hours)));
  EXPECT_THAT(summary, Not(HasSubstr("% above")));
}

// The ledger's rows as fields, without the header.
std::vector<std::vector<std::string>> LedgerRows(const SimulationResult& r,
                                                 const std::string& name) {
  const std::string path = ::testing::TempDir() + name;
  EXPECT_THAT(WriteInstancesCsv(r, path), IsOk());
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.substr(0, 16), "id,lifecycle,mar");
  while (std::getline(in, line)) {
    rows.push_back(absl::StrSplit(line, ','));
    EXPECT_EQ(rows.back().size(), 14u) << line;
  }
  return rows;
}

TEST(InstanceLedger, ItsCostColumnAddsUpToTheSummarysTotal) {
  for (const char* billing : {"per-second", "hourly"}) {
    const SimulationResult r =
        Simulate(Today(billing), Load("on-demand-fallback"));
    const auto rows = LedgerRows(r, absl::StrCat("ledger_", billing, ".csv"));
    ASSERT_EQ(rows.size(), static_cast<size_t>(r.totals.instances_launched));
    double sum = 0;
    for (const auto& row : rows) sum += std::stod(row[13]);
    EXPECT_GT(sum, 0) << billing;
    // The total as the summary prints it, to four decimals.
    const std::string summary = FormatSummary(r);
    const size_t at = summary.find("  total ");
    ASSERT_NE(at, std::string::npos);
    EXPECT_NEAR(std::stod(summary.substr(at + 8)), sum, 0.00005 + 1e-9)
        << billing;
  }
}

TEST(InstanceLedger, BilledHoursAreWhatHourlyBillingCharged) {
  const SimulationResult r =
      Simulate(Today("hourly"), Load("on-demand-fallback"));
  const SimulationTotals& t = r.totals;
  double billed_spot = 0, run = 0;
  int interrupted = 0;
  for (const auto& row : LedgerRows(r, "ledger_billed.csv")) {
    absl::Time launched, ended;
    std::string error;
    ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, row[6], &launched, &error));
    ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, row[9], &ended, &error));
    run += absl::ToDoubleHours(ended - launched);
    if (row[1] == "spot") billed_spot += std::stod(row[11]) / 3600;
    if (row[10] == "interruption") {
      ++interrupted;
      // Hourly: full hours only.
      EXPECT_EQ(std::stoll(row[11]) % 3600, 0) << row[0];
    }
  }
  ASSERT_GT(interrupted, 0);
  EXPECT_NEAR(t.spot_instance_hours, billed_spot, 1e-9);
  EXPECT_NEAR(t.run_instance_hours, run, 1e-9);
  // Hours started in full, interrupted hours free: the two differ.
  EXPECT_GT(std::abs(t.spot_instance_hours + t.on_demand_instance_hours - run),
            0.5);
  EXPECT_THAT(FormatSummary(r),
              HasSubstr(absl::StrFormat("billed: spot %.2f", billed_spot)));
}

TEST(Timeline, ShowsNoBidWhileNewCapacityComesFromOnDemand) {
  Policy on_demand = Load("on-demand-fallback");
  on_demand.fallback.on_demand_only = true;
  const SimulationResult od = Simulate(Today("per-second"), on_demand);
  ASSERT_FALSE(od.timeline.empty());
  for (const TimelineRow& row : od.timeline) {
    EXPECT_EQ(row.supply_mode, SupplyMode::kOnDemand);
    EXPECT_FALSE(row.bid_usd.has_value());
  }
  const std::string path = ::testing::TempDir() + "timeline_no_bid.csv";
  ASSERT_THAT(WriteTimelineCsv(od, path), IsOk());
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::getline(in, line);
  const std::vector<std::string> fields = absl::StrSplit(line, ',');
  EXPECT_EQ(fields[2], "") << line;
  // Bidding for spot, every row has its bid.
  const SimulationResult spot =
      Simulate(Today("per-second"), Load("on-demand-fallback"));
  EXPECT_TRUE(spot.timeline.front().bid_usd.has_value());
}

TEST(RunEnd, ALaunchAtTheLastEvaluationAddsNoBilledHour) {
  // Demand jumps at the last minute of an hour; on-demand instances launch
  // at once, under hourly billing.
  const Scenario scenario = Parse(R"(
start: "2021-04-06T00:00:00Z"
duration_s: 3600
market:
  price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
  availability_zone: us-east-1b
cloud: {billing: hourly}
demand:
  phases:
    - {at_s: 0, tasks: 10, per_task: {cpus: 1}}
    - {at_s: 3540, tasks: 60, per_task: {cpus: 1}}
)");
  Policy policy = Load("experiment1-scale-up");
  policy.instance.type = "c4.large";
  policy.instance.shape = {.cpus = 2, .mem_mib = 3840};
  policy.instance.on_demand_usd_per_hour = 0.1;
  policy.billing.model = BillingModel::kHourly;
  policy.fallback.on_demand_only = true;
  const SimulationResult r = Simulate(scenario, policy);
  ASSERT_GT(r.totals.instances_launched, 0);
  ASSERT_FALSE(r.instances.empty());
  for (const InstanceLedgerRow& row : r.instances) {
    EXPECT_EQ(row.launched, r.end - absl::Minutes(1));
    EXPECT_EQ(row.ended_by, InstanceEnd::kRunEnd);
    EXPECT_EQ(row.billed_s, 60);
  }
  // One minute each, not an hour.
  EXPECT_NEAR(r.totals.total_cost_usd(), r.totals.instances_launched * 0.1 / 60,
              1e-9);
  EXPECT_NEAR(r.totals.on_demand_instance_hours,
              r.totals.instances_launched / 60.0, 1e-9);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ReadmeChart, IsTheChartOfTheShowcaseRunAsItIsToday) {
  // scripts/demo.sh draws it into out/showcase/; README.md shows the copy
  // in docs/. Regenerate with
  //   build/src/spotburst simulate --scenario
  //   examples/scenarios/showcase-week.yaml --out out/showcase
  // and copy out/showcase/target-current-plus.svg to docs/showcase-week.svg.
  auto scenario =
      LoadScenarioFile(kRepo + "examples/scenarios/showcase-week.yaml");
  ASSERT_THAT(scenario, IsOk());
  auto policy = LoadPolicyFile(scenario->policies.at(0));
  ASSERT_THAT(policy, IsOk());
  const SimulationResult r = Simulate(*scenario, *policy);
  const std::string path = ::testing::TempDir() + "showcase.svg";
  ASSERT_THAT(WriteChartSvg(r, path), IsOk());
  EXPECT_TRUE(ReadAll(path) == ReadAll(kRepo + "docs/showcase-week.svg"))
      << "docs/showcase-week.svg is out of date";
  // What the chart is there to show: the demand served (the private
  // cluster alone serves about two thirds of it), for well under what the
  // same hours cost on demand.
  EXPECT_GT(r.totals.served_share, 0.97);
  EXPECT_LT(r.totals.total_cost_usd(), 0.75 *
                                           (r.totals.spot_instance_hours +
                                            r.totals.on_demand_instance_hours) *
                                           r.on_demand_usd_per_hour);
}

}  // namespace
}  // namespace spotburst::sim
