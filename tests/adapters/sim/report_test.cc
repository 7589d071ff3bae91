// Reports of simulation runs, from hand-built results: the summary's
// numbers, compare mode's marking, the CSV timeline and the SVG chart.
#include "spotburst/sim/report.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spotburst::sim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

absl::Time At(const char* rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

SimulationResult Result(const std::string& policy, double spot,
                        double on_demand, double hindsight, double served) {
  SimulationResult r;
  r.scenario_name = "june-2015";
  r.policy_name = policy;
  r.start = At("2015-06-01T00:00:00Z");
  r.end = At("2015-06-08T00:00:00Z");
  r.totals.spot_cost_usd = spot;
  r.totals.on_demand_cost_usd = on_demand;
  r.totals.hindsight_reference_usd = hindsight;
  r.totals.served_share = served;
  return r;
}

// One row a minute; the price alternates 0.1 / 0.2 apart from `spikes`.
SimulationResult WithTimeline(int rows, const std::set<int>& spikes = {}) {
  SimulationResult r = Result("current-plus", 1, 0, 1, 1);
  r.end = r.start + absl::Minutes(rows);
  for (int i = 0; i < rows; ++i) {
    TimelineRow row;
    row.time = r.start + absl::Minutes(i);
    row.price_usd = spikes.count(i) ? 1.0 : (i % 2 ? 0.2 : 0.1);
    if (i % 10 == 0) row.bid_usd = 0.3;
    row.desired = i % 7;
    row.running_spot = i % 5;
    row.demand = {.cpus = 50, .mem_mib = 1024};
    row.capacity = {.cpus = 40 + 2.0 * row.running_spot, .mem_mib = 81920};
    row.used = {.cpus = 40, .mem_mib = 1024};
    row.usage_share = row.used.cpus / row.capacity.cpus;
    row.burst_point = 0.75;
    row.cost_usd = 0.01 * i;
    row.actions = i == 3 ? "request-spot:1,cancel-request:1" : "";
    r.timeline.push_back(row);
  }
  return r;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size())) {
    ++n;
  }
  return n;
}

// The "x,y" pairs of every polyline of one series.
std::vector<std::pair<double, double>> SeriesPoints(const std::string& svg,
                                                    const std::string& name) {
  std::vector<std::pair<double, double>> points;
  const std::string marker = "data-series=\"" + name + "\"";
  for (size_t at = svg.find(marker); at != std::string::npos;
       at = svg.find(marker, at + 1)) {
    const size_t from = svg.find("points=\"", at) + 8;
    const std::string list = svg.substr(from, svg.find('"', from) - from);
    for (absl::string_view pair : absl::StrSplit(list, ' ')) {
      std::vector<std::string> xy = absl::StrSplit(pair, ',');
      points.emplace_back(std::stod(xy[0]), std::stod(xy[1]));
    }
  }
  return points;
}

TEST(ReportSummary, ShowsCostSplitHindsightRegretAndServiceFigures) {
  SimulationResult r = Result("experiment1-revised", 10, 2.5, 10, 0.9876);
  r.totals.unmet_hours = {.cpus = 12.5, .mem_mib = 2048};
  r.totals.demand_hours = {.cpus = 1000};
  r.totals.burst_utilisation = 0.783;
  r.totals.idle_paid_instance_hours = 5.25;
  r.totals.interruptions = 3;
  r.totals.spot_requests = 40;
  r.totals.requests_cancelled = 4;
  r.totals.instances_launched = 36;
  r.totals.instances_ended_by_policy = 30;
  const std::string text = FormatSummary(r);
  EXPECT_THAT(text, HasSubstr("\"experiment1-revised\""));
  EXPECT_THAT(text, HasSubstr("\"june-2015\""));
  EXPECT_THAT(text,
              HasSubstr("2015-06-01 00:00 to 2015-06-08 00:00 UTC (7d 0h)"));
  EXPECT_THAT(text, HasSubstr("12.5000 USD  (spot 10.0000, on-demand 2.5000)"));
  EXPECT_THAT(text, HasSubstr("hindsight reference"));
  EXPECT_THAT(text, HasSubstr("10.0000 USD  (the instances needed, each "
                              "second at the cheaper price)"));
  EXPECT_THAT(text, HasSubstr("2.5000 USD  (25.0 % above the reference)"));
  EXPECT_THAT(text, HasSubstr("12.50 CPU-hours, 2.00 GiB-hours of memory"));
  EXPECT_THAT(text, HasSubstr("98.76 %"));
  EXPECT_THAT(text, HasSubstr("78.3 %"));
  EXPECT_THAT(text, HasSubstr("5.25 instance-hours"));
  EXPECT_THAT(text, HasSubstr("40 made, 4 cancelled"));
  EXPECT_THAT(text, HasSubstr("36 launched, 30 ended by the policy"));
  EXPECT_THAT(text, Not(HasSubstr("failed evaluations")));
}

