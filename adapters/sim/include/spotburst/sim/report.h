// Reports of simulation runs: a summary table for the terminal, a CSV
// timeline, an SVG chart, and the comparison table of compare mode.
//
//   std::cout << FormatSummary(result);
//   SPOTBURST_RETURN_IF_ERROR(WriteTimelineCsv(result, "out/timeline.csv"));
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

// Three panels sharing the time axis: market price and bid; desired,
// open-request, booting and running instances; usage against the burst
// point. Long timelines are reduced to keep each extreme.
absl::Status WriteChartSvg(const SimulationResult& result,
                           const std::string& path);

// One row per result: cost (spot, on-demand, total), hindsight bound and
// regret, unmet demand, share served, interruptions; the cheapest policy
// whose served share is at least `service_level` is marked.
std::string FormatComparison(const std::vector<SimulationResult>& results,
                             double service_level);

}  // namespace spotburst::sim

#endif  // SPOTBURST_SIM_REPORT_H_
