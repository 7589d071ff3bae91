// The Prometheus text exposition format (0.0.4) as MetricsRegistry writes
// it: exact text, escaping, counters, histograms, special values.
#include "sidecar/metrics_registry.h"

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spotburst::sidecar {
namespace {

using ::testing::HasSubstr;

TEST(MetricsRegistry, RendersFamiliesSortedByNameWithHelpAndType) {
  MetricsRegistry registry;
  Gauge& price = registry.AddGauge("spotburst_spot_price_usd_per_hour",
                                   "Spot price, USD per hour.", {"market"});
  Counter& ticks =
      registry.AddCounter("spotburst_ticks_total", "Ticks.", {"outcome"});
  Gauge& leader = registry.AddGauge("spotburst_leader", "Leader.");
  price.Set({"m5.large/b"}, 0.5);
  price.Set({"c4.large/a"}, 0.031);
  ticks.Add({"ok"});
  ticks.Add({"ok"}, 2);
  leader.Set({}, 1);
  EXPECT_EQ(registry.RenderText(),
            "# HELP spotburst_leader Leader.\n"
            "# TYPE spotburst_leader gauge\n"
            "spotburst_leader 1\n"
            "# HELP spotburst_spot_price_usd_per_hour Spot price, USD per "
            "hour.\n"
            "# TYPE spotburst_spot_price_usd_per_hour gauge\n"
            "spotburst_spot_price_usd_per_hour{market=\"c4.large/a\"} 0.031\n"
            "spotburst_spot_price_usd_per_hour{market=\"m5.large/b\"} 0.5\n"
            "# HELP spotburst_ticks_total Ticks.\n"
            "# TYPE spotburst_ticks_total counter\n"
            "spotburst_ticks_total{outcome=\"ok\"} 3\n");
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  Gauge& g = registry.AddGauge("g", "a \\ help\nline \"quoted\"", {"a", "b"});
  g.Set({"back\\slash \"quote\"\nnewline", "plain"}, 2);
  EXPECT_EQ(registry.RenderText(),
            "# HELP g a \\\\ help\\nline \"quoted\"\n"
            "# TYPE g gauge\n"
            "g{a=\"back\\\\slash \\\"quote\\\"\\nnewline\",b=\"plain\"} 2\n");
}

TEST(MetricsRegistry, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  MetricsRegistry registry;
  Histogram& h = registry.AddHistogram("spotburst_tick_duration_seconds",
                                       "Tick time.", {0.25, 0.5, 1});
  h.Observe({}, 0.125);
  h.Observe({}, 0.25);  // on a bound: that bucket (le is "<=")
  h.Observe({}, 0.75);
  h.Observe({}, 7);
  EXPECT_EQ(registry.RenderText(),
            "# HELP spotburst_tick_duration_seconds Tick time.\n"
            "# TYPE spotburst_tick_duration_seconds histogram\n"
            "spotburst_tick_duration_seconds_bucket{le=\"0.25\"} 2\n"
            "spotburst_tick_duration_seconds_bucket{le=\"0.5\"} 2\n"
            "spotburst_tick_duration_seconds_bucket{le=\"1\"} 3\n"
            "spotburst_tick_duration_seconds_bucket{le=\"+Inf\"} 4\n"
            "spotburst_tick_duration_seconds_sum 8.125\n"
            "spotburst_tick_duration_seconds_count 4\n");
}

TEST(MetricsRegistry, HistogramLabelsComeBeforeLe) {
  MetricsRegistry registry;
  Histogram& h = registry.AddHistogram("h", "H.", {1}, {"kind"});
  h.Observe({"x"}, 2);
  EXPECT_THAT(registry.RenderText(),
              HasSubstr("h_bucket{kind=\"x\",le=\"1\"} 0\n"
                        "h_bucket{kind=\"x\",le=\"+Inf\"} 1\n"
                        "h_sum{kind=\"x\"} 2\n"
                        "h_count{kind=\"x\"} 1\n"));
}

TEST(MetricsRegistry, SpecialValuesPrintAsPrometheusReadsThem) {
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatMetricValue(-std::numeric_limits<double>::infinity()),
            "-Inf");
  EXPECT_EQ(FormatMetricValue(0.1), "0.1");
  EXPECT_EQ(FormatMetricValue(-2), "-2");
  EXPECT_EQ(FormatMetricValue(1e21), "1e+21");
  MetricsRegistry registry;
  Gauge& g = registry.AddGauge("g", "G.", {"v"});
  g.Set({"nan"}, std::nan(""));
  g.Set({"inf"}, std::numeric_limits<double>::infinity());
  EXPECT_THAT(registry.RenderText(),
              HasSubstr("g{v=\"inf\"} +Inf\ng{v=\"nan\"} NaN\n"));
}

TEST(MetricsRegistry, ClearDropsSeriesAndCountersNeverGoDown) {
  MetricsRegistry registry;
  Gauge& g = registry.AddGauge("g", "G.", {"market"});
  Counter& c = registry.AddCounter("c_total", "C.");
  g.Set({"old"}, 1);
  g.Clear();
  g.Set({"new"}, 2);
  c.Add({}, 5);
  c.Add({}, -3);
  c.Add({"unexpected label"}, 1);  // wrong label count: ignored
  EXPECT_EQ(registry.RenderText(),
            "# HELP c_total C.\n# TYPE c_total counter\nc_total 5\n"
            "# HELP g G.\n# TYPE g gauge\ng{market=\"new\"} 2\n");
}

TEST(MetricsRegistry, UpdatesFromThreadsAllCount) {
  MetricsRegistry registry;
  Counter& c = registry.AddCounter("c_total", "C.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) c.Add({});
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_THAT(registry.RenderText(), HasSubstr("c_total 4000\n"));
}

}  // namespace
}  // namespace spotburst::sidecar