TEST(ReportSummary, SaysWhyTheCostIsBelowTheReference) {
  SimulationResult r = Result("no-burst", 0, 0, 1.5, 0.9);
  r.totals.unmet_hours.cpus = 12;
  std::string text = FormatSummary(r);
  EXPECT_THAT(text, HasSubstr("-1.5000 USD  (below the reference, which is "
                              "not a lower bound: it left 12.00 CPU-hours "
                              "unserved (served 90.00 %))"));
  EXPECT_THAT(text, Not(HasSubstr("% above")));
  // Serving everything, but with interrupted hours nobody paid for.
  r = Result("lucky", 1, 0, 1.5, 1.0);
  r.totals.spot_instance_hours = 10;
  r.totals.uncharged_interrupted_hours = 2.5;
  r.totals.billing = BillingModel::kHourly;
  text = FormatSummary(r);
  EXPECT_THAT(text, HasSubstr("not a lower bound: 2.50 instance-hours cut "
                              "short by interruptions were not charged; "
                              "hourly billing charged each hour at the price "
                              "when it started)"));
  EXPECT_THAT(text, Not(HasSubstr("unserved")));
  EXPECT_THAT(text, HasSubstr("not charged            2.50 instance-hours cut "
                              "short by interruptions"));
}

TEST(ReportSummary, CountsBilledInstanceHoursAndWhatRan) {
  SimulationResult r = Result("p", 1, 0, 1, 1);
  r.totals.spot_instance_hours = 3;
  r.totals.on_demand_instance_hours = 1;
  r.totals.run_instance_hours = 2.25;
  const std::string text = FormatSummary(r);
  EXPECT_THAT(text, HasSubstr("instance-hours         billed: spot 3.00, "
                              "on-demand 1.00 (ran 2.25)"));
  EXPECT_THAT(text, Not(HasSubstr("not charged")));
}

TEST(ReportSummary, WarnsWhenThePolicyAssumesAnotherBillingModel) {
  SimulationResult r = Result("p", 1, 0, 1, 1);
  EXPECT_THAT(FormatSummary(r), Not(HasSubstr("WARNING")));
  r.totals.billing = BillingModel::kPerSecond;
  r.totals.policy_billing = BillingModel::kHourly;
  EXPECT_THAT(FormatSummary(r),
              HasSubstr("WARNING                the cloud bills per-second "
                        "but the policy assumes hourly billing"));
}

TEST(ReportSummary, ReportsFailedEvaluations) {
  SimulationResult r = Result("p", 1, 0, 1, 1);
  r.totals.failed_ticks = 2;
  r.totals.first_error = "no price before 2015-06-01";
  EXPECT_THAT(FormatSummary(r),
              HasSubstr("2 (first: no price before 2015-06-01)"));
}

TEST(ReportSummary, ClaimsNoServiceWhenEvaluationsFailed) {
  SimulationResult r = Result("p", 1, 0, 1, 1);
  r.totals.evaluations = 1440;
  r.totals.failed_ticks = 1440;
  r.totals.first_error = "at 2015-06-15T00:00:00Z: stale price";
  const std::string text = FormatSummary(r);
  EXPECT_THAT(text, HasSubstr("FAILED                 1440 of 1440 evaluations "
                              "failed; the figures below are not the "
                              "policy's"));
  EXPECT_THAT(text, HasSubstr("not known: 1440 evaluations failed"));
  EXPECT_THAT(text, Not(HasSubstr("100.00 %")));
}

