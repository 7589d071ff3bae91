// Interruptions used, not suffered: with notice polling the replacement of
// an interrupted instance is requested at the notice (the first poll after
// it), not at the next tick, whatever the scale-up cooldown; the policy never
// ends an instance under notice, and under hourly billing the provider's end
// bills no part of the interrupted hour.
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/policy.h"
#include "spotburst/sim/simulation.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::IsOk;

const std::string kData = std::string(SPOTBURST_SOURCE_DIR) + "/data/";

// Six hours of real demand with frequent capacity interruptions, billed
// hourly.
Scenario Interrupted() {
  auto s = ParseScenario(R"(
start: "2021-04-06T00:00:00Z"
duration_s: 21600
seed: 3
market:
  price_trace: spot_us-east-1_2021-03_2021-05_c4.large.csv
  availability_zone: us-east-1b
  regime: capacity
  interruption_rate_per_hour: 1
cloud: {billing: hourly}
demand:
  workload_trace: workload_bitbrains-rnd_2013-07.csv
  workload_scale: 0.6
)",
                         "interrupted.yaml", kData);
  EXPECT_THAT(s, IsOk());
  return *s;
}

Policy TargetPolicy(absl::Duration poll) {
  auto p =
      LoadPolicyFile(std::string(SPOTBURST_SOURCE_DIR) +
                     "/examples/policies/compare/target-current-plus.yaml");
  EXPECT_THAT(p, IsOk());
  p->notice_poll_interval = poll;
  return *p;
}

struct Evaluated {
  absl::Time time;
  int spot_requested = 0;
  // Units replaced although a scale-up cooldown held growth.
  int replaced_in_cooldown = 0;
};

// Every evaluation's time and the spot instances it requested.
std::vector<Evaluated> Simulate(const Policy& policy,
                                SimulationResult* result) {
  std::vector<Evaluated> out;
  auto r = RunSimulation(Interrupted(), policy,
                         {.on_tick = [&](const TickReport& report) {
                           Evaluated e{.time = report.time};
                           if (report.plan) {
                             for (const Action& a : report.plan->actions) {
                               if (a.kind == ActionKind::kRequestSpot) {
                                 e.spot_requested += a.count;
                               }
                             }
                             for (const Reason& note : report.plan->notes) {
                               if (note.code != ReasonCode::kCooldown) continue;
                               for (const Figure& f : note.figures) {
                                 if (f.name.view() == "replacing_notices") {
                                   e.replaced_in_cooldown += f.value;
                                 }
                               }
                             }
                           }
                           out.push_back(e);
                         }});
  EXPECT_THAT(r, IsOk());
  *result = *std::move(r);
  return out;
}

// The evaluation in [from, to], or null.
const Evaluated* EvaluatedWithin(const std::vector<Evaluated>& evaluations,
                                 absl::Time from, absl::Time to) {
  for (const Evaluated& e : evaluations) {
    if (e.time >= from && e.time <= to) return &e;
  }
  return nullptr;
}

TEST(NoticeReplacement, TheReplacementIsRequestedAtTheNoticeNotTheNextTick) {
  SimulationResult polled, ticked;
  const std::vector<Evaluated> with_poll =
      Simulate(TargetPolicy(absl::Seconds(5)), &polled);
  const std::vector<Evaluated> without =
      Simulate(TargetPolicy(absl::ZeroDuration()), &ticked);
  int notices = 0, evaluated = 0, replaced = 0, off_grid_without = 0;
  for (const InstanceLedgerRow& row : polled.instances) {
    if (!row.notice || absl::ToUnixSeconds(*row.notice) % 60 == 0) continue;
    ++notices;
    // Notices fall between the minute ticks; the first poll after one
    // (within 5 s) evaluates, and requests a replacement when the count
    // still needs one (demand may have fallen by then).
    const Evaluated* e =
        EvaluatedWithin(with_poll, *row.notice, *row.notice + absl::Seconds(5));
    evaluated += e != nullptr;
    replaced += e != nullptr && e->spot_requested > 0;
  }
  for (const Evaluated& e : without) {
    off_grid_without += absl::ToUnixSeconds(e.time) % 60 != 0;
  }
  ASSERT_GT(notices, 3);
  EXPECT_EQ(evaluated, notices);
  EXPECT_GT(replaced, notices / 2) << replaced << " of " << notices;
  // Without polling, every evaluation is on the minute grid.
  EXPECT_EQ(off_grid_without, 0);
  // Polls that found nothing made no evaluation: the extra ones are few.
  EXPECT_LE(with_poll.size(), without.size() + notices);
  EXPECT_EQ(polled.totals.failed_ticks, 0) << polled.totals.first_error;
}

TEST(NoticeReplacement, AScaleUpCooldownHoldsGrowthNotTheReplacement) {
  // An hour's cooldown: most notices come within an hour of a scale-up (a
  // replacement before them, at least).
  Policy policy = TargetPolicy(absl::Seconds(5));
  policy.scaling.scale_up_cooldown = absl::Hours(1);
  SimulationResult result;
  const std::vector<Evaluated> evaluations = Simulate(policy, &result);
  int notices = 0, replaced = 0, replaced_in_cooldown = 0;
  for (const InstanceLedgerRow& row : result.instances) {
    if (!row.notice || absl::ToUnixSeconds(*row.notice) % 60 == 0) continue;
    ++notices;
    const Evaluated* e = EvaluatedWithin(evaluations, *row.notice,
                                         *row.notice + absl::Seconds(5));
    if (e == nullptr || e->spot_requested == 0) continue;
    ++replaced;
    replaced_in_cooldown += e->replaced_in_cooldown > 0;
  }
  ASSERT_GT(notices, 3);
  EXPECT_GT(replaced, notices / 2) << replaced << " of " << notices;
  EXPECT_GT(replaced_in_cooldown, replaced / 2)
      << replaced_in_cooldown << " of " << replaced;
  EXPECT_EQ(result.totals.failed_ticks, 0) << result.totals.first_error;
}

TEST(NoticeReplacement, NoInterruptedHourIsBilledAndThePolicyEndsNone) {
  SimulationResult result;
  Simulate(TargetPolicy(absl::Seconds(5)), &result);
  int interrupted = 0;
  for (const InstanceLedgerRow& row : result.instances) {
    if (!row.notice) continue;
    // Under notice, the policy never ends it: the provider does (or the
    // run ends first).
    EXPECT_NE(row.ended_by, InstanceEnd::kPolicy) << row.id;
    if (row.ended_by != InstanceEnd::kInterruption) continue;
    ++interrupted;
    // Hourly: only the whole hours before the interrupted one are billed.
    const int64_t ran_s = absl::ToInt64Seconds(row.ended - row.launched);
    EXPECT_EQ(row.billed_s, ran_s / 3600 * 3600) << row.id;
    EXPECT_LT(row.billed_s, ran_s) << row.id;
  }
  EXPECT_GT(interrupted, 3);
  EXPECT_GT(result.totals.uncharged_interrupted_hours, 0);
}

}  // namespace
}  // namespace spotburst::sim
