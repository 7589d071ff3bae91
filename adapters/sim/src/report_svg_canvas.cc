// The SVG canvas of the simulation chart: layout, value and time axes,
// series reduction and drawing (see report_svg_canvas.h).
#include "report_svg_canvas.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>

#include "absl/strings/str_format.h"

namespace spotburst::sim::internal {
namespace {

constexpr double kWidth = 1240;
constexpr double kLeft = 80;  // plot area, x
constexpr double kRight = 1000;
constexpr double kLegendX = 1018;
constexpr double kTop = 96;       // first panel's plot area, y
constexpr double kPanelGap = 44;  // room for the next panel's title
constexpr double kBottom = 62;    // time axis labels
constexpr char kFont[] =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', "
    "Arial, sans-serif";
constexpr char kMuted[] = " fill=\"#555\"";

double PanelTop(int index) { return kTop + index * (kPanelHeight + kPanelGap); }

std::string Dash(const char* dash) {
  return *dash ? absl::StrFormat(" stroke-dasharray=\"%s\"", dash) : "";
}

// Digits after the point that show every multiple of `step` exactly.
int Decimals(double step) {
  int d = 0;
  for (double scaled = step; d < 6; ++d, scaled *= 10) {
    if (std::abs(scaled - std::round(scaled)) < 1e-6 * scaled) break;
  }
  return d;
}

}  // namespace

double NiceStep(double span, int ticks, bool integer) {
  const double raw = span / ticks;
  const double power = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0}) {
    const double step = m * power;
    if (integer && step != std::round(step)) continue;
    if (step >= raw) return integer ? std::max(1.0, step) : step;
  }
  return std::max(integer ? 1.0 : 0.0, 10 * power);
}

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<Sample> ReduceSamples(const std::vector<Sample>& in) {
  if (in.size() <= kMaxSamples) return in;
  const size_t buckets = kMaxSamples / 2;
  std::vector<Sample> out;
  out.reserve(kMaxSamples);
  for (size_t b = 0; b < buckets; ++b) {
    const size_t from = b * in.size() / buckets;
    const size_t to = (b + 1) * in.size() / buckets;
    size_t lo = to, hi = to;
    for (size_t i = from; i < to; ++i) {
      if (std::isnan(in[i].v)) continue;
      if (lo == to || in[i].v < in[lo].v) lo = i;
      if (hi == to || in[i].v > in[hi].v) hi = i;
    }
    if (lo == to) {
      out.push_back({in[from].t, kNoValue});
      continue;
    }
    out.push_back(in[std::min(lo, hi)]);
    if (lo != hi) out.push_back(in[std::max(lo, hi)]);
  }
  return out;
}

Panel MakePanel(int index, double max_value, bool integer, double headroom) {
  Panel p{index, PanelTop(index), 1, 1};
  const double peak = max_value > 0 ? max_value * headroom : 1;
  // Counts get more, finer ticks: 0 to 12 by 2 reads better than by 5.
  p.step = NiceStep(peak, integer ? 6 : 4, integer);
  p.hi = std::ceil(peak / p.step - 1e-9) * p.step;
  return p;
}

double MaxOf(const std::vector<Sample>& samples) {
  double m = 0;
  for (const Sample& s : samples) {
    if (!std::isnan(s.v)) m = std::max(m, s.v);
  }
  return m;
}

SvgChart::SvgChart(absl::Time start, absl::Time end, int panels)
    : start_(start),
      span_s_(std::max(1.0, absl::ToDoubleSeconds(end - start))),
      panels_(panels) {}

SvgChart::SvgChart(double x_lo, double x_hi, int panels)
    : start_(absl::UnixEpoch()),
      x_lo_(x_lo),
      span_s_(x_hi > x_lo ? x_hi - x_lo : 1),
      panels_(panels) {}

double SvgChart::SinceStart(absl::Time t) const {
  return absl::ToDoubleSeconds(t - start_);
}