TEST(ReportComparison, NeverMarksAPolicyWhoseEvaluationsFailed) {
  std::vector<SimulationResult> results = {
      Result("broken", 0, 0, 5, 1.0),  // cheapest and "serves" everything
      Result("current-plus", 8, 0, 5, 0.995),
  };
  results[0].totals.evaluations = 100;
  results[0].totals.failed_ticks = 100;
  results[0].totals.first_error = "at 2015-06-15T00:00:00Z: stale price";
  const std::string text = FormatComparison(results, 0.99);
  EXPECT_THAT(text, HasSubstr("* current-plus "));
  EXPECT_THAT(text, HasSubstr("FAILED: broken: 100 of 100 evaluations failed"));
}

TEST(ReportComparison, MarksTheCheapestPolicyMeetingTheServiceLevel) {
  const std::vector<SimulationResult> results = {
      Result("current-plus", 8, 0, 5, 0.995),
      Result("no-burst", 0, 0, 0, 0.80),  // cheapest, but misses
      Result("minimum", 6, 1, 5, 0.99),   // cheapest that meets 0.99
      Result("on-demand-only", 0, 20, 5, 1.0),
  };
  const std::string text = FormatComparison(results, 0.99);
  EXPECT_THAT(text, HasSubstr("* minimum "));
  EXPECT_THAT(text, HasSubstr("  no-burst "));
  EXPECT_THAT(text, HasSubstr("  current-plus "));
  EXPECT_EQ(Count(text, "\n* "), 2u) << text;  // the row and the footnote
  EXPECT_THAT(text, HasSubstr("* cheapest policy serving at least 99.00 % of "
                              "demand (the service level used): minimum "
                              "(7.0000 USD)"));
  // Rows keep the order given.
  EXPECT_LT(text.find("current-plus"), text.find("no-burst"));
  EXPECT_LT(text.find("no-burst"), text.find("on-demand-only"));
  // Regret: 7 - 5 over 5.
  EXPECT_THAT(text, HasSubstr("40.0"));
}

TEST(ReportComparison, SaysSoWhenNoPolicyMeetsTheServiceLevel) {
  const std::vector<SimulationResult> results = {
      Result("current-plus", 8, 0, 5, 0.95),
      Result("no-burst", 0, 0, 0, 0.80),
  };
  const std::string text = FormatComparison(results, 0.99);
  EXPECT_THAT(text, Not(HasSubstr("\n* ")));
  EXPECT_THAT(text, HasSubstr("no policy served at least 99.00 % of demand "
                              "(the service level used); the best served "
                              "95.00 % (current-plus)"));
}

TEST(ReportComparison, NamesRowsWithIdenticalResultsAndWhy) {
  std::vector<SimulationResult> results = {
      Result("current-plus", 8, 0, 5, 0.995),
      Result("on-demand-bid", 8, 0, 5, 0.995),
      Result("mean", 8, 0, 5, 0.995),
      Result("minimum", 6, 1, 5, 0.99),
  };
  results[0].totals.decisions_digest = results[1].totals.decisions_digest = 7;
  results[2].totals.decisions_digest = 8;  // same figures, other decisions
  const std::string text = FormatComparison(results, 0.99);
  EXPECT_THAT(text, HasSubstr("identical results: current-plus, "
                              "on-demand-bid, mean — their decisions "
                              "differed, their costs and service did not"));
  results[2].totals.decisions_digest = 7;
  EXPECT_THAT(FormatComparison(results, 0.99),
              HasSubstr("identical results: current-plus, on-demand-bid, "
                        "mean — they took the same actions at every "
                        "evaluation: what differs between these policies "
                        "never changed a decision in this run"));
  EXPECT_THAT(FormatComparison({results[0], results[3]}, 0.99),
              Not(HasSubstr("identical")));
}

