// Tests of DemandCurve: workload and phase steps, base, cursor.
#include "demand_curve.h"

#include <vector>

#include "gtest/gtest.h"

namespace spotburst::sim::internal {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1609459200);  // 2021-01-01

TEST(DemandCurve, WorkloadIsReplayedFromItsFirstRowAtTheStart) {
  const absl::Time trace_start = absl::FromUnixSeconds(1372629600);
  const std::vector<WorkloadSample> samples = {
      {trace_start, 10, 2}, {trace_start + absl::Minutes(5), 20, 4}};
  DemandCurve demand = DemandCurve::FromWorkload(samples, /*scale=*/0.5,
                                                 /*base=*/{.cpus = 1}, kStart);
  EXPECT_EQ(demand.At(kStart - absl::Seconds(1)), (Resources{.cpus = 1}));
  // cpus x scale + base; memory GiB -> MiB x scale.
  EXPECT_EQ(demand.At(kStart), (Resources{.cpus = 6, .mem_mib = 1024}));
  EXPECT_EQ(demand.At(kStart + absl::Minutes(4)),
            (Resources{.cpus = 6, .mem_mib = 1024}));
  EXPECT_EQ(demand.At(kStart + absl::Minutes(5)),
            (Resources{.cpus = 11, .mem_mib = 2048}));
  // The last step holds.
  EXPECT_EQ(demand.At(kStart + absl::Hours(9)),
            (Resources{.cpus = 11, .mem_mib = 2048}));
}

TEST(DemandCurve, WorkloadAfterTheEndIsLeftOut) {
  const absl::Time t0 = absl::FromUnixSeconds(0);
  std::vector<WorkloadSample> samples;
  for (int i = 0; i < 100; ++i)
    samples.push_back({t0 + absl::Minutes(i), 1, 1});
  DemandCurve demand = DemandCurve::FromWorkload(samples, 1, {}, kStart,
                                                 kStart + absl::Minutes(10));
  EXPECT_EQ(demand.steps().size(), 11u);
}

TEST(DemandCurve, PhasesAreTasksTimesPerTaskPlusBase) {
  const std::vector<DemandPhase> phases = {
      {.at = absl::Minutes(0), .tasks = 100, .per_task = {.cpus = 1}},
      {.at = absl::Minutes(30), .tasks = 0, .per_task = {.cpus = 1}}};
  DemandCurve demand =
      DemandCurve::FromPhases(phases, {.mem_mib = 512}, kStart);
  EXPECT_EQ(demand.At(kStart + absl::Minutes(29)),
            (Resources{.cpus = 100, .mem_mib = 512}));
  EXPECT_EQ(demand.At(kStart + absl::Minutes(30)), (Resources{.mem_mib = 512}));
}

TEST(DemandCurve, AnswersTimesGoingBackwardsToo) {
  std::vector<DemandPhase> phases;
  for (int i = 0; i < 50; ++i) {
    phases.push_back(
        {.at = absl::Minutes(i), .tasks = double(i), .per_task = {.cpus = 1}});
  }
  DemandCurve demand = DemandCurve::FromPhases(phases, {}, kStart);
  EXPECT_EQ(demand.At(kStart + absl::Minutes(40)).cpus, 40);
  EXPECT_EQ(demand.At(kStart + absl::Seconds(90)).cpus, 1);
  EXPECT_EQ(demand.At(kStart + absl::Minutes(41)).cpus, 41);
  EXPECT_EQ(demand.At(kStart - absl::Minutes(1)).cpus, 0);
  EXPECT_EQ(demand.At(kStart + absl::Minutes(3)).cpus, 3);
}

TEST(DemandCurve, NoPhasesIsTheBaseAlone) {
  DemandCurve demand = DemandCurve::FromPhases({}, {.cpus = 3}, kStart);
  EXPECT_EQ(demand.At(kStart + absl::Hours(1)), (Resources{.cpus = 3}));
}

}  // namespace
}  // namespace spotburst::sim::internal
