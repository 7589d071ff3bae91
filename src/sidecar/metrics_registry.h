// MetricsRegistry: gauges, counters and histograms with labels, rendered in
// the Prometheus text exposition format (version 0.0.4). Debian ships no
// Prometheus client for C++; this is the small part spotburstd needs.
//
// Families are declared once with their label names; series are created by
// their first update. Output is stable: families sorted by name, series by
// label values. Updates and rendering are thread-safe. A counter's name ends
// in "_total"; a histogram renders _bucket{le=...} (cumulative, with
// "+Inf"), _sum and _count.
//
//   MetricsRegistry registry;
//   Gauge& price = registry.AddGauge("spotburst_spot_price_usd_per_hour",
//                                    "Spot price.", {"market"});
//   price.Set({"c4.large/eu-central-1a/Linux/UNIX"}, 0.031);
//   std::string text = registry.RenderText();
#ifndef SPOTBURST_SIDECAR_METRICS_REGISTRY_H_
#define SPOTBURST_SIDECAR_METRICS_REGISTRY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace spotburst::sidecar {

// Label values in the order of the family's label names.
using LabelValues = std::vector<std::string>;

class MetricsRegistry;

// One metric family. Updates with the wrong number of label values are
// programming errors and are ignored.
class MetricFamily {
 public:
  enum class Type { kGauge, kCounter, kHistogram };

  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;

 protected:
  friend class MetricsRegistry;
  struct Series {
    double value = 0;               // gauge or counter
    std::vector<uint64_t> buckets;  // histogram: per bound, not cumulative
    uint64_t count = 0;
    double sum = 0;
  };
  MetricFamily(absl::Mutex& mu, Type type, std::string name, std::string help,
               std::vector<std::string> label_names, std::vector<double> bounds)
      : mu_(mu),
        type_(type),
        name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        bounds_(std::move(bounds)) {}

  // Null for a wrong number of label values.
  Series* Find(const LabelValues& labels) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Render(std::string& out) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex& mu_;
  const Type type_;
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;  // histogram upper bounds, ascending
  std::map<LabelValues, Series> series_ ABSL_GUARDED_BY(mu_);
};

class Gauge : public MetricFamily {
 public:
  void Set(const LabelValues& labels, double value);
  // Drops every series, e.g. markets no longer seen.
  void Clear();

 private:
  using MetricFamily::MetricFamily;
  friend class MetricsRegistry;
};

class Counter : public MetricFamily {
 public:
  // `delta` >= 0; a negative one is ignored (counters only go up).
  void Add(const LabelValues& labels, double delta = 1);

 private:
  using MetricFamily::MetricFamily;
  friend class MetricsRegistry;
};

class Histogram : public MetricFamily {
 public:
  void Observe(const LabelValues& labels, double value);

 private:
  using MetricFamily::MetricFamily;
  friend class MetricsRegistry;
};

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Declares a family. Names and label names are the program's own
  // ([a-zA-Z_:][a-zA-Z0-9_:]*; a counter's ends in "_total"); declaring one
  // twice is a programming error. The references live as long as the
  // registry.
  Gauge& AddGauge(const std::string& name, const std::string& help,
                  std::vector<std::string> label_names = {});
  Counter& AddCounter(const std::string& name, const std::string& help,
                      std::vector<std::string> label_names = {});
  // `bounds`: the buckets' upper bounds, ascending, without +Inf.
  Histogram& AddHistogram(const std::string& name, const std::string& help,
                          std::vector<double> bounds,
                          std::vector<std::string> label_names = {});

  // The text exposition format, version 0.0.4.
  std::string RenderText() const;

 private:
  template <typename T>
  T& Add(MetricFamily::Type type, const std::string& name,
         const std::string& help, std::vector<std::string> label_names,
         std::vector<double> bounds);

  mutable absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<MetricFamily>> families_
      ABSL_GUARDED_BY(mu_);
};

// A sample value as Prometheus writes it: shortest round-trip decimal,
// "NaN", "+Inf", "-Inf".
std::string FormatMetricValue(double value);

// A label value escaped for the text format: backslash, double quote and
// newline as \\, \" and \n.
std::string EscapeLabelValue(const std::string& value);

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_METRICS_REGISTRY_H_
