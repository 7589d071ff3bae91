// Drawing primitives of the simulation chart (report_svg.cc): an SVG
// canvas with stacked panels sharing one time axis, value axes with round
// ticks, step-line series, markers, bands and legends. The sweep chart
// (report_sweep_svg.cc) uses it with a value on the x axis instead. Series are
// reduced to at most kMaxSamples samples by bucketing that keeps each
// bucket's minimum and maximum, so spikes survive. Private to the sim
// adapter; not thread-safe (one canvas per chart).
#ifndef SPOTBURST_SIM_SRC_REPORT_SVG_CANVAS_H_
#define SPOTBURST_SIM_SRC_REPORT_SVG_CANVAS_H_

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace spotburst::sim::internal {

inline constexpr size_t kMaxSamples = 1500;  // per series, after reduction
inline constexpr double kPanelHeight = 200;  // px
inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct Sample {
  double t;  // seconds since the chart's start
  double v;  // kNoValue (NaN): a gap in the line
};

enum class Glyph { kLine, kBand, kMarker, kDot };

struct Style {
  const char* name;  // legend text and the series' data-series attribute
  const char* color;
  double width = 1.6;
  const char* dash = "";       // SVG stroke-dasharray; empty: solid
  Glyph glyph = Glyph::kLine;  // how the legend shows it
};

// One panel's vertical scale: 0 at the bottom edge, `hi` at the top.
struct Panel {
  int index = 0;  // 0 at the top
  double top = 0;
  double hi = 1;
  double step = 1;  // between value ticks
  double Y(double v) const { return top + kPanelHeight * (1 - v / hi); }
};

std::string XmlEscape(const std::string& text);

// At most kMaxSamples samples: each of kMaxSamples / 2 buckets keeps its
// minimum and maximum in time order; a bucket without values is one gap.
std::vector<Sample> ReduceSamples(const std::vector<Sample>& in);

// A panel whose top tick is the first round number at or above
// `max_value` × `headroom`; `integer` for whole-number ticks.
Panel MakePanel(int index, double max_value, bool integer,
                double headroom = 1.05);

// The highest value of the series (0 when it has none).
double MaxOf(const std::vector<Sample>& samples);

// 1, 2, 2.5 or 5 times a power of ten, at least span / ticks; a whole
// number when `integer`.
double NiceStep(double span, int ticks, bool integer);

class SvgChart {
 public:
  // `panels` panels stacked over the time axis from `start` to `end`.
  SvgChart(absl::Time start, absl::Time end, int panels);
  // Panels over a value axis from `x_lo` to `x_hi` (X takes values; draw
  // the axis with ValueAxis instead of TimeAxis).
  SvgChart(double x_lo, double x_hi, int panels);

  double SinceStart(absl::Time t) const;
  double X(double t_s) const;  // seconds since the start to px

  void Header(const std::string& title, const std::string& subtitle);
  // A warning at the top right, beside the title, in red.
  void Warning(const std::string& text);
  // Opens the panel's group: title, value grid and ticks, then a clipped
  // group for the series (closed by EndSeries).
  void BeginPanel(const Panel& p, const std::string& title,
                  const std::string& unit, const char* tick_suffix);
  void EndSeries();
  // Closes the panel: frame and legend.
  void EndPanel(const Panel& p, const std::vector<Style>& legend);

  // A shaded band across the panel between two times (seconds).
  void Band(const Panel& p, double from_s, double to_s, const char* color);
  // A step line: each value holds until the next sample (or the end).
  void Line(const Panel& p, const std::vector<Sample>& raw, const Style& s);
  // A triangle at the panel's top edge: pointing down into the panel with
  // a faint line to the bottom, or pointing up (a value off the scale).
  void Marker(const Panel& p, double t_s, const char* color, bool down);
  // Small text at the right, above the panel.
  void Note(const Panel& p, const std::string& text);
  void TimeAxis(const Panel& bottom);
  // Ticks at round values along the x axis, and `label` under them.
  void ValueAxis(const Panel& bottom, const std::string& label,
                 const char* tick_suffix);
  // Straight segments through the points, in order (no gaps).
  void Polyline(const Panel& p, const std::vector<Sample>& points,
                const Style& s);
  // A dot of `radius` px at (x, v); `css_class` names it for readers.
  void Dot(const Panel& p, double x, double v, double radius, const char* color,
           const std::string& css_class);
  void Text(double x, double y, const std::string& text, int size,
            const char* anchor = "start", const std::string& extra = "");

  std::string Finish();

 private:
  absl::Time start_;
  double x_lo_ = 0;  // the x value at the left edge (0 for time)
  double span_s_;
  int panels_;
  std::string out_;
};

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_REPORT_SVG_CANVAS_H_
