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
#include "report_svg_canvas.h"
#include "spotburst/internal/file_util.h"
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
// Interruptions closer than this (px) share one marker and one count, so
// that counts never overlap ("×12" is about 20 px wide at 10 px).
constexpr double kInterruptionSpacing = 28;
// A price panel is scaled to the 99.5th percentile instead of the maximum
// when the maximum is more than this many times higher.
constexpr double kSpikeRatio = 3;
constexpr double kUsageAxisMaxPercent = 150;
// Off-scale markers closer than this (px) are drawn once.
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
  // One marker per cluster of interruptions, with their count when more
  // than one; returns how many there were.
  int InterruptionMarkers(const Panel& p);
  // The note above the usage panel when demand runs off its scale.
  std::string DemandNote(const Panel& p) const;
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
  // The same hours billed at the on-demand price: what spot saved.
  const double at_on_demand =
      (t.spot_instance_hours + t.on_demand_instance_hours) *
      result_.on_demand_usd_per_hour;
  chart_.Header(
      absl::StrFormat("Scenario \"%s\" — policy \"%s\"", result_.scenario_name,
                      result_.policy_name),
      absl::StrFormat(
          "%s to %s UTC  ·  cost %.2f USD (%.2f at on-demand prices; "
          "hindsight reference %.2f)  ·  served %.2f %%  ·  %d interruption%s",
          absl::FormatTime("%Y-%m-%d %H:%M", result_.start, utc),
          absl::FormatTime("%Y-%m-%d %H:%M", result_.end, utc),
          t.total_cost_usd(), at_on_demand, t.hindsight_reference_usd,
          100 * t.served_share, t.interruptions,
          t.interruptions == 1 ? "" : "s"));
  if (t.billing != t.policy_billing) {
    chart_.Warning(absl::StrFormat(
        "billing: the cloud bills %s, the policy assumes %s",
        BillingModelName(t.billing), BillingModelName(t.policy_billing)));
  }
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

int ChartWriter::InterruptionMarkers(const Panel& p) {
  int previous = 0;
  int count = 0;         // in the open cluster
  double cluster_x = 0;  // its marker
  auto flush = [&] {
    if (count == 0) return;
    chart_.Marker(p, cluster_x, kInterruptionColor, /*down=*/true);
    if (count > 1) {
      chart_.Text(chart_.X(cluster_x) + 6, p.top + 9,
                  absl::StrFormat("×%d", count), 10, "start",
                  " class=\"interruption-count\" fill=\"#d62728\"");
    }
    count = 0;
  };
  for (const TimelineRow& row : result_.timeline) {
    const int now = row.interruptions - previous;
    previous = row.interruptions;
    if (now <= 0) continue;
    const double t = chart_.SinceStart(row.time);
    if (count > 0 &&
        chart_.X(t) - chart_.X(cluster_x) >= kInterruptionSpacing) {
      flush();
    }
    if (count == 0) cluster_x = t;
    count += now;
  }
  flush();
  return previous;
}

// The peak of demand over capacity, leaving out the start of the run while
// no burst instance has joined yet: the private capacity alone says
// nothing about the policy. Said separately when only that start was off
// the scale.
std::string ChartWriter::DemandNote(const Panel& p) const {
  double before = 0, after = 0;
  bool joined = false;
  for (const TimelineRow& row : result_.timeline) {
    joined |= row.running_spot + row.running_on_demand > 0;
    if (!(row.capacity.cpus > 0)) continue;
    double& peak = joined ? after : before;
    peak = std::max(peak, 100 * row.demand.cpus / row.capacity.cpus);
  }
  if (after > p.hi) {
    return absl::StrFormat(
        "▲ off the scale: demand up to %.0f %% of capacity with burst "
        "instances running",
        after);
  }
  if (before > p.hi) {
    return absl::StrFormat(
        "▲ off the scale %s: demand up to %.0f %% of the private capacity",
        joined ? "until the first burst instance joined"
               : "(no burst instance joined)",
        before);
  }
  return "";
}

void ChartWriter::PricePanel() {
  const Style price{"market price", "#1f77b4", 1.6};
  const Style bid{"bid", "#ff7f0e", 1.6, "6 3"};
  const RowValue price_of = [](const TimelineRow& r) { return r.price_usd; };
  const std::vector<Sample> price_s = Series(price_of);
  const std::vector<Sample> bid_s =
      Series([](const TimelineRow& r) { return r.bid_usd.value_or(kNoValue); });
  // The on-demand price, a flat reference across the run.
  const Style on_demand{"on-demand price", kOnDemandColor, 1.2, "2 3"};
  std::vector<Sample> on_demand_s;  // empty: no price known
  if (result_.on_demand_usd_per_hour > 0) {
    on_demand_s = {
        {0, result_.on_demand_usd_per_hour},
        {chart_.SinceStart(result_.end), result_.on_demand_usd_per_hour}};
  }
  // A few spikes should not flatten the rest of the trace.
  std::vector<double> values;
  for (const auto* series : {&price_s, &bid_s}) {
    for (const Sample& s : *series) {
      if (!std::isnan(s.v)) values.push_back(s.v);
    }
  }
  const double max =
      std::max({MaxOf(price_s), MaxOf(bid_s), MaxOf(on_demand_s)});
  double top = max;
  if (!values.empty()) {
    auto at = values.begin() + static_cast<long>(values.size() * 995 / 1000);
    std::nth_element(values.begin(), at, values.end());
    if (*at > 0 && max > kSpikeRatio * *at) top = *at * 1.25;
  }
  // The reference stays in view even when spikes set the scale.
  top = std::max(top, MaxOf(on_demand_s) * 1.05);
  const Panel p = MakePanel(0, top, false);
  chart_.BeginPanel(p, "Market price and bid", "USD per hour", "");
  OnDemandBands(p);
  if (!on_demand_s.empty()) chart_.Line(p, on_demand_s, on_demand);
  chart_.Line(p, bid_s, bid);
  chart_.Line(p, price_s, price);
  chart_.EndSeries();
  if (max > p.hi) {
    OffScaleMarkers(p, price_of);
    chart_.Note(p, absl::StrFormat("▲ off the scale: price up to %.4f USD/h",
                                   MaxOf(price_s)));
  }
  std::vector<Style> legend = {price, bid};
  if (!on_demand_s.empty()) legend.push_back(on_demand);
  chart_.EndPanel(p, legend);
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
  const int interrupted = InterruptionMarkers(p);
  if (on_demand_) {
    legend.push_back(
        {"on-demand supply", kOnDemandColor, 0, "", internal::Glyph::kBand});
  }
  if (result_.timeline.empty()) {
    chart_.Note(p, "no timeline was recorded for this run");
  }
  if (interrupted > 0) {
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
  if (const std::string note = DemandNote(p); !note.empty()) {
    chart_.Note(p, note);
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
