// The scaling strategies on worked numbers, and burst-point against a
// literal transcription of the prototype's loop over random inputs.
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/strategy_registry.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;

ScalingInput PrototypeInput(double cpus_used, int running, int pending) {
  return {.used = {.cpus = cpus_used, .mem_mib = 2048},
          .baseline = {.cpus = 40, .mem_mib = 81920, .disk_mib = 819200},
          .shape = {.cpus = 2, .mem_mib = 3840},
          .running = running,
          .pending = pending,
          .burst_point = 0.75,
          .max_instances = 10};
}

ScalingDecision Decide(std::string_view strategy, const ScalingInput& input) {
  auto factory = StrategyRegistry::Builtin().FindScaling(strategy);
  EXPECT_THAT(factory, IsOk());
  auto made = (*factory)->Create(ScalingPolicy{});
  EXPECT_THAT(made, IsOk());
  auto decision = (*made)->Decide(input);
  EXPECT_THAT(decision, IsOk());
  return *decision;
}

TEST(BurstPoint, AddsOneWhenAnyResourceReachesTheBurstPoint) {
  // 34 of 40 CPUs = 0.85 >= 0.75 with nothing burst yet.
  ScalingDecision d = Decide("burst-point", PrototypeInput(34, 0, 0));
  EXPECT_EQ(d.desired, 1);
  EXPECT_EQ(d.reason.code, ReasonCode::kScaleUp);
  EXPECT_EQ(d.reason.message(),
            "cpus 0.85 >= burst point 0.75 with 0 running + 0 pending -> +1");
}

TEST(BurstPoint, CountsPendingRequestsAsCapacity) {
  // 3 running + 1 pending: capacity 48, 36/48 = 0.75 -> still +1.
  EXPECT_EQ(Decide("burst-point", PrototypeInput(36, 3, 1)).desired, 5);
  // 35/48 = 0.73 < 0.75; one fewer: 35/46 = 0.76 -> keep all 4.
  ScalingDecision keep = Decide("burst-point", PrototypeInput(35, 3, 1));
  EXPECT_EQ(keep.desired, 4);
  EXPECT_EQ(keep.reason.code, ReasonCode::kNoChange);
}

TEST(BurstPoint, StopsAtTheMaximum) {
  ScalingDecision d = Decide("burst-point", PrototypeInput(100, 10, 0));
  EXPECT_EQ(d.desired, 10);
  EXPECT_EQ(d.reason.code, ReasonCode::kAtMaxInstances);
}

TEST(BurstPoint, JumpsDownInOneGoToTheLargestSafeRemoval) {
  // 34 CPUs with 4 instances: capacity 48 (0.71). Without 1: 46 (0.74) ok;
  // without 2: 44 (0.77) not -> remove exactly 1.
  EXPECT_EQ(Decide("burst-point", PrototypeInput(34, 4, 0)).desired, 3);
  // Idle cluster: all ten go at once.
  ScalingDecision idle = Decide("burst-point", PrototypeInput(0.1, 10, 0));
  EXPECT_EQ(idle.desired, 0);
  EXPECT_EQ(idle.reason.code, ReasonCode::kScaleDown);
}

TEST(BurstPoint, ZeroCapacityCountsAsIdleOnlyWhenNothingIsUsed) {
  ScalingInput input = PrototypeInput(0, 2, 0);
  input.baseline = {};
  input.used = {};
  EXPECT_EQ(Decide("burst-point", input).desired, 0);
  input.used.cpus = 1;  // 1/4 -> 1/2 -> 1/0 = over the threshold
  EXPECT_EQ(Decide("burst-point", input).desired, 1);
}

