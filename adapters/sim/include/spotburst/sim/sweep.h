// A sweep: one base policy run over a scenario with every combination of a
// grid of settings, to tune the policy on one's own traces. The grid file
// (YAML) names the base policy and, for each policy field path, the values
// to try:
//
//   policy: ../policies/compare/target-current-plus.yaml   # or a mapping
//   settings:
//     scaling.burst_point: [0.6, 0.7, 0.8]
//     bidding.strategy: [mean, on-demand]
//
// LoadSweepGridFile checks every setting and every combination up front; the
// caller runs the policies (see RunSimulation) and turns the results into a
// SweepReport: cost against demand served, with the Pareto front marked, as
// a table, CSV or an SVG chart.
//
//   SPOTBURST_ASSIGN_OR_RETURN(SweepGrid grid, LoadSweepGridFile(path));
//   ... one SimulationResult per grid.runs[i], in that order ...
//   SweepReport report = MakeSweepReport(grid, results);
//   std::cout << FormatSweepTable(report, SweepOrder::kGrid);
#ifndef SPOTBURST_SIM_SWEEP_H_
#define SPOTBURST_SIM_SWEEP_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/policy.h"
#include "spotburst/sim/result.h"

namespace spotburst::sim {

// More combinations than this are refused: a grid that big is a typo, and
// would run for hours.
inline constexpr size_t kMaxSweepRuns = 10000;

struct SweepSetting {
  std::string field;  // a policy field path, "scaling.burst_point"
  std::vector<std::string> values;  // as the grid writes them
};

// One combination: values[i] is the value of settings[i], and the policy is
// the base policy with those values set, validated like any policy.
struct SweepRun {
  std::vector<std::string> values;
  Policy policy;
};

struct SweepGrid {
  std::string name;         // the grid's `name`, or its file's stem
  std::string base_policy;  // the base policy's name
  std::vector<SweepSetting> settings;
  // The cartesian product of the settings' values, the last setting varying
  // fastest (as nested loops in the grid's order).
  std::vector<SweepRun> runs;
};

// Errors are InvalidArgument "<source>:<line>: <key>: <what>": an unknown
// field path, a value of the wrong type or out of range, an empty list,
// more than kMaxSweepRuns combinations, and a combination that makes an
// invalid policy (naming its values). A base policy file is resolved
// against `base_dir`.
absl::StatusOr<SweepGrid> ParseSweepGrid(std::string_view text,
                                         std::string_view source,
                                         const std::string& base_dir);
absl::StatusOr<SweepGrid> LoadSweepGridFile(const std::string& path);

// Every tuple of indices into lists of these sizes, the last index varying
// fastest; none when a size is 0, one empty tuple for no sizes.
std::vector<std::vector<size_t>> CartesianProduct(
    const std::vector<size_t>& sizes);

struct SweepPoint {
  double cost_usd = 0;
  double served_share = 0;
};

// Whether each point is on the Pareto front of cost against demand served:
// no other point costs less or the same and serves as much or more, with at
// least one of the two strictly better. Equal points are all on it.
std::vector<bool> ParetoFront(const std::vector<SweepPoint>& points);

struct SweepRow {
  std::vector<std::string> values;  // of SweepReport::fields
  double cost_usd = 0;
  double reference_usd = 0;  // the hindsight reference (compare's)
  double served_share = 0;
  int interruptions = 0;
  bool on_front = false;
  // The run's cost and interruptions by market (SimulationTotals::markets).
  std::vector<MarketTotals> markets;
};

struct SweepReport {
  std::string grid_name;
  std::string base_policy;
  std::string scenario_name;
  absl::Time start;
  absl::Time end;
  std::vector<std::string> fields;
  std::vector<SweepRow> rows;  // in the grid's order
  // The idealised fleets' Pareto front for the runs' units and yardstick
  // (spotburst/sim/ceiling.h), cheapest first; empty when not computed.
  std::vector<SweepPoint> ceiling;
};

// `results[i]` is the run of `grid.runs[i]`.
SweepReport MakeSweepReport(const SweepGrid& grid,
                            const std::vector<SimulationResult>& results);

enum class SweepOrder { kGrid, kCost };

// One row per combination: its values, cost (USD), cost over the yardstick
// (the hindsight reference), demand served (%), interruptions; rows on the
// Pareto front marked "*". kCost: cheapest first, ties in grid order.
std::string FormatSweepTable(const SweepReport& report, SweepOrder order);
std::string FormatSweepCsv(const SweepReport& report, SweepOrder order);

// Cost against demand served, one dot per run, the Pareto front joined and
// numbered, the yardstick as a dashed line, the ceiling (when the report
// has one) as a dotted one, and a legend giving the settings of each point
// of the front.
absl::Status WriteSweepChartSvg(const SweepReport& report,
                                const std::string& path);

}  // namespace spotburst::sim

#endif  // SPOTBURST_SIM_SWEEP_H_
