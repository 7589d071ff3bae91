// Tests of RunSimulation: determinism, accounting, and errors that say
// which file and market are wrong.
#include "spotburst/sim/simulation.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/policy.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

const std::string kData = std::string(SPOTBURST_SOURCE_DIR) + "/data/";

// Everything a result says, to the last bit.
std::string Fingerprint(const SimulationResult& r) {
  const SimulationTotals& t = r.totals;
  std::string out = absl::StrFormat(
      "%.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g "
      "%d %d %d %d %d %d\n",
      t.spot_cost_usd, t.on_demand_cost_usd, t.hindsight_reference_usd,
      t.unmet_hours.cpus, t.unmet_hours.mem_mib, t.demand_hours.cpus,
      t.served_share, t.burst_utilisation, t.idle_paid_instance_hours,
      t.spot_instance_hours, t.on_demand_instance_hours, t.spot_requests,
      t.requests_cancelled, t.interruptions, t.instances_launched,
      t.instances_ended_by_policy, t.failed_ticks);
  for (const TimelineRow& row : r.timeline) {
    absl::StrAppendFormat(
        &out, "%d %.17g %.17g %d %d %d %d %d %.17g %.17g %d %s\n",
        absl::ToUnixSeconds(row.time), row.price_usd, row.bid_usd.value_or(-1),
        row.desired, row.open_requests, row.booting, row.running_spot,
        row.running_on_demand, row.used.cpus, row.cost_usd, row.interruptions,
        row.actions);
  }
  return out;
}

// Six hours of the shipped workload on today's market, with capacity
// interruptions frequent enough that the seed matters.
Scenario Volatile(uint64_t seed) {
  auto s = ParseScenario(absl::StrFormat(R"(
start: "2021-04-06T00:00:00Z"
duration_s: 21600
seed: %d
market:
  price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
  availability_zone: us-east-1b
  regime: capacity
  interruption_rate_per_hour: 1
demand:
  workload_trace: workload_bitbrains-rnd_2013-07.csv
  workload_scale: 0.6
)",
                                         seed),
                         "volatile.yaml", kData);
  EXPECT_THAT(s, IsOk());
  return *s;
}

Policy FallbackPolicy() {
  auto p = LoadPolicyFile(std::string(SPOTBURST_SOURCE_DIR) +
                          "/examples/policies/on-demand-fallback.yaml");
  EXPECT_THAT(p, IsOk());
  return *p;
}

TEST(RunSimulation, TheSameSeedGivesTheSameResultBitForBit) {
  const Policy policy = FallbackPolicy();
  auto a = RunSimulation(Volatile(1), policy);
  auto b = RunSimulation(Volatile(1), policy);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_GT(a->totals.interruptions, 0);
  EXPECT_EQ(Fingerprint(*a), Fingerprint(*b));
  // Another seed draws other delays and interruptions.
  auto c = RunSimulation(Volatile(2), policy);
  ASSERT_THAT(c, IsOk());
  EXPECT_TRUE(Fingerprint(*a) != Fingerprint(*c));
}

TEST(RunSimulation, SharedInputsAndNoTimelineChangeNoTotal) {
  const Policy policy = FallbackPolicy();
  const Scenario scenario = Volatile(1);
  auto inputs = SimulationInputs::Load(scenario);
  ASSERT_THAT(inputs, IsOk());
  auto plain = RunSimulation(scenario, policy);
  auto shared = RunSimulation(scenario, policy, {}, *inputs);
  auto totals_only =
      RunSimulation(scenario, policy, {.keep_timeline = false}, *inputs);
  ASSERT_THAT(plain, IsOk());
  ASSERT_THAT(shared, IsOk());
  ASSERT_THAT(totals_only, IsOk());
  EXPECT_EQ(Fingerprint(*plain), Fingerprint(*shared));
  EXPECT_TRUE(totals_only->timeline.empty());
  SimulationResult without_rows = *plain;
  without_rows.timeline.clear();
  EXPECT_EQ(Fingerprint(without_rows), Fingerprint(*totals_only));
}

