// Benchmark of `spotburst ceiling`'s computation: every rule of the family
// run as an idealised fleet over a scenario.
//
// BM_Ceiling
//   ComputeCeiling over examples/scenarios/compare-2021-four-weeks.yaml (28
//   days, one decision a minute: 40,320 steps) in the units of
//   examples/policies/compare/target-bridge.yaml, the traces parsed once
//   outside the timing. Each iteration samples the scenario, computes the
//   hindsight reference and runs the 672 rules; items_per_second is rules
//   per second.
#include <string>

#include "benchmark/benchmark.h"
#include "spotburst/policy.h"
#include "spotburst/sim/ceiling.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"

namespace spotburst::sim {
namespace {

std::string SourcePath(const std::string& relative) {
  return std::string(SPOTBURST_SOURCE_DIR) + "/" + relative;
}

void BM_Ceiling(benchmark::State& state) {
  auto scenario = LoadScenarioFile(
      SourcePath("examples/scenarios/compare-2021-four-weeks.yaml"));
  auto policy = LoadPolicyFile(
      SourcePath("examples/policies/compare/target-bridge.yaml"));
  if (!scenario.ok() || !policy.ok()) {
    state.SkipWithError("cannot load the scenario or the policy");
    return;
  }
  auto inputs = SimulationInputs::Load(*scenario);
  if (!inputs.ok()) {
    state.SkipWithError(std::string(inputs.status().message()).c_str());
    return;
  }
  size_t rules = 0;
  for (auto _ : state) {
    auto report = ComputeCeiling(*scenario, *policy, *inputs);
    if (!report.ok()) {
      state.SkipWithError(std::string(report.status().message()).c_str());
      return;
    }
    rules = report->rows.size();
    benchmark::DoNotOptimize(report->rows.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rules));
}
BENCHMARK(BM_Ceiling)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace spotburst::sim

BENCHMARK_MAIN();