TEST(ReportComparison, ExplainsNegativeRegretAndTheOneReference) {
  std::vector<SimulationResult> results = {
      Result("current-plus", 8, 0, 5, 0.995),
      Result("no-burst", 0, 0, 5, 0.80),
  };
  results[1].totals.unmet_hours.cpus = 20;
  std::string text = FormatComparison(results, 0.99);
  EXPECT_THAT(text, HasSubstr("reference: 5.0000 USD for every row"));
  EXPECT_THAT(text, HasSubstr("not a lower bound (docs/reports.md)"));
  EXPECT_THAT(text, HasSubstr("negative regret (below the reference, which is "
                              "not a lower bound): no-burst: it left 20.00 "
                              "CPU-hours unserved (served 80.00 %)"));
  EXPECT_THAT(text, Not(HasSubstr("current-plus: it left")));
  results[1].totals.hindsight_reference_usd = 4;
  text = FormatComparison(results, 0.99);
  EXPECT_THAT(text, HasSubstr("the rows have different references"));
  EXPECT_THAT(text, Not(HasSubstr("for every row")));
}

TEST(ReportComparison, WarnsOfABillingMismatch) {
  std::vector<SimulationResult> results = {Result("hourly-policy", 1, 0, 1, 1)};
  results[0].totals.billing = BillingModel::kPerSecond;
  results[0].totals.policy_billing = BillingModel::kHourly;
  EXPECT_THAT(FormatComparison(results, 0.99),
              HasSubstr("WARNING: hourly-policy: the cloud bills per-second "
                        "but the policy assumes hourly billing"));
}

TEST(ReportCsv, WritesHeaderAndOneRowPerEvaluation) {
  const std::string path = ::testing::TempDir() + "report_test.csv";
  ASSERT_TRUE(WriteTimelineCsv(WithTimeline(10), path).ok());
  const std::vector<std::string> lines =
      absl::StrSplit(ReadAll(path), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_EQ(lines[0].substr(0, 45),
            "time,price_usd,bid_usd,desired,open_requests,");
  EXPECT_THAT(lines[0], HasSubstr(",usage_share,burst_point,cost_usd,"
                                  "interruptions,supply_mode,actions"));
  // Row 3 (line 4): its actions hold a comma, so they are quoted.
  EXPECT_EQ(lines[4],
            "2015-06-01T00:03:00Z,0.2,,3,0,0,3,0,50,1024,0,0,46,81920,0,0,"
            "40,1024,0,0,0.8695652174,0.75,0.03,0,spot,"
            "\"request-spot:1,cancel-request:1\"");
}

TEST(ReportCsv, NamesTheFileItCannotWrite) {
  const absl::Status s =
      WriteTimelineCsv(WithTimeline(1), "/nonexistent-dir/t.csv");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(s.message()), HasSubstr("/nonexistent-dir/t.csv"));
}

TEST(ReportSvg, HasThreePanelsTheTitleAndEscapedNames) {
  SimulationResult r = WithTimeline(600);
  r.policy_name = "bids <high> & low";
  r.scenario_name = "a&b";
  const std::string path = ::testing::TempDir() + "report_test.svg";
  ASSERT_TRUE(WriteChartSvg(r, path).ok());
  const std::string svg = ReadAll(path);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_THAT(svg, HasSubstr("</svg>"));
  EXPECT_EQ(Count(svg, "class=\"panel\""), 3u);
  EXPECT_THAT(svg, HasSubstr("Scenario &quot;a&amp;b&quot; — policy &quot;bids "
                             "&lt;high&gt; &amp; low&quot;"));
  EXPECT_THAT(svg, Not(HasSubstr("<high>")));
  EXPECT_THAT(svg, Not(HasSubstr("a&b")));
  for (const char* series : {"market price", "bid", "desired", "running spot",
                             "usage (busiest resource)", "burst point"}) {
    EXPECT_FALSE(SeriesPoints(svg, series).empty()) << series;
  }
  EXPECT_THAT(svg, HasSubstr("stroke-dasharray"));  // the burst point
}

