// Benchmarks of the simulator: the real Controller and Engine ticking over
// the simulated cloud and cluster, one tick per simulated minute.
//
// BM_SimulateYear/timeline:T
//   RunSimulation over 365 days of one-minute evaluations (525,600 ticks)
//   with examples/policies/on-demand-fallback.yaml (target scaling with
//   cooldowns, per-second billing, on-demand fallback, cost ceiling). The
//   shipped traces are shorter than a year, so the setup tiles them, outside
//   the timing: the us-east-1b rows of
//   data/spot_us-east-1_2021-03_2021-05_c4.large.csv repeated every 90 days,
//   and data/workload_bitbrains-rnd_2013-07.csv (30 days of 5-minute
//   samples) repeated every 30 days at 0.4 scale, so the cluster bursts by
//   a few instances most days. Capacity regime, 0.002 interruptions per
//   instance-hour. The traces are parsed once (SimulationInputs), outside
//   the timing. T = 0: totals only (the headline figure); T = 1: one
//   timeline row per tick as well. items_per_second is simulated ticks per
//   second; `s_per_sim_year` the wall time of one simulated year.
// BM_SimulateDay
//   The first simulated day of the same scenario (1,440 ticks), timed over
//   many iterations: per-tick cost without the year's memory traffic.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "spotburst/policy.h"
#include "spotburst/price_trace.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"

namespace spotburst::sim {
namespace {

constexpr char kZone[] = "us-east-1b";
constexpr int kYearDays = 365;

std::string SourcePath(const std::string& relative) {
  return std::string(SPOTBURST_SOURCE_DIR) + "/" + relative;
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// Writes the tiled traces and a scenario over them; returns the scenario.
Scenario MakeYearScenario() {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "spotburst_sim_bench";
  std::filesystem::create_directories(dir);

  // Prices: the zone's points, repeated every 90 days.
  auto histories = ReadPriceTraceCsv(
      SourcePath("data/spot_us-east-1_2021-03_2021-05_c4.large.csv"));
  if (!histories.ok()) std::abort();
  const PriceHistory* zone = nullptr;
  for (const PriceHistory& h : *histories) {
    if (h.market.availability_zone == kZone) zone = &h;
  }
  if (zone == nullptr) std::abort();
  const absl::Time first = zone->points.front().time;
  const absl::Duration price_period = absl::Hours(24 * 90);
  std::ofstream prices(dir / "prices.csv");
  prices << "timestamp,region,availability_zone,instance_type,product,"
            "price_usd_per_hour\n";
  for (int k = 0; k * 90 < kYearDays + 2 * 90; ++k) {
    for (const PricePoint& p : zone->points) {
      const absl::Time t = p.time + k * price_period;
      if (t - first >= (k + 1) * price_period) break;
      prices << Rfc3339(t) << ",us-east-1," << kZone << ",c4.large,Linux/UNIX,"
             << p.usd_per_hour << "\n";
    }
  }
  prices.close();

  // Workload: July 2013 repeated every 30 days.
  std::ifstream in(SourcePath("data/workload_bitbrains-rnd_2013-07.csv"));
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::pair<absl::Time, std::string>> rows;
  while (std::getline(in, line)) {
    const size_t comma = line.find(',');
    absl::Time t;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, line.substr(0, comma), &t, &err))
      std::abort();
    // Only the two columns the simulator reads.
    const size_t third = line.find(',', line.find(',', comma + 1) + 1);
    rows.emplace_back(t, line.substr(comma, third - comma));
  }
  std::ofstream workload(dir / "workload.csv");
  workload << "timestamp,cpus_used,mem_gib_used\n";
  const absl::Duration workload_period = absl::Hours(24 * 30);
  for (int k = 0; k * 30 < kYearDays + 30; ++k) {
    for (const auto& [t, values] : rows) {
      workload << Rfc3339(t + k * workload_period) << values << "\n";
    }
  }
  workload.close();

  const absl::Time start =
      absl::FromCivil(absl::CivilDay(2021, 3, 3), absl::UTCTimeZone());
  const std::string yaml =
      absl::StrFormat(R"(
name: year-of-minutes
start: "%s"
duration_s: %d
seed: 7
market:
  price_trace: prices.csv
  availability_zone: %s
  regime: capacity
  interruption_rate_per_hour: 0.002
demand:
  workload_trace: workload.csv
  workload_scale: 0.4
)",
                      Rfc3339(start), kYearDays * 86400, kZone);
  auto scenario = ParseScenario(yaml, "year.yaml", dir.string());
  if (!scenario.ok()) std::abort();
  return *scenario;
}

struct Fixture {
  Scenario scenario;
  Policy policy;
  std::shared_ptr<const SimulationInputs> inputs;
};

const Fixture& GetFixture() {
  static const Fixture* const fixture = [] {
    auto* f = new Fixture{.scenario = MakeYearScenario()};
    auto policy =
        LoadPolicyFile(SourcePath("examples/policies/on-demand-fallback.yaml"));
    if (!policy.ok()) std::abort();
    f->policy = *policy;
    auto inputs = SimulationInputs::Load(f->scenario);
    if (!inputs.ok()) std::abort();
    f->inputs = *inputs;
    // The traces now live in memory; the tiled files are not needed.
    std::filesystem::remove_all(
        std::filesystem::path(f->scenario.markets[0].price_trace)
            .parent_path());
    return f;
  }();
  return *fixture;
}

void BM_SimulateYear(benchmark::State& state) {
  const Fixture& f = GetFixture();
  const SimulationOptions options{.keep_timeline = state.range(0) != 0};
  int64_t ticks = 0;
  for (auto _ : state) {
    auto result = RunSimulation(f.scenario, f.policy, options, f.inputs);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    ticks += absl::ToInt64Minutes(f.scenario.duration);
    benchmark::DoNotOptimize(result->totals);
    state.counters["cost_usd"] = result->totals.total_cost_usd();
    state.counters["served_share"] = result->totals.served_share;
    state.counters["failed_ticks"] = result->totals.failed_ticks;
  }
  state.SetItemsProcessed(ticks);
  state.counters["s_per_sim_year"] = benchmark::Counter(
      static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SimulateYear)
    ->ArgName("timeline")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

void BM_SimulateDay(benchmark::State& state) {
  const Fixture& f = GetFixture();
  Scenario day = f.scenario;
  day.duration = absl::Hours(24);
  const SimulationOptions options{.keep_timeline = false};
  for (auto _ : state) {
    auto result = RunSimulation(day, f.policy, options, f.inputs);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(result->totals);
  }
  state.SetItemsProcessed(state.iterations() * 1440);
}
BENCHMARK(BM_SimulateDay)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace spotburst::sim

BENCHMARK_MAIN();
