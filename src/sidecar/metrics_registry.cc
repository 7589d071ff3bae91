// The registry and the text exposition format.
#include "sidecar/metrics_registry.h"

#include <charconv>
#include <cmath>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"

namespace spotburst::sidecar {
namespace {

// HELP text: backslash and newline escaped (quotes stay).
std::string EscapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

const char* TypeName(MetricFamily::Type type) {
  switch (type) {
    case MetricFamily::Type::kGauge:
      return "gauge";
    case MetricFamily::Type::kCounter:
      return "counter";
    case MetricFamily::Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// {a="x",b="y"} with `extra` (le) last; empty when there are no labels.
std::string LabelText(const std::vector<std::string>& names,
                      const LabelValues& values, const std::string& extra_name,
                      const std::string& extra_value) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    absl::StrAppend(&out, out.empty() ? "{" : ",", names[i], "=\"",
                    EscapeLabelValue(values[i]), "\"");
  }
  if (!extra_name.empty()) {
    absl::StrAppend(&out, out.empty() ? "{" : ",", extra_name, "=\"",
                    EscapeLabelValue(extra_value), "\"");
  }
  if (!out.empty()) out += "}";
  return out;
}

void Line(std::string& out, const std::string& name, const std::string& labels,
          double value) {
  absl::StrAppend(&out, name, labels, " ", FormatMetricValue(value), "\n");
}

}  // namespace

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  const std::to_chars_result result =
      std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

MetricFamily::Series* MetricFamily::Find(const LabelValues& labels) {
  if (labels.size() != label_names_.size()) return nullptr;
  auto [it, inserted] = series_.try_emplace(labels);
  if (inserted && type_ == Type::kHistogram) {
    it->second.buckets.assign(bounds_.size(), 0);
  }
  return &it->second;
}

void MetricFamily::Render(std::string& out) const {
  absl::StrAppend(&out, "# HELP ", name_, " ", EscapeHelp(help_), "\n",
                  "# TYPE ", name_, " ", TypeName(type_), "\n");
  for (const auto& [labels, series] : series_) {
    if (type_ != Type::kHistogram) {
      Line(out, name_, LabelText(label_names_, labels, "", ""), series.value);
      continue;
    }
    uint64_t cumulative = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += series.buckets[i];
      Line(out, name_ + "_bucket",
           LabelText(label_names_, labels, "le", FormatMetricValue(bounds_[i])),
           static_cast<double>(cumulative));
    }
    Line(out, name_ + "_bucket", LabelText(label_names_, labels, "le", "+Inf"),
         static_cast<double>(series.count));
    Line(out, name_ + "_sum", LabelText(label_names_, labels, "", ""),
         series.sum);
    Line(out, name_ + "_count", LabelText(label_names_, labels, "", ""),
         static_cast<double>(series.count));
  }
}

void Gauge::Set(const LabelValues& labels, double value) {
  absl::MutexLock lock(&mu_);
  if (Series* series = Find(labels)) series->value = value;
}

void Gauge::Clear() {
  absl::MutexLock lock(&mu_);
  series_.clear();
}

void Counter::Add(const LabelValues& labels, double delta) {
  if (!(delta >= 0)) return;
  absl::MutexLock lock(&mu_);
  if (Series* series = Find(labels)) series->value += delta;
}

void Histogram::Observe(const LabelValues& labels, double value) {
  absl::MutexLock lock(&mu_);
  Series* series = Find(labels);
  if (series == nullptr) return;
  // The first bucket whose bound is >= value; NaN lands in +Inf only.
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (value <= bounds_[i]) {
      ++series->buckets[i];
      break;
    }
  }
  ++series->count;
  series->sum += value;
}

template <typename T>
T& MetricsRegistry::Add(MetricFamily::Type type, const std::string& name,
                        const std::string& help,
                        std::vector<std::string> label_names,
                        std::vector<double> bounds) {
  absl::MutexLock lock(&mu_);
  auto family = std::unique_ptr<T>(
      new T(mu_, type, name, help, std::move(label_names), std::move(bounds)));
  T& ref = *family;
  const bool inserted = families_.emplace(name, std::move(family)).second;
  ABSL_RAW_CHECK(inserted, "metric family declared twice");
  return ref;
}

Gauge& MetricsRegistry::AddGauge(const std::string& name,
                                 const std::string& help,
                                 std::vector<std::string> label_names) {
  return Add<Gauge>(MetricFamily::Type::kGauge, name, help,
                    std::move(label_names), {});
}

Counter& MetricsRegistry::AddCounter(const std::string& name,
                                     const std::string& help,
                                     std::vector<std::string> label_names) {
  return Add<Counter>(MetricFamily::Type::kCounter, name, help,
                      std::move(label_names), {});
}

Histogram& MetricsRegistry::AddHistogram(const std::string& name,
                                         const std::string& help,
                                         std::vector<double> bounds,
                                         std::vector<std::string> label_names) {
  return Add<Histogram>(MetricFamily::Type::kHistogram, name, help,
                        std::move(label_names), std::move(bounds));
}

std::string MetricsRegistry::RenderText() const {
  absl::MutexLock lock(&mu_);
  std::string out;
  for (const auto& [name, family] : families_) family->Render(out);
  return out;
}

}  // namespace spotburst::sidecar
