// Reports of simulation runs: a summary table for the terminal, a CSV
// timeline, a CSV instance ledger, an SVG chart, and the comparison table
// of compare mode.
//
//   std::cout << FormatSummary(result);
//   SPOTBURST_RETURN_IF_ERROR(WriteTimelineCsv(result, "out/timeline.csv"));
//   SPOTBURST_RETURN_IF_ERROR(WriteInstancesCsv(result, "out/instances.csv"));
//   SPOTBURST_RETURN_IF_ERROR(WriteChartSvg(result, "out/chart.svg"));
#ifndef SPOTBURST_SIM_REPORT_H_
#define SPOTBURST_SIM_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "spotburst/sim/result.h"

namespace spotburst::sim {

std::string FormatSummary(const SimulationResult& result);

absl::Status WriteTimelineCsv(const SimulationResult& result,
                              const std::string& path);

// The instance ledger: one row per instance launched, with its lifecycle,
// market, bid or on-demand price, times (requested, launched, joined,
// interruption notice, ended), why it ended, and the time billed and its
// cost. The cost column sums to the run's total.
absl::Status WriteInstancesCsv(const SimulationResult& result,
                               const std::string& path);

// Three panels sharing the time axis: market price and bid; desired,
// open-request, booting and running instances; usage against the burst
// point. Long timelines are reduced to keep each extreme.
absl::Status WriteChartSvg(const SimulationResult& result,
                           const std::string& path);

// One row per result: cost (spot, on-demand, total), the hindsight
// reference and regret, unmet demand, share served, interruptions; the
// cheapest policy whose served share is at least `service_level` is marked.
// Footnotes name the winner and the service level, rows with identical
// results, rows below the reference and why, and billing mismatches.
std::string FormatComparison(const std::vector<SimulationResult>& results,
                             double service_level);

}  // namespace spotburst::sim

#endif  // SPOTBURST_SIM_REPORT_H_