double SvgChart::X(double t_s) const {
  return kLeft + (kRight - kLeft) * (t_s - x_lo_) / span_s_;
}

void SvgChart::Text(double x, double y, const std::string& text, int size,
                    const char* anchor, const std::string& extra) {
  absl::StrAppendFormat(&out_,
                        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" "
                        "text-anchor=\"%s\"%s>%s</text>\n",
                        x, y, size, anchor, extra, XmlEscape(text));
}

void SvgChart::Header(const std::string& title, const std::string& subtitle) {
  const double height = PanelTop(panels_) - kPanelGap + kBottom;
  absl::StrAppendFormat(
      &out_,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"%s\" "
      "fill=\"#222\">\n<title>%s</title>\n<rect width=\"100%%\" "
      "height=\"100%%\" fill=\"white\"/>\n",
      kWidth, height, kWidth, height, kFont, XmlEscape(title));
  Text(kLeft, 32, title, 19, "start", " font-weight=\"600\"");
  Text(kLeft, 56, subtitle, 13, "start", kMuted);
}

void SvgChart::Warning(const std::string& text) {
  Text(kWidth - 16, 32, "⚠ " + text, 12, "end",
       " class=\"warning\" fill=\"#d62728\"");
}

void SvgChart::BeginPanel(const Panel& p, const std::string& title,
                          const std::string& unit, const char* tick_suffix) {
  absl::StrAppendFormat(&out_, "<g class=\"panel\" id=\"panel-%d\">\n",
                        p.index + 1);
  Text(kLeft, p.top - 10, title, 14, "start", " font-weight=\"600\"");
  const int decimals = Decimals(p.step);
  for (int i = 0; p.step * i <= p.hi + 1e-9; ++i) {
    const double y = p.Y(p.step * i);
    absl::StrAppendFormat(&out_,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                          "y2=\"%.1f\" stroke=\"#e6e6e6\"/>\n",
                          kLeft, y, kRight, y);
    Text(kLeft - 6, y + 4,
         absl::StrFormat("%.*f%s", decimals, p.step * i, tick_suffix), 11,
         "end", kMuted);
  }
  const double mid = p.top + kPanelHeight / 2;
  Text(22, mid, unit, 12, "middle",
       absl::StrFormat("%s transform=\"rotate(-90 22 %.1f)\"", kMuted, mid));
  // A little slack so that lines along the edges are drawn whole.
  absl::StrAppendFormat(&out_,
                        "<clipPath id=\"clip-%d\"><rect x=\"%.1f\" y=\"%.1f\" "
                        "width=\"%.1f\" height=\"%.1f\"/></clipPath>\n"
                        "<g clip-path=\"url(#clip-%d)\">\n",
                        p.index + 1, kLeft, p.top - 2, kRight - kLeft,
                        kPanelHeight + 4, p.index + 1);
}

void SvgChart::EndSeries() { out_ += "</g>\n"; }

void SvgChart::EndPanel(const Panel& p, const std::vector<Style>& legend) {
  absl::StrAppendFormat(&out_,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        "height=\"%.1f\" fill=\"none\" stroke=\"#999\"/>\n",
                        kLeft, p.top, kRight - kLeft, kPanelHeight);
  double y = p.top + 10;
  for (const Style& s : legend) {
    switch (s.glyph) {
      case Glyph::kLine:
        absl::StrAppendFormat(
            &out_,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"%s\" stroke-width=\"%.1f\"%s/>\n",
            kLegendX, y, kLegendX + 22, y, s.color, std::max(2.0, s.width),
            Dash(s.dash));
        break;
      case Glyph::kBand:
        absl::StrAppendFormat(&out_,
                              "<rect x=\"%.1f\" y=\"%.1f\" width=\"22\" "
                              "height=\"10\" fill=\"%s\" "
                              "fill-opacity=\"0.2\"/>\n",
                              kLegendX, y - 5, s.color);
        break;
      case Glyph::kMarker:
        absl::StrAppendFormat(&out_,
                              "<path d=\"M%.1f %.1f l-4.5 -8 h9 z\" "
                              "fill=\"%s\"/>\n",
                              kLegendX + 11, y + 4, s.color);
        break;
      case Glyph::kDot:
        absl::StrAppendFormat(&out_,
                              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
                              "fill=\"%s\"/>\n",
                              kLegendX + 11, y, s.width, s.color);
        break;
    }
    Text(kLegendX + 28, y + 4, s.name, 12);
    y += 19;
  }
  out_ += "</g>\n";
}

