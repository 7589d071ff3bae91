// WriteChartSvg: the chart of one simulation run — three panels sharing
// the time axis: market price and bid; desired, open, booting and running
// instances (with interruptions marked); usage against the burst point.
// Spans of on-demand supply are shaded in every panel. The drawing itself
// is in report_svg_canvas.{h,cc}.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "file_util.h"
#include "report_svg_canvas.h"
#include "spotburst/sim/report.h"

namespace spotburst::sim {
namespace {

using internal::kNoValue;
using internal::MakePanel;
using internal::MaxOf;
using internal::Panel;
using internal::Sample;
using internal::Style;
using internal::SvgChart;

constexpr char kOnDemandColor[] = "#9467bd";
constexpr char kInterruptionColor[] = "#d62728";
// A price panel is scaled to the 99.5th percentile instead of the maximum
// when the maximum is more than this many times higher.
constexpr double kSpikeRatio = 3;
constexpr double kUsageAxisMaxPercent = 150;
// Markers closer than this (px) are drawn once.
constexpr double kMarkerSpacing = 4;

using RowValue = std::function<double(const TimelineRow&)>;

class ChartWriter {
 public:
  explicit ChartWriter(const SimulationResult& result)
      : result_(result), chart_(result.start, result.end, 3) {}

  std::string Draw();

 private:
  std::vector<Sample> Series(const RowValue& value) const {
    std::vector<Sample> out;
    out.reserve(result_.timeline.size());
    for (const TimelineRow& row : result_.timeline) {
      out.push_back({chart_.SinceStart(row.time), value(row)});
    }
    return out;
  }
  // Up-pointing markers at the top where `value` is above the scale (the
  // line itself is cut off there).
  void OffScaleMarkers(const Panel& p, const RowValue& value);
  void OnDemandBands(const Panel& p);
  void PricePanel();
  void InstancePanel();
  void UsagePanel();

