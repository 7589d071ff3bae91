// `spotburst sweep`: runs a base policy with every combination of a grid of
// settings over a scenario, on compare's thread pool, and prints one row per
// combination (text or CSV) with the Pareto front of cost against demand
// served marked; --chart draws them, with the ceiling of idealised fleets.
#include <algorithm>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/policy_runs.h"
#include "spotburst/sim/ceiling.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/sweep.h"

namespace spotburst::cli {
namespace {

struct SweepOptions {
  std::string scenario;
  std::string grid;
  bool csv = false;
  sim::SweepOrder order = sim::SweepOrder::kGrid;
  std::string chart;
  int threads = 1;
  bool progress = false;
};

// The flags, checked; InvalidArgument is a usage error.
absl::StatusOr<SweepOptions> ReadOptions(const std::vector<std::string>& args) {
  SweepOptions options;
  options.scenario = absl::GetFlag(FLAGS_scenario);
  options.grid = absl::GetFlag(FLAGS_grid);
  if (options.scenario.empty() || options.grid.empty()) {
    return absl::InvalidArgumentError(
        "--scenario and --grid are required (spotburst sweep --scenario FILE "
        "--grid FILE)");
  }
  if (!args.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "unexpected argument \"%s\": the policies come from the grid",
        args[0].substr(0, 40)));
  }
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format != "" && format != "text" && format != "csv") {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--format must be text or csv, not \"%s\"", format.substr(0, 40)));
  }
  options.csv = format == "csv";
  const std::string sort = absl::GetFlag(FLAGS_sort);
  if (sort != "grid" && sort != "cost") {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--sort must be grid or cost, not \"%s\"", sort.substr(0, 40)));
  }
  options.order =
      sort == "cost" ? sim::SweepOrder::kCost : sim::SweepOrder::kGrid;
  options.chart = absl::GetFlag(FLAGS_chart);
  absl::StatusOr<int> threads = ThreadsWanted();
  if (!threads.ok()) return threads.status();
  options.threads = *threads;
  absl::StatusOr<bool> progress = ProgressWanted();
  if (!progress.ok()) return progress.status();
  options.progress = *progress;
  return options;
}

// The chart's ceiling: the idealised fleets' front in the runs' units,
// when every run has the same yardstick (the grid varies no setting that
// defines the units).
absl::Status AddCeiling(const sim::Scenario& scenario,
                        const std::vector<sim::SweepRun>& runs,
                        sim::SweepReport& report) {
  if (runs.empty()) return absl::OkStatus();
  absl::StatusOr<sim::CeilingReport> ceiling =
      sim::ComputeCeiling(scenario, runs.front().policy);
  if (!ceiling.ok()) return ceiling.status();
  for (const sim::SweepRow& row : report.rows) {
    if (row.reference_usd != ceiling->reference_usd) return absl::OkStatus();
  }
  for (const sim::CeilingRow& row : ceiling->rows) {
    if (row.on_front)
      report.ceiling.push_back({row.cost_usd, row.served_share});
  }
  std::sort(report.ceiling.begin(), report.ceiling.end(),
            [](const sim::SweepPoint& a, const sim::SweepPoint& b) {
              return a.cost_usd < b.cost_usd;
            });
  return absl::OkStatus();
}

absl::StatusOr<sim::SweepReport> Sweep(const SweepOptions& options) {
  absl::StatusOr<sim::Scenario> scenario =
      sim::LoadScenarioFile(options.scenario);
  if (!scenario.ok()) return scenario.status();
  absl::StatusOr<sim::SweepGrid> grid = sim::LoadSweepGridFile(options.grid);
  if (!grid.ok()) return grid.status();
  PolicyRuns runs{.scenario = *std::move(scenario),
                  .progress = options.progress};
  runs.policies.reserve(grid->runs.size());
  for (const sim::SweepRun& run : grid->runs) {
    runs.policies.push_back(run.policy);
  }
  std::vector<sim::SimulationResult> results;
  results.reserve(grid->runs.size());
  absl::Status status = RunAll(runs, /*keep_timeline=*/false, options.threads,
                               [&results](sim::SimulationResult result) {
                                 results.push_back(std::move(result));
                                 return absl::OkStatus();
                               });
  if (!status.ok()) return status;
  sim::SweepReport report = sim::MakeSweepReport(*grid, results);
  if (!options.chart.empty()) {
    absl::Status ceiling = AddCeiling(runs.scenario, grid->runs, report);
    if (!ceiling.ok()) return ceiling;
  }
  return report;
}

}  // namespace

int RunSweep(const std::vector<std::string>& args) {
  absl::StatusOr<SweepOptions> options = ReadOptions(args);
  if (!options.ok()) {
    std::cerr << "spotburst sweep: " << options.status().message() << "\n";
    return 2;
  }
  absl::StatusOr<sim::SweepReport> report = Sweep(*options);
  if (report.ok() && !options->chart.empty()) {
    if (absl::Status s = sim::WriteSweepChartSvg(*report, options->chart);
        !s.ok()) {
      report = s;
    }
  }
  if (!report.ok()) {
    std::cerr << "spotburst sweep: " << report.status().message() << "\n";
    return 1;
  }
  if (options->csv) {
    std::cout << sim::FormatSweepCsv(*report, options->order);
    return 0;
  }
  std::cout << sim::FormatSweepTable(*report, options->order);
  if (!options->chart.empty()) std::cout << "chart: " << options->chart << "\n";
  return 0;
}

}  // namespace spotburst::cli
