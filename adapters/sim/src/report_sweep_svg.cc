// WriteSweepChartSvg: a sweep's runs as cost against demand served, one dot
// each, the Pareto front joined and numbered from left to right, the
// yardstick as a dashed line, the ceiling of idealised fleets as a dotted
// one, and under the chart the settings of each point of the front. Drawn
// on the simulation chart's canvas.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "report_svg_canvas.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/sim/sweep.h"

namespace spotburst::sim {
namespace {

using internal::Glyph;
using internal::MakePanel;
using internal::NiceStep;
using internal::Panel;
using internal::Sample;
using internal::Style;
using internal::SvgChart;

constexpr char kRunColor[] = "#1f77b4";
constexpr char kFrontColor[] = "#d62728";
constexpr char kYardstickColor[] = "#555555";
constexpr char kCeilingColor[] = "#2ca02c";
// Front points whose settings are listed under the chart (the room there);
// the table has them all.
constexpr size_t kListed = 11;
constexpr size_t kShownValueChars = 40;
// Room a point's number takes at 11 px (two digits), px.
constexpr double kLabelWidth = 14;
constexpr double kLabelHeight = 11;

// The served percentages of the runs, widened to round ticks, within
// [0, 100].
std::pair<double, double> ServedRange(const SweepReport& report) {
  double lo = 100, hi = 0;
  for (const SweepRow& row : report.rows) {
    lo = std::min(lo, 100 * row.served_share);
    hi = std::max(hi, 100 * row.served_share);
  }
  if (report.rows.empty()) return {0, 100};
  if (hi - lo < 1) lo = hi - 1;  // one point's worth of room
  const double step = NiceStep(hi - lo, 8, false);
  return {std::max(0.0, std::floor(lo / step) * step),
          std::min(100.0, std::ceil(hi / step) * step)};
}

std::string Settings(const SweepReport& report, const SweepRow& row) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < report.fields.size(); ++i) {
    std::string value = row.values[i];
    if (value.size() > kShownValueChars) {
      value = value.substr(0, kShownValueChars - 3) + "...";
    }
    parts.push_back(absl::StrFormat("%s=%s", report.fields[i], value));
  }
  return absl::StrJoin(parts, ", ");
}

// The front's rows from left to right: most served last, cheapest first
// among equals.
std::vector<size_t> FrontRows(const SweepReport& report) {
  std::vector<size_t> front;
  for (size_t i = 0; i < report.rows.size(); ++i) {
    if (report.rows[i].on_front) front.push_back(i);
  }
  std::stable_sort(front.begin(), front.end(), [&report](size_t a, size_t b) {
    const SweepRow& x = report.rows[a];
    const SweepRow& y = report.rows[b];
    if (x.served_share != y.served_share) {
      return x.served_share < y.served_share;
    }
    return x.cost_usd < y.cost_usd;
  });
  return front;
}

}  // namespace

