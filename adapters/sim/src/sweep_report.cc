// A sweep's results: the Pareto front of cost against demand served, and
// the report's rows built from the grid and its runs.
#include <algorithm>
#include <cstddef>
#include <numeric>
#include <vector>

#include "spotburst/sim/sweep.h"

namespace spotburst::sim {

std::vector<bool> ParetoFront(const std::vector<SweepPoint>& points) {
  // Cheapest first; each cost's group is on the front where it serves its
  // group's most and more than everything strictly cheaper.
  std::vector<size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&points](size_t a, size_t b) {
    return points[a].cost_usd < points[b].cost_usd;
  });
  std::vector<bool> on_front(points.size(), false);
  bool any_cheaper = false;
  double best_cheaper = 0;  // the most served by a strictly cheaper point
  for (size_t from = 0; from < order.size();) {
    const double cost = points[order[from]].cost_usd;
    size_t to = from;
    double best = points[order[from]].served_share;
    for (; to < order.size() && points[order[to]].cost_usd == cost; ++to) {
      best = std::max(best, points[order[to]].served_share);
    }
    if (!any_cheaper || best > best_cheaper) {
      for (size_t i = from; i < to; ++i) {
        on_front[order[i]] = points[order[i]].served_share == best;
      }
    }
    best_cheaper = any_cheaper ? std::max(best_cheaper, best) : best;
    any_cheaper = true;
    from = to;
  }
  return on_front;
}

SweepReport MakeSweepReport(const SweepGrid& grid,
                            const std::vector<SimulationResult>& results) {
  SweepReport report;
  report.grid_name = grid.name;
  report.base_policy = grid.base_policy;
  for (const SweepSetting& setting : grid.settings) {
    report.fields.push_back(setting.field);
  }
  if (!results.empty()) {
    report.scenario_name = results[0].scenario_name;
    report.start = results[0].start;
    report.end = results[0].end;
  }
  std::vector<SweepPoint> points;
  const size_t n = std::min(grid.runs.size(), results.size());
  for (size_t i = 0; i < n; ++i) {
    const SimulationTotals& t = results[i].totals;
    report.rows.push_back({.values = grid.runs[i].values,
                           .cost_usd = t.total_cost_usd(),
                           .reference_usd = t.hindsight_reference_usd,
                           .served_share = t.served_share,
                           .interruptions = t.interruptions,
                           .markets = t.markets});
    points.push_back({t.total_cost_usd(), t.served_share});
  }
  const std::vector<bool> on_front = ParetoFront(points);
  for (size_t i = 0; i < n; ++i) report.rows[i].on_front = on_front[i];
  return report;
}

}  // namespace spotburst::sim