TEST(BurstPoint, ScalesOnEveryResourceKind) {
  ScalingInput input = PrototypeInput(1, 0, 0);
  input.used.mem_mib = 0.8 * 81920;  // memory alone crosses
  ScalingDecision d = Decide("burst-point", input);
  EXPECT_EQ(d.desired, 1);
  EXPECT_THAT(d.reason.message(), ::testing::StartsWith("mem 0.80"));
  input = PrototypeInput(1, 0, 0);
  input.baseline.gpus = 4;
  input.used.gpus = 3;  // gpus 0.75 >= 0.75
  EXPECT_EQ(Decide("burst-point", input).desired, 1);
}

// The prototype's get_scaling_decision, line by line (usage floored at 0,
// the down-count loop, the final "- 1").
int PrototypeLoop(const ScalingInput& in) {
  const int pending_active = in.running + in.pending;
  const Resources total = in.baseline + in.shape * pending_active;
  auto over = [&](double used, double cap) {
    double u = cap > 0 ? used / cap : (used > 0 ? 1e300 : 0);
    if (u < 0) u = 0;
    return u >= in.burst_point;
  };
  bool any = false;
  for (ResourceKind k : kAllResourceKinds)
    any = any || over(in.used.Get(k), total.Get(k));
  if (any) return pending_active + 1 > in.max_instances ? 0 : 1;
  if (pending_active == 0) return 0;
  int scale_down = 0;
  int slaves = pending_active;
  while (slaves >= 0) {
    bool exceeds = false;
    for (ResourceKind k : kAllResourceKinds) {
      exceeds = exceeds || over(in.used.Get(k),
                                total.Get(k) - scale_down * in.shape.Get(k));
    }
    if (!exceeds) {
      ++scale_down;
      --slaves;
      continue;
    }
    break;
  }
  scale_down -= 1;
  return scale_down > 0 ? -scale_down : 0;
}

TEST(BurstPoint, MatchesThePrototypeLoopOnRandomInputs) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> share(0, 1.3);
  std::uniform_int_distribution<int> count(0, 12);
  std::uniform_real_distribution<double> bp(0.3, 0.95);
  for (int i = 0; i < 20000; ++i) {
    ScalingInput in = PrototypeInput(0, count(rng), count(rng) / 3);
    in.max_instances = count(rng);
    in.burst_point = bp(rng);
    in.used = {.cpus = share(rng) * 50,
               .mem_mib = share(rng) * 90000,
               .disk_mib = share(rng) * 800000};
    const int delta = Decide("burst-point", in).desired - in.counted();
    ASSERT_EQ(delta, PrototypeLoop(in)) << "case " << i;
  }
}

TEST(Target, JumpsStraightToTheCountThatFitsUsedPlusQueued) {
  ScalingInput input = PrototypeInput(34, 0, 0);
  input.queued.cpus = 20;  // 54 CPUs wanted: 40 + 2k > 72 -> k = 17
  input.max_instances = 30;
  ScalingDecision d = Decide("target", input);
  EXPECT_EQ(d.desired, 17);
  EXPECT_EQ(d.reason.code, ReasonCode::kScaleUp);
}

TEST(Target, ClampsToMinimumAndMaximum) {
  ScalingInput input = PrototypeInput(34, 0, 0);
  input.queued.cpus = 20;
  EXPECT_EQ(Decide("target", input).desired, 10);  // max 10
  EXPECT_EQ(Decide("target", input).reason.code, ReasonCode::kAtMaxInstances);
  ScalingInput idle = PrototypeInput(0, 6, 0);
  idle.min_instances = 2;
  ScalingDecision d = Decide("target", idle);
  EXPECT_EQ(d.desired, 2);
  EXPECT_EQ(d.reason.code, ReasonCode::kAtMinInstances);
}

TEST(Target, ScalesDownToJustUnderTheBurstPoint) {
  // 46 CPUs used, 10 running (capacity 60): 40 + 2k > 61.33 -> k = 11 > 10;
  // with 38 used: 40 + 2k > 50.67 -> k = 6.
  EXPECT_EQ(Decide("target", PrototypeInput(38, 10, 0)).desired, 6);
}

}  // namespace
}  // namespace spotburst