absl::Status WriteSweepChartSvg(const SweepReport& report,
                                const std::string& path) {
  const auto [lo, hi] = ServedRange(report);
  // Two panels' height: the second's room lists the front's settings.
  SvgChart chart(lo, hi, 2);
  const double yardstick =
      report.rows.empty() ? 0 : report.rows[0].reference_usd;
  const bool one_yardstick =
      yardstick > 0 && std::all_of(report.rows.begin(), report.rows.end(),
                                   [yardstick](const SweepRow& row) {
                                     return row.reference_usd == yardstick;
                                   });
  double max_cost = one_yardstick ? yardstick : 0;
  for (const SweepRow& row : report.rows) {
    max_cost = std::max(max_cost, row.cost_usd);
  }
  const std::vector<size_t> front = FrontRows(report);
  chart.Header(
      absl::StrFormat("Sweep \"%s\" of %s — cost against demand served",
                      report.grid_name, report.base_policy),
      absl::StrFormat(
          "scenario \"%s\"  ·  %d runs  ·  %d on the Pareto "
          "front (no run both as cheap and serving as much)%s",
          report.scenario_name, report.rows.size(), front.size(),
          one_yardstick ? absl::StrFormat("  ·  yardstick %.2f USD", yardstick)
                        : ""));
  const Panel p = MakePanel(0, max_cost, false);
  chart.BeginPanel(p, "cost of each run", "cost (USD)", "");
  const std::string runs_name = absl::StrFormat("run (%d)", report.rows.size());
  const std::string front_name =
      absl::StrFormat("Pareto front (%d)", front.size());
  const std::string yardstick_name =
      absl::StrFormat("yardstick %.2f USD", yardstick);
  const Style runs{runs_name.c_str(), kRunColor, 3, "", Glyph::kDot};
  const Style front_line{front_name.c_str(), kFrontColor, 1.6};
  const Style yardstick_line{yardstick_name.c_str(), kYardstickColor, 1.2,
                             "6 3"};
  std::vector<Style> legend = {runs, front_line};
  if (one_yardstick) {
    chart.Polyline(p, {{lo, yardstick}, {hi, yardstick}}, yardstick_line);
    legend.push_back(yardstick_line);
  }
  // The ceiling where it falls within the runs' ranges, left to right.
  std::vector<Sample> ceiling;
  for (const SweepPoint& point : report.ceiling) {
    const double served = 100 * point.served_share;
    if (served >= lo && served <= hi && point.cost_usd <= max_cost) {
      ceiling.push_back({served, point.cost_usd});
    }
  }
  std::sort(ceiling.begin(), ceiling.end(),
            [](const Sample& a, const Sample& b) { return a.t < b.t; });
  const std::string ceiling_name =
      absl::StrFormat("ceiling: idealised rules (%d)", ceiling.size());
  const Style ceiling_line{ceiling_name.c_str(), kCeilingColor, 1.4, "2 3"};
  if (one_yardstick && !ceiling.empty()) {
    chart.Polyline(p, ceiling, ceiling_line);
    legend.push_back(ceiling_line);
  }
  for (const SweepRow& row : report.rows) {
    if (!row.on_front) {
      chart.Dot(p, 100 * row.served_share, row.cost_usd, 3, kRunColor, "run");
    }
  }
  std::vector<Sample> joined;
  for (size_t i : front) {
    joined.push_back(
        {100 * report.rows[i].served_share, report.rows[i].cost_usd});
  }
  chart.Polyline(p, joined, front_line);
  double label_x = -1e9, label_y = -1e9;  // the last number drawn
  for (size_t k = 0; k < front.size(); ++k) {
    const SweepRow& row = report.rows[front[k]];
    chart.Dot(p, 100 * row.served_share, row.cost_usd, 4.5, kFrontColor,
              "run front");
    // Numbers that would overlap the last one are left out; the list
    // under the chart has them all.
    const double x = chart.X(100 * row.served_share) + 6;
    const double y = p.Y(row.cost_usd) - 6;
    if (std::abs(x - label_x) < kLabelWidth &&
        std::abs(y - label_y) < kLabelHeight) {
      continue;
    }
    label_x = x;
    label_y = y;
    chart.Text(
        x, y, absl::StrFormat("%d", k + 1), 11, "start",
        absl::StrFormat(" class=\"front-label\" fill=\"%s\"", kFrontColor));
  }
  chart.EndSeries();
  chart.EndPanel(p, legend);
  chart.ValueAxis(p, "demand served (%)", "");

  const Panel below = MakePanel(1, 1, false);
  double y = below.top + 14;
  chart.Text(chart.X(lo), y,
             "The Pareto front, left to right: the cheapest runs for the "
             "demand they serve",
             13, "start", " font-weight=\"600\"");
  for (size_t k = 0; k < front.size() && k < kListed; ++k) {
    const SweepRow& row = report.rows[front[k]];
    y += 19;
    chart.Text(chart.X(lo), y,
               absl::StrFormat("%d.  %s  —  %.2f USD, %.2f %% served", k + 1,
                               Settings(report, row), row.cost_usd,
                               100 * row.served_share),
               12, "start", " class=\"front-settings\"");
  }
  if (front.size() > kListed) {
    chart.Text(chart.X(lo), y + 19,
               absl::StrFormat("... and %d more on the front (the table "
                               "lists them all)",
                               front.size() - kListed),
               12, "start", " fill=\"#555\"");
  }
  return spotburst::internal::WriteStringToFile(path, chart.Finish(),
                                                "sweep chart");
}

}  // namespace spotburst::sim