TEST(RunSimulation, OneRowPerEvaluationWithTheCostSoFar) {
  std::vector<double> progress;
  auto r =
      RunSimulation(Volatile(1), FallbackPolicy(),
                    {.progress = [&](double p) { progress.push_back(p); }});
  ASSERT_THAT(r, IsOk());
  ASSERT_THAT(r->timeline, SizeIs(360));
  EXPECT_EQ(r->timeline[1].time - r->timeline[0].time, absl::Minutes(1));
  EXPECT_EQ(r->start, r->timeline[0].time);
  EXPECT_EQ(r->end - r->start, absl::Hours(6));
  EXPECT_EQ(r->timeline[0].actions, "request-spot:7");
  EXPECT_EQ(r->timeline[0].burst_point, 0.75);
  EXPECT_LE(r->timeline.back().cost_usd, r->totals.total_cost_usd() + 1e-12);
  EXPECT_GT(r->totals.total_cost_usd(), r->totals.hindsight_reference_usd);
  EXPECT_EQ(r->totals.failed_ticks, 0) << r->totals.first_error;
  ASSERT_FALSE(progress.empty());
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_EQ(progress.back(), 1.0);
}

TEST(RunSimulation, HindsightCostMatchesTheTotals) {
  const Scenario scenario = Volatile(1);
  const Policy policy = FallbackPolicy();
  auto r = RunSimulation(scenario, policy, {.keep_timeline = false});
  auto bound = HindsightCost(scenario, policy);
  ASSERT_THAT(r, IsOk());
  ASSERT_THAT(bound, IsOk());
  EXPECT_GT(*bound, 0);
  EXPECT_EQ(*bound, r->totals.hindsight_reference_usd);
}

// A market whose price is always above the policy's maximum bid: nothing is
// ever fulfilled, so the demand above the baseline is all unmet.
TEST(RunSimulation, DemandNoInstanceServesIsUnmet) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "sim_unmet";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "dear.csv")
      << "timestamp,region,availability_zone,instance_type,product,"
         "price_usd_per_hour\n"
         "2021-01-01T00:00:00Z,us-east-1,us-east-1b,c4.large,Linux/UNIX,1.0\n"
         "2021-01-02T00:00:00Z,us-east-1,us-east-1b,c4.large,Linux/UNIX,1.0\n";
  auto scenario = ParseScenario(R"(
start: "2021-01-01T01:00:00Z"
duration_s: 3600
market: {price_trace: dear.csv, regime: capacity}
demand:
  phases: [{at_s: 0, tasks: 50, per_task: {cpus: 1}}]
)",
                                "unmet.yaml", dir.string());
  ASSERT_THAT(scenario, IsOk());
  Policy policy = FallbackPolicy();
  policy.fallback.enabled = false;
  auto r = RunSimulation(*scenario, policy);
  ASSERT_THAT(r, IsOk());
  const SimulationTotals& t = r->totals;
  EXPECT_EQ(t.total_cost_usd(), 0);
  EXPECT_EQ(t.instances_launched, 0);
  EXPECT_GT(t.spot_requests, 0);
  EXPECT_DOUBLE_EQ(t.demand_hours.cpus, 50);
  EXPECT_DOUBLE_EQ(t.unmet_hours.cpus, 10);
  EXPECT_DOUBLE_EQ(t.served_share, 0.8);
  EXPECT_EQ(t.burst_utilisation, 0);
  // Five instances for an hour, at on-demand (cheaper than this spot).
  EXPECT_NEAR(t.hindsight_reference_usd, 5 * 0.1, 1e-12);
  EXPECT_EQ(r->timeline[30].used.cpus, 40);
}

TEST(RunSimulation, ASpotCapacityOutageIsServedOnDemandInTheSameTick) {
  auto scenario = ParseScenario(R"(
start: "2021-04-06T00:00:00Z"
duration_s: 3600
market:
  price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
  availability_zone: us-east-1b
  regime: capacity
cloud:
  spot_capacity_outages: [{at_s: 0, for_s: 3600}]
demand:
  phases: [{at_s: 0, tasks: 50, per_task: {cpus: 1}}]
)",
                                "outage.yaml", kData);
  ASSERT_THAT(scenario, IsOk());
  auto r = RunSimulation(*scenario, FallbackPolicy(), {.keep_timeline = true});
  ASSERT_THAT(r, IsOk());
  const SimulationTotals& t = r->totals;
  EXPECT_EQ(t.spot_instance_hours, 0);
  EXPECT_GT(t.on_demand_instance_hours, 0);
  // Refused launches are the market's answer, not failed evaluations.
  EXPECT_EQ(t.failed_ticks, 0);
  EXPECT_THAT(r->timeline[0].actions,
              HasSubstr("; after refused launches: launch-on-demand"));
}