void SvgChart::Band(const Panel& p, double from_s, double to_s,
                    const char* color) {
  const double x0 = X(from_s);
  absl::StrAppendFormat(&out_,
                        "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" "
                        "width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                        "fill-opacity=\"0.10\"/>\n",
                        x0, p.top, std::max(0.5, X(to_s) - x0), kPanelHeight,
                        color);
}

void SvgChart::Line(const Panel& p, const std::vector<Sample>& raw,
                    const Style& s) {
  const std::vector<Sample> samples = ReduceSamples(raw);
  std::string points;
  auto emit = [&] {
    if (points.empty()) return;
    absl::StrAppendFormat(
        &out_,
        "<polyline class=\"series\" data-series=\"%s\" fill=\"none\" "
        "stroke=\"%s\" stroke-width=\"%.1f\" stroke-linejoin=\"round\"%s "
        "points=\"%s\"/>\n",
        XmlEscape(s.name), s.color, s.width, Dash(s.dash), points);
    points.clear();
  };
  auto add = [&](double t, double v) {
    absl::StrAppendFormat(&points, "%s%.1f,%.1f", points.empty() ? "" : " ",
                          X(t), p.Y(v));
  };
  for (size_t i = 0; i < samples.size(); ++i) {
    const Sample& c = samples[i];
    if (std::isnan(c.v)) {
      emit();
      continue;
    }
    // Each value holds until the next sample, or the end.
    if (!points.empty()) add(c.t, samples[i - 1].v);
    add(c.t, c.v);
    const bool last = i + 1 == samples.size() || std::isnan(samples[i + 1].v);
    if (last) {
      add(i + 1 < samples.size() ? samples[i + 1].t : span_s_, c.v);
    }
  }
  emit();
}

void SvgChart::Marker(const Panel& p, double t_s, const char* color,
                      bool down) {
  const double x = X(t_s);
  if (down) {
    absl::StrAppendFormat(&out_,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                          "y2=\"%.1f\" stroke=\"%s\" stroke-opacity=\"0.3\"/>\n"
                          "<path class=\"marker\" d=\"M%.1f %.1f l-4.5 -8 h9 "
                          "z\" fill=\"%s\"/>\n",
                          x, p.top, x, p.top + kPanelHeight, color, x,
                          p.top + 8, color);
  } else {
    absl::StrAppendFormat(&out_,
                          "<path class=\"marker\" d=\"M%.1f %.1f l-4 7 h8 z\" "
                          "fill=\"%s\"/>\n",
                          x, p.top + 1, color);
  }
}

void SvgChart::Note(const Panel& p, const std::string& text) {
  Text(kRight, p.top - 10, text, 12, "end", kMuted);
}

