// The prototype's experiments (examples/scenarios/), replayed: their
// shapes, not their exact figures.
//  (a) scale-up on a volatile market: instances are interrupted when the
//      price passes their bid, soon after they start;
//  (b) the revised scale-up on a stable market: 10 instances run, having
//      arrived in batches;
//  (c) scale-down with a 20-minute partial-hour limit: no instance is
//      ended before it is 20 minutes into its hour, and all are ended.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/policy.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::IsOk;

struct Replay {
  SimulationResult result;
  std::vector<TickReport> ticks;
};

Replay RunExperiment(const std::string& name) {
  Replay replay;
  auto scenario = LoadScenarioFile(std::string(SPOTBURST_SOURCE_DIR) +
                                   "/examples/scenarios/" + name + ".yaml");
  EXPECT_THAT(scenario, IsOk());
  if (!scenario.ok()) return replay;
  auto policy = LoadPolicyFile(scenario->policies.at(0));
  EXPECT_THAT(policy, IsOk());
  if (!policy.ok()) return replay;
  auto result = RunSimulation(
      *scenario, *policy,
      {.on_tick = [&](const TickReport& r) { replay.ticks.push_back(r); }});
  EXPECT_THAT(result, IsOk());
  if (result.ok()) replay.result = *std::move(result);
  EXPECT_EQ(replay.result.totals.failed_ticks, 0)
      << replay.result.totals.first_error;
  return replay;
}

TEST(Experiments, ScaleUpOnAVolatileMarketIsInterruptedByThePrice) {
  const Replay r = RunExperiment("experiment1-scale-up");
  ASSERT_EQ(r.ticks.size(), r.result.timeline.size());
  EXPECT_GT(r.result.totals.interruptions, 0);

  // Every instance seen, with its bid and launch; interruptions as the
  // listing reports them.
  std::map<std::string, Instance> seen;
  std::set<std::string> interrupted_requests;
  for (const TickReport& tick : r.ticks) {
    for (const Instance& i : tick.input.fleet.instances) seen[i.id] = i;
    for (const SpotRequest& q : tick.input.fleet.requests) {
      if (q.status_code == "instance-terminated-by-price") {
        interrupted_requests.insert(q.id);
      }
    }
  }
  ASSERT_FALSE(interrupted_requests.empty());
  int checked = 0;
  for (const auto& [id, instance] : seen) {
    if (!interrupted_requests.contains(instance.spot_request_id)) continue;
    // The price passed this instance's bid while it ran...
    bool passed = false;
    absl::Time gone = absl::InfiniteFuture();
    for (size_t k = 0; k < r.ticks.size(); ++k) {
      const TimelineRow& row = r.result.timeline[k];
      if (row.time < instance.launch_time) continue;
      passed |= row.price_usd > instance.max_price_usd_per_hour;
      const auto& live = r.ticks[k].input.fleet.instances;
      if (gone == absl::InfiniteFuture() &&
          std::none_of(
              live.begin(), live.end(),
              [&, &id = id](const Instance& i) { return i.id == id; })) {
        gone = row.time;
        break;
      }
    }
    EXPECT_TRUE(passed) << id;
    // ...soon after it started (boot takes 3-4 minutes).
    EXPECT_LE(gone - instance.launch_time, absl::Minutes(20)) << id;
    ++checked;
  }
  EXPECT_EQ(checked, r.result.totals.interruptions);
  // The market never lets the fleet reach the 10 the policy wants.
  int most = 0, desired = 0;
  for (const TimelineRow& row : r.result.timeline) {
    most = std::max(most, row.running_spot);
    desired = std::max(desired, row.desired);
  }
  EXPECT_EQ(desired, 10);
  EXPECT_LT(most, 10);
}

TEST(Experiments, RevisedScaleUpReachesTenInstancesArrivingInBatches) {
  const Replay r = RunExperiment("experiment1-revised");
  const std::vector<TimelineRow>& rows = r.result.timeline;
  int most = 0;
  std::vector<int> arrivals;  // instances joining at each tick, when any
  for (size_t k = 0; k < rows.size(); ++k) {
    most = std::max(most, rows[k].running_spot);
    const int before = k == 0 ? 0 : rows[k - 1].running_spot;
    if (rows[k].running_spot > before) {
      arrivals.push_back(rows[k].running_spot - before);
    }
  }
  EXPECT_EQ(most, 10);
  EXPECT_EQ(r.result.totals.interruptions, 0);
  // Fewer distinct arrival times than instances, several at once.
  EXPECT_LT(arrivals.size(), 10u);
  EXPECT_GE(*std::max_element(arrivals.begin(), arrivals.end()), 3);
  // All ten run within half an hour, while the demand lasts.
  const auto ten = std::find_if(rows.begin(), rows.end(), [](const auto& row) {
    return row.running_spot == 10;
  });
  ASSERT_NE(ten, rows.end());
  EXPECT_LT(ten->time - r.result.start, absl::Minutes(30));
}

TEST(Experiments, ScaleDownWaitsForThePartialHourLimit) {
  const Replay r = RunExperiment("experiment2-scale-down");
  const absl::Duration limit = absl::Minutes(20);
  int terminated = 0, postponed = 0;
  for (const TickReport& tick : r.ticks) {
    ASSERT_TRUE(tick.plan.has_value());
    for (const Action& a : tick.plan->actions) {
      if (a.kind == ActionKind::kPostponeTermination) ++postponed;
      if (a.kind != ActionKind::kTerminateInstance) continue;
      ++terminated;
      const auto it = std::find_if(
          tick.input.fleet.instances.begin(), tick.input.fleet.instances.end(),
          [&](const Instance& i) { return i.id == a.instance_id; });
      ASSERT_NE(it, tick.input.fleet.instances.end());
      const absl::Duration into_hour =
          (tick.time - it->launch_time) % absl::Hours(1);
      EXPECT_GE(into_hour, limit) << a.instance_id;
    }
  }
  // Some instances were held back by the limit, and every one ended.
  EXPECT_GT(postponed, 0);
  EXPECT_EQ(terminated, r.result.totals.instances_launched);
  EXPECT_EQ(r.result.totals.instances_ended_by_policy,
            r.result.totals.instances_launched);
  const TimelineRow& last = r.result.timeline.back();
  EXPECT_EQ(last.running_spot + last.booting, 0);
  // Hourly billing: each instance paid exactly its one started hour.
  EXPECT_NEAR(r.result.totals.spot_cost_usd,
              r.result.totals.instances_launched * 0.0774, 1e-9);
}

}  // namespace
}  // namespace spotburst::sim