TEST(RunSimulation, AgentsAreDrainedBeforeTheirInstancesEnd) {
  auto scenario = ParseScenario(R"(
start: "2021-04-06T00:00:00Z"
duration_s: 10800
market:
  price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
  availability_zone: us-east-1b
cluster:
  reports_agents: true
  drain_min_s: 120
  drain_max_s: 120
demand:
  phases: [{at_s: 0, tasks: 60, per_task: {cpus: 1}},
           {at_s: 3600, tasks: 0, per_task: {cpus: 1}}]
)",
                                "drain.yaml", kData);
  ASSERT_THAT(scenario, IsOk());
  Policy policy = FallbackPolicy();
  policy.billing.drain_time = absl::Minutes(5);
  // When each instance's drain began and when the policy ended it.
  std::map<std::string, absl::Time> drained_at, ended_at;
  std::map<std::string, std::string> end_reason;
  auto r = RunSimulation(
      *scenario, policy, {.on_tick = [&](const TickReport& report) {
        if (!report.plan) return;
        for (const Action& a : report.plan->actions) {
          if (a.kind == ActionKind::kDrainInstance) {
            drained_at.emplace(a.instance_id, report.time);
          }
          if (a.kind == ActionKind::kTerminateInstance) {
            ended_at.emplace(a.instance_id, report.time);
            end_reason.emplace(a.instance_id, a.reasons.back().message());
          }
        }
      }});
  ASSERT_THAT(r, IsOk());
  ASSERT_FALSE(ended_at.empty());
  EXPECT_GT(r->totals.instances_ended_by_policy, 0);
  for (const auto& [id, ended] : ended_at) {
    ASSERT_TRUE(drained_at.contains(id)) << id << " ended without a drain";
    // 2 minutes of draining, seen at the next one-minute tick.
    EXPECT_EQ(ended - drained_at[id], absl::Minutes(2)) << id;
    EXPECT_THAT(end_reason[id], HasSubstr("drained in 2 min")) << id;
  }
}

TEST(RunSimulation, ErrorsNameTheFileAndMarket) {
  const Policy policy = FallbackPolicy();
  Scenario s = Volatile(1);
  s.markets[0].availability_zone = "us-east-1z";
  EXPECT_THAT(RunSimulation(s, policy),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("sim: market c4.large/us-east-1z/Linux/UNIX "
                                 "is not in price trace")));
  s = Volatile(1);
  s.start = absl::FromUnixSeconds(0);
  EXPECT_THAT(RunSimulation(s, policy),
              StatusIs(absl::StatusCode::kOutOfRange,
                       HasSubstr("starts at 1970-01-01T00:00:00Z, outside "
                                 "price trace")));
  s = Volatile(1);
  s.duration = absl::Hours(24 * 40);
  EXPECT_THAT(RunSimulation(s, policy), StatusIs(absl::StatusCode::kOutOfRange,
                                                 HasSubstr("workload trace")));
  s = Volatile(1);
  s.markets[0].instance_type = "m5.large";
  EXPECT_THAT(RunSimulation(s, policy),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sells m5.large but policy "
                                 "on-demand-fallback bursts with c4.large")));
  s = Volatile(1);
  s.markets[0].price_trace = "/nonexistent/trace.csv";
  EXPECT_THAT(RunSimulation(s, policy),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("sim: trace: cannot read")));
  // Inputs loaded for other files.
  auto inputs = SimulationInputs::Load(Volatile(1));
  ASSERT_THAT(inputs, IsOk());
  s = Volatile(1);
  s.demand.workload_trace.clear();
  EXPECT_THAT(RunSimulation(s, policy, {}, *inputs),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("inputs were loaded for")));
}

TEST(RunSimulation, AZoneMustBeNamedSomewhere) {
  Scenario s = Volatile(1);
  s.markets[0].availability_zone.clear();
  Policy policy = FallbackPolicy();
  policy.instance.availability_zone.clear();
  EXPECT_THAT(RunSimulation(s, policy),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no availability zone")));
}

}  // namespace
}  // namespace spotburst::sim