TEST(ReportSvg, ReducesLongTimelinesButKeepsEverySpike) {
  const int kRows = 20000;
  const std::string path = ::testing::TempDir() + "report_test_long.svg";
  ASSERT_TRUE(WriteChartSvg(WithTimeline(kRows, {12345}), path).ok());
  const std::string svg = ReadAll(path);
  // At most 1500 samples per series, each drawn as a step of two vertices.
  const auto price = SeriesPoints(svg, "market price");
  EXPECT_LE(price.size(), 2u * 1500 + 1);
  EXPECT_GT(price.size(), 100u);
  // The lines still reach the three levels: 0.1, 0.2 and the single 1.0.
  std::set<double> levels;
  for (const auto& [x, y] : price) levels.insert(y);
  EXPECT_EQ(levels.size(), 3u);
  // The spike is the highest point (smallest y), well above the others.
  const double spike = *levels.begin(), high = *std::next(levels.begin()),
               low = *levels.rbegin();
  EXPECT_NEAR((low - spike) / (low - high), 9, 0.2);
  // The axis follows the usual prices; the spike is marked and named.
  EXPECT_THAT(svg, HasSubstr("off the scale: price up to 1.0000 USD/h"));
}

TEST(ReportInstancesCsv, OneRowPerInstanceWithItsBill) {
  SimulationResult r = Result("p", 0.1, 0.2, 0, 1);
  InstanceLedgerRow spot;
  spot.id = "i-00000001";
  spot.lifecycle = Lifecycle::kSpot;
  spot.market = "c4.large/us-east-1b/Linux/UNIX";
  spot.price_usd = 0.15;
  spot.requested = At("2015-06-01T00:00:00Z");
  spot.launched = At("2015-06-01T00:05:00Z");
  spot.joined = At("2015-06-01T00:08:00Z");
  spot.notice = At("2015-06-01T01:30:00Z");
  spot.ended = At("2015-06-01T01:32:00Z");
  spot.ended_by = InstanceEnd::kInterruption;
  spot.billed_s = 3600;
  spot.cost_usd = 0.1;
  InstanceLedgerRow od;
  od.id = "i-00000002";
  od.lifecycle = Lifecycle::kOnDemand;
  od.market = spot.market;
  od.price_usd = 0.1;
  od.requested = od.launched = At("2015-06-01T00:10:00Z");
  od.ended = At("2015-06-01T00:30:00Z");
  od.ended_by = InstanceEnd::kPolicy;
  od.billed_s = 3600;
  od.cost_usd = 0.1;
  r.instances = {spot, od};
  const std::string path = ::testing::TempDir() + "report_instances.csv";
  ASSERT_TRUE(WriteInstancesCsv(r, path).ok());
  const std::vector<std::string> lines =
      absl::StrSplit(ReadAll(path), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            "id,lifecycle,market,bid_usd,on_demand_usd,requested,launched,"
            "joined,notice,ended,ended_by,billed_s,billed_hours,cost_usd");
  EXPECT_EQ(lines[1],
            "i-00000001,spot,c4.large/us-east-1b/Linux/UNIX,0.15,,"
            "2015-06-01T00:00:00Z,2015-06-01T00:05:00Z,2015-06-01T00:08:00Z,"
            "2015-06-01T01:30:00Z,2015-06-01T01:32:00Z,interruption,3600,1,"
            "0.1");
  // No bid, no join, no notice: empty fields.
  EXPECT_EQ(lines[2],
            "i-00000002,on-demand,c4.large/us-east-1b/Linux/UNIX,,0.1,"
            "2015-06-01T00:10:00Z,2015-06-01T00:10:00Z,,,"
            "2015-06-01T00:30:00Z,policy,3600,1,0.1");
}

// The text of every <text> element whose attributes hold `attribute`,
// with its x.
std::vector<std::pair<double, std::string>> Texts(
    const std::string& svg, const std::string& attribute) {
  std::vector<std::pair<double, std::string>> out;
  for (size_t at = svg.find("<text "); at != std::string::npos;
       at = svg.find("<text ", at + 1)) {
    const size_t close = svg.find('>', at);
    const std::string tag = svg.substr(at, close - at);
    if (tag.find(attribute) == std::string::npos) continue;
    const size_t x = tag.find("x=\"") + 3;
    out.emplace_back(
        std::stod(tag.substr(x)),
        svg.substr(close + 1, svg.find("</text>", close) - close - 1));
  }
  return out;
}