  const SimulationResult& result_;
  SvgChart chart_;
  bool on_demand_ = false;
};

std::string ChartWriter::Draw() {
  const SimulationTotals& t = result_.totals;
  const absl::TimeZone utc = absl::UTCTimeZone();
  chart_.Header(
      absl::StrFormat("Scenario \"%s\" — policy \"%s\"", result_.scenario_name,
                      result_.policy_name),
      absl::StrFormat(
          "%s to %s UTC  ·  cost %.2f USD (hindsight bound %.2f)  ·  served "
          "%.2f %%  ·  %d interruption%s",
          absl::FormatTime("%Y-%m-%d %H:%M", result_.start, utc),
          absl::FormatTime("%Y-%m-%d %H:%M", result_.end, utc),
          t.total_cost_usd(), t.hindsight_cost_usd, 100 * t.served_share,
          t.interruptions, t.interruptions == 1 ? "" : "s"));
  on_demand_ = std::any_of(result_.timeline.begin(), result_.timeline.end(),
                           [](const TimelineRow& r) {
                             return r.supply_mode == SupplyMode::kOnDemand;
                           });
  PricePanel();
  InstancePanel();
  UsagePanel();
  return chart_.Finish();
}

void ChartWriter::OffScaleMarkers(const Panel& p, const RowValue& value) {
  double last_x = -1e9;
  for (const TimelineRow& row : result_.timeline) {
    if (!(value(row) > p.hi)) continue;
    const double t = chart_.SinceStart(row.time);
    if (chart_.X(t) - last_x < kMarkerSpacing) continue;
    last_x = chart_.X(t);
    chart_.Marker(p, t, "#555555", /*down=*/false);
  }
}

// Light bands where new capacity came from on-demand instances.
void ChartWriter::OnDemandBands(const Panel& p) {
  const std::vector<TimelineRow>& rows = result_.timeline;
  for (size_t i = 0; i < rows.size();) {
    if (rows[i].supply_mode != SupplyMode::kOnDemand) {
      ++i;
      continue;
    }
    const double from = chart_.SinceStart(rows[i].time);
    while (i < rows.size() && rows[i].supply_mode == SupplyMode::kOnDemand) ++i;
    const double to = i < rows.size() ? chart_.SinceStart(rows[i].time)
                                      : chart_.SinceStart(result_.end);
    chart_.Band(p, from, to, kOnDemandColor);
  }
}

void ChartWriter::PricePanel() {
  const Style price{"market price", "#1f77b4", 1.6};
  const Style bid{"bid", "#ff7f0e", 1.6, "6 3"};
  const RowValue price_of = [](const TimelineRow& r) { return r.price_usd; };
  const std::vector<Sample> price_s = Series(price_of);
  const std::vector<Sample> bid_s = Series([](const TimelineRow& r) {
    return r.bid_usd > 0 ? r.bid_usd : kNoValue;
  });
  // A few spikes should not flatten the rest of the trace.
  std::vector<double> values;
  for (const auto* series : {&price_s, &bid_s}) {
    for (const Sample& s : *series) {
      if (!std::isnan(s.v)) values.push_back(s.v);
    }
  }
  const double max = std::max(MaxOf(price_s), MaxOf(bid_s));
  double top = max;
  if (!values.empty()) {
    auto at = values.begin() + static_cast<long>(values.size() * 995 / 1000);
    std::nth_element(values.begin(), at, values.end());
    if (*at > 0 && max > kSpikeRatio * *at) top = *at * 1.25;
  }
  const Panel p = MakePanel(0, top, false);
  chart_.BeginPanel(p, "Market price and bid", "USD per hour", "");
  OnDemandBands(p);
  chart_.Line(p, bid_s, bid);
  chart_.Line(p, price_s, price);
  chart_.EndSeries();
  if (max > p.hi) {
    OffScaleMarkers(p, price_of);
    chart_.Note(p, absl::StrFormat("▲ off the scale: price up to %.4f USD/h",
                                   MaxOf(price_s)));
  }
  chart_.EndPanel(p, {price, bid});
}

void ChartWriter::InstancePanel() {
  const std::vector<std::pair<Style, RowValue>> counts = {
      // A wide pale band behind the others.
      {{"desired", "#bbbbbb", 3.6}, [](auto& r) { return r.desired; }},
      {{"open requests", "#ff7f0e", 1.4, "4 2"},
       [](auto& r) { return r.open_requests; }},
      {{"booting", "#bcbd22", 1.4}, [](auto& r) { return r.booting; }},
      {{"running spot", "#2ca02c", 1.8},
       [](auto& r) { return r.running_spot; }},
      {{"running on-demand", kOnDemandColor, 1.8},
       [](auto& r) { return r.running_on_demand; }},
  };
  std::vector<std::vector<Sample>> series;
  std::vector<Style> legend;
  double max = 0;
  for (const auto& [style, value] : counts) {
    series.push_back(Series(value));
    legend.push_back(style);
    max = std::max(max, MaxOf(series.back()));
  }
  const Panel p = MakePanel(1, max, true);
  chart_.BeginPanel(p, "Instances: desired, requested, booting, running",
                    "instances", "");
  OnDemandBands(p);
  for (size_t i = 0; i < counts.size(); ++i) {
    chart_.Line(p, series[i], counts[i].first);
  }
  chart_.EndSeries();
  int previous = 0;
  double last_x = -1e9;
  for (const TimelineRow& row : result_.timeline) {
    const double t = chart_.SinceStart(row.time);
    if (row.interruptions > previous &&
        chart_.X(t) - last_x >= kMarkerSpacing) {
      chart_.Marker(p, t, kInterruptionColor, /*down=*/true);
      last_x = chart_.X(t);
      // Several at once: say how many.
      if (row.interruptions - previous > 1) {
        chart_.Text(last_x + 6, p.top + 9,
                    absl::StrFormat("×%d", row.interruptions - previous), 10,
                    "start", " fill=\"#d62728\"");
      }
    }
    previous = row.interruptions;
  }
  if (on_demand_) {
    legend.push_back(
        {"on-demand supply", kOnDemandColor, 0, "", internal::Glyph::kBand});
  }
  if (result_.timeline.empty()) {
    chart_.Note(p, "no timeline was recorded for this run");
  }
  if (previous > 0) {
    legend.push_back(
        {"interruption", kInterruptionColor, 0, "", internal::Glyph::kMarker});
  }
  chart_.EndPanel(p, legend);
}

void ChartWriter::UsagePanel() {
  const Style usage{"usage (busiest resource)", "#2ca02c", 1.6};
  const Style asked{"CPU demand / capacity", "#7f7f7f", 1.1};
  const Style burst{"burst point", "#d62728", 1.6, "7 4"};
  const std::vector<Sample> usage_s =
      Series([](const TimelineRow& r) { return 100 * r.usage_share; });
  const std::vector<Sample> asked_s = Series([](const TimelineRow& r) {
    return r.capacity.cpus > 0
               ? std::min(1000.0, 100 * r.demand.cpus / r.capacity.cpus)
               : kNoValue;
  });
  const std::vector<Sample> burst_s =
      Series([](const TimelineRow& r) { return 100 * r.burst_point; });
  // 0 to 100 % at least; demand far above capacity is cut off.
  const Panel p =
      MakePanel(2,
                std::max({100.0, MaxOf(burst_s),
                          std::min(kUsageAxisMaxPercent, MaxOf(asked_s))}),
                false, /*headroom=*/1);
  chart_.BeginPanel(p, "Usage against the burst point", "% of capacity", " %");
  OnDemandBands(p);
  chart_.Line(p, asked_s, asked);
  chart_.Line(p, usage_s, usage);
  chart_.Line(p, burst_s, burst);
  chart_.EndSeries();
  if (MaxOf(asked_s) > p.hi) {
    chart_.Note(p, absl::StrFormat("▲ off the scale: demand up to %.0f %% of "
                                   "capacity",
                                   MaxOf(asked_s)));
  }
  chart_.EndPanel(p, {usage, asked, burst});
  chart_.TimeAxis(p);
}

}  // namespace

absl::Status WriteChartSvg(const SimulationResult& result,
                           const std::string& path) {
  return spotburst::internal::WriteStringToFile(
      path, ChartWriter(result).Draw(), "report");
}

}  // namespace spotburst::sim