// Ticks at whole UTC minutes, hours or days (weeks start on Monday).
void SvgChart::TimeAxis(const Panel& bottom) {
  constexpr int64_t kSteps[] = {60,    300,    600,    900,     1800,
                                3600,  7200,   10800,  21600,   43200,
                                86400, 172800, 604800, 1209600, 2419200};
  int64_t step = kSteps[std::size(kSteps) - 1];
  for (int64_t s : kSteps) {
    if (span_s_ / s <= 10) {
      step = s;
      break;
    }
  }
  const int64_t offset = step >= 604800 ? 4 * 86400 : 0;  // 1970-01-05: Mon
  const int64_t first_unix = absl::ToUnixSeconds(start_);
  int64_t tick = (first_unix - offset) / step * step + offset;
  if (tick < first_unix) tick += step;
  const absl::TimeZone utc = absl::UTCTimeZone();
  const double bottom_y = bottom.top + kPanelHeight;
  std::string last_day;
  for (; tick - first_unix <= span_s_; tick += step) {
    const absl::Time t = absl::FromUnixSeconds(tick);
    const double x = X(SinceStart(t));
    for (int i = 0; i <= bottom.index; ++i) {
      absl::StrAppendFormat(
          &out_,
          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
          "y2=\"%.1f\" stroke=\"#e6e6e6\"/>\n",
          x, PanelTop(i), x,
          PanelTop(i) + kPanelHeight + (i == bottom.index ? 5 : 0));
    }
    const std::string day = absl::FormatTime("%b %d", t, utc);
    if (step < 86400) {
      Text(x, bottom_y + 18, absl::FormatTime("%H:%M", t, utc), 11, "middle",
           kMuted);
      if (day != last_day) Text(x, bottom_y + 33, day, 11, "middle", kMuted);
    } else {
      Text(x, bottom_y + 18, day, 11, "middle", kMuted);
    }
    last_day = day;
  }
  Text((kLeft + kRight) / 2, bottom_y + (step < 86400 ? 52 : 40), "time (UTC)",
       12, "middle", kMuted);
}

void SvgChart::ValueAxis(const Panel& bottom, const std::string& label,
                         const char* tick_suffix) {
  const double step = NiceStep(span_s_, 8, false);
  const int decimals = Decimals(step);
  const double bottom_y = bottom.top + kPanelHeight;
  const double x_hi = x_lo_ + span_s_;
  for (double v = std::ceil(x_lo_ / step - 1e-9) * step; v <= x_hi + 1e-9;
       v += step) {
    const double x = X(v);
    for (int i = 0; i <= bottom.index; ++i) {
      absl::StrAppendFormat(
          &out_,
          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
          "y2=\"%.1f\" stroke=\"#e6e6e6\"/>\n",
          x, PanelTop(i), x,
          PanelTop(i) + kPanelHeight + (i == bottom.index ? 5 : 0));
    }
    Text(x, bottom_y + 18,
         absl::StrFormat("%.*f%s", decimals, std::abs(v) < 1e-12 ? 0 : v,
                         tick_suffix),
         11, "middle", kMuted);
  }
  Text((kLeft + kRight) / 2, bottom_y + 40, label, 12, "middle", kMuted);
}

void SvgChart::Polyline(const Panel& p, const std::vector<Sample>& points,
                        const Style& s) {
  std::string coordinates;
  for (const Sample& point : points) {
    absl::StrAppendFormat(&coordinates, "%s%.1f,%.1f",
                          coordinates.empty() ? "" : " ", X(point.t),
                          p.Y(point.v));
  }
  absl::StrAppendFormat(
      &out_,
      "<polyline class=\"series\" data-series=\"%s\" fill=\"none\" "
      "stroke=\"%s\" stroke-width=\"%.1f\" stroke-linejoin=\"round\"%s "
      "points=\"%s\"/>\n",
      XmlEscape(s.name), s.color, s.width, Dash(s.dash), coordinates);
}

void SvgChart::Dot(const Panel& p, double x, double v, double radius,
                   const char* color, const std::string& css_class) {
  absl::StrAppendFormat(&out_,
                        "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" "
                        "r=\"%.1f\" fill=\"%s\" fill-opacity=\"0.75\"/>\n",
                        XmlEscape(css_class), X(x), p.Y(v), radius, color);
}

std::string SvgChart::Finish() {
  out_ += "</svg>\n";
  return std::move(out_);
}

}  // namespace spotburst::sim::internal