std::string Chart(const SimulationResult& r, const std::string& name) {
  const std::string path = ::testing::TempDir() + name;
  EXPECT_TRUE(WriteChartSvg(r, path).ok());
  return ReadAll(path);
}

TEST(ReportSvg, CloseInterruptionsShareOneMarkerAndACountThatNeverOverlaps) {
  // A week: 1 px is about 10 minutes. Interruptions one at a time, 20
  // minutes apart, in three bursts, and one alone.
  SimulationResult r = WithTimeline(7 * 24 * 60);
  int interrupted = 0;
  for (size_t i = 0; i < r.timeline.size(); ++i) {
    const bool burst = (i >= 1000 && i < 1200) || (i >= 1300 && i < 1400) ||
                       (i >= 5000 && i < 5060);
    if ((burst && i % 20 == 0) || i == 9000) ++interrupted;
    r.timeline[i].interruptions = interrupted;
  }
  const std::string svg = Chart(r, "report_interruptions.svg");
  const auto counts = Texts(svg, "interruption-count");
  ASSERT_FALSE(counts.empty()) << svg;
  int shown = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    shown += std::stoi(counts[i].second.substr(2));  // after "×"
    if (i > 0) EXPECT_GE(counts[i].first - counts[i - 1].first, 24) << i;
  }
  // The lone one has a marker but no count; the others add up.
  EXPECT_EQ(shown, interrupted - 1);
  EXPECT_EQ(Count(svg, "<path class=\"marker\""), counts.size() + 1);
}

TEST(ReportSvg, DrawsTheOnDemandPriceAsAReference) {
  SimulationResult r = WithTimeline(60);
  r.on_demand_usd_per_hour = 0.5;
  const std::string svg = Chart(r, "report_on_demand.svg");
  const auto line = SeriesPoints(svg, "on-demand price");
  ASSERT_FALSE(line.empty());
  for (const auto& [x, y] : line) EXPECT_EQ(y, line.front().second);
  // Above the price line's highest point (0.2 USD/h; smaller y is higher).
  double price_top = 1e9;
  for (const auto& [x, y] : SeriesPoints(svg, "market price")) {
    price_top = std::min(price_top, y);
  }
  EXPECT_LT(line.front().second, price_top);
  EXPECT_THAT(svg, HasSubstr(">on-demand price</text>"));
}

TEST(ReportSvg, TheDemandNoteIsNotTheEmptyFleetAtTheStart) {
  SimulationResult r = WithTimeline(60);
  for (size_t i = 0; i < r.timeline.size(); ++i) {
    TimelineRow& row = r.timeline[i];
    // At the start only the 40-CPU private capacity for 100 CPUs asked
    // (250 %); once instances run, 64 CPUs for 100 (156 %).
    row.running_spot = i < 10 ? 0 : 12;
    row.demand.cpus = 100;
    row.capacity.cpus = 40 + 2.0 * row.running_spot;
  }
  std::string svg = Chart(r, "report_note.svg");
  EXPECT_THAT(svg, HasSubstr("demand up to 156 % of capacity with burst "
                             "instances running"));
  EXPECT_THAT(svg, Not(HasSubstr("250 %")));
  // Only the start off the scale: said so.
  for (size_t i = 10; i < r.timeline.size(); ++i) {
    r.timeline[i].capacity.cpus = 100;
  }
  svg = Chart(r, "report_note_start.svg");
  EXPECT_THAT(svg, HasSubstr("off the scale until the first burst instance "
                             "joined: demand up to 250 % of the private "
                             "capacity"));
}

TEST(ReportSvg, WarnsWhenThePolicyAssumesAnotherBillingModel) {
  SimulationResult r = WithTimeline(60);
  EXPECT_THAT(Chart(r, "report_no_warning.svg"),
              Not(HasSubstr("class=\"warning\"")));
  r.totals.billing = BillingModel::kPerSecond;
  r.totals.policy_billing = BillingModel::kHourly;
  const auto warnings = Texts(Chart(r, "report_warning.svg"), "warning");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0].second,
              HasSubstr("billing: the cloud bills per-second, the policy "
                        "assumes hourly"));
}

}  // namespace
}  // namespace spotburst::sim
