// A sweep's report: the Pareto front of cost against demand served on
// hand-made points (ties included), the table and its orders, the CSV, and
// the SVG chart as an XML reader sees it.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pugixml.hpp"
#include "spotburst/sim/sweep.h"

namespace spotburst::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<bool> Front(const std::vector<SweepPoint>& points) {
  return ParetoFront(points);
}

TEST(ParetoFront, KeepsTheRunsNoOtherBeatsOnBothCostAndService) {
  EXPECT_THAT(Front({{10, 0.90},    // cheapest
                     {12, 0.95},    // more served for more
                     {13, 0.94},    // beaten by 12 / 0.95
                     {20, 0.99},    // most served
                     {25, 0.99}}),  // as much served, dearer
              ElementsAre(true, true, false, true, false));
  EXPECT_TRUE(Front({}).empty());
  EXPECT_THAT(Front({{5, 0.5}}), ElementsAre(true));
}

TEST(ParetoFront, TiesAreKeptOnlyWhenNothingIsStrictlyBetter) {
  // Equal points are all on it; an equal cost serving less, or an equal
  // service costing more, is not.
  EXPECT_THAT(Front({{10, 0.9}, {10, 0.9}, {10, 0.8}, {12, 0.9}, {12, 0.95}}),
              ElementsAre(true, true, false, false, true));
  // Serving no more than a cheaper run is not enough.
  EXPECT_THAT(Front({{8, 0.9}, {9, 0.9}, {9, 0.7}}),
              ElementsAre(true, false, false));
}

SweepReport Report() {
  SweepReport report;
  report.grid_name = "g<1>";
  report.base_policy = "base";
  report.scenario_name = "week";
  report.start = absl::FromUnixSeconds(1615161600);  // 2021-03-08
  report.end = report.start + absl::Hours(24 * 7);
  report.fields = {"scaling.burst_point", "bidding.strategy"};
  report.rows = {
      {{"0.6", "mean"}, 30, 100, 0.80, 1, true},
      {{"0.6", "a,b"}, 150, 100, 0.97, 9, true},
      {{"0.9", "mean"}, 40, 100, 0.78, 0, false},
      {{"0.9", "current-plus"}, 120, 100, 0.95, 4, true},
  };
  return report;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST(SweepTable, OneRowPerRunWithTheFrontMarkedAndTheYardstick) {
  const std::string table = FormatSweepTable(Report(), SweepOrder::kGrid);
  const std::vector<std::string> lines = Lines(table);
  ASSERT_GE(lines.size(), 8u) << table;
  EXPECT_THAT(lines[0], HasSubstr("sweep \"g<1>\" of base over scenario "
                                  "\"week\", 2021-03-08 00:00 to 2021-03-15 "
                                  "00:00 UTC; 4 runs"));
  EXPECT_THAT(lines[1], HasSubstr("scaling.burst_point bidding.strategy"));
  EXPECT_THAT(lines[1], HasSubstr("cost USD cost/ref served % interr."));
  EXPECT_EQ(lines[2].substr(0, 2), "* ");
  EXPECT_THAT(lines[2], HasSubstr("30.0000    0.300    80.00       1"));
  EXPECT_EQ(lines[4].substr(0, 2), "  ");  // dearer and serves less
  EXPECT_THAT(lines[4], HasSubstr("0.9"));
  EXPECT_THAT(table, HasSubstr("* the Pareto front, 3 of 4 runs"));
  EXPECT_THAT(table, HasSubstr("yardstick: 100.0000 USD for every run"));
}

TEST(SweepTable, SortsByCostKeepingTheGridOrderOnTies) {
  SweepReport report = Report();
  report.rows[3].cost_usd = 30;  // ties with the first row
  const std::vector<std::string> lines =
      Lines(FormatSweepTable(report, SweepOrder::kCost));
  EXPECT_THAT(lines[2], HasSubstr("mean"));
  EXPECT_THAT(lines[2], HasSubstr("0.6"));
  EXPECT_THAT(lines[3], HasSubstr("current-plus"));
  EXPECT_THAT(lines[4], HasSubstr("40.0000"));
  EXPECT_THAT(lines[5], HasSubstr("150.0000"));
}

TEST(SweepTable, SaysSoWhenTheYardsticksDiffer) {
  SweepReport report = Report();
  report.rows[1].reference_usd = 0;  // e.g. a baseline that serves it all
  const std::string table = FormatSweepTable(report, SweepOrder::kGrid);
  EXPECT_THAT(table, HasSubstr("different yardsticks"));
  EXPECT_THAT(Lines(table)[3], HasSubstr("150.0000        -    97.00"));
}

TEST(SweepCsv, HasTheSettingsAndFiguresOfEachRunQuotedAsNeeded) {
  const std::vector<std::string> lines =
      Lines(FormatSweepCsv(Report(), SweepOrder::kCost));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0],
            "scaling.burst_point,bidding.strategy,cost_usd,reference_usd,"
            "cost_per_reference,served_percent,interruptions,pareto_front");
  EXPECT_EQ(lines[1], "0.6,mean,30.000000,100.000000,0.300000,80.0000,1,true");
  EXPECT_EQ(lines[2], "0.9,mean,40.000000,100.000000,0.400000,78.0000,0,false");
  EXPECT_EQ(lines[4],
            "0.6,\"a,b\",150.000000,100.000000,1.500000,97.0000,9,true");
}

TEST(SweepChart, IsXmlWithEveryRunAndTheFrontMarkedAndListed) {
  const std::string path = ::testing::TempDir() + "sweep_chart.svg";
  ASSERT_TRUE(WriteSweepChartSvg(Report(), path).ok());
  pugi::xml_document svg;
  const pugi::xml_parse_result parsed = svg.load_file(path.c_str());
  ASSERT_TRUE(parsed) << parsed.description();
  int runs = 0, front = 0;
  for (const pugi::xpath_node& dot : svg.select_nodes("//circle[@class]")) {
    const std::string css = dot.node().attribute("class").value();
    runs += css == "run" || css == "run front";
    front += css == "run front";
  }
  EXPECT_EQ(runs, 4);
  EXPECT_EQ(front, 3);
  // The front is joined left to right: three points, rising.
  const pugi::xpath_node line =
      svg.select_node("//polyline[@data-series='Pareto front (3)']");
  ASSERT_TRUE(line);
  const std::vector<std::string> points =
      absl::StrSplit(line.node().attribute("points").value(), ' ');
  EXPECT_EQ(points.size(), 3u);
  EXPECT_TRUE(
      svg.select_node("//polyline[@data-series='yardstick 100.00 "
                      "USD']"));
  std::vector<std::string> listed;
  for (const pugi::xpath_node& text :
       svg.select_nodes("//text[@class='front-settings']")) {
    listed.push_back(text.node().text().get());
  }
  EXPECT_THAT(listed, ElementsAre(HasSubstr("1.  scaling.burst_point=0.6, "
                                            "bidding.strategy=mean"),
                                  HasSubstr("2.  scaling.burst_point=0.9, "
                                            "bidding.strategy=current-plus"),
                                  HasSubstr("3.  scaling.burst_point=0.6, "
                                            "bidding.strategy=a,b")));
  // The axes are labelled, and the grid's name is escaped in the title.
  const std::string title = svg.child("svg").child("title").text().get();
  EXPECT_THAT(title, HasSubstr("g<1>"));
  std::stringstream raw;
  raw << std::ifstream(path).rdbuf();
  EXPECT_THAT(raw.str(), HasSubstr("demand served (%)"));
  EXPECT_THAT(raw.str(), HasSubstr("cost (USD)"));
  EXPECT_THAT(raw.str(), Not(HasSubstr("g<1>")));
}

TEST(SweepChart, DrawsTheCeilingWithinTheRunsRanges) {
  SweepReport report = Report();
  // The runs serve 78 % to 97 % and cost up to 150: the first point and
  // the last are off the chart.
  report.ceiling = {{5, 0.5}, {20, 0.85}, {60, 0.9}, {100, 0.96}, {400, 0.97}};
  const std::string path = ::testing::TempDir() + "sweep_chart_ceiling.svg";
  ASSERT_TRUE(WriteSweepChartSvg(report, path).ok());
  pugi::xml_document svg;
  ASSERT_TRUE(svg.load_file(path.c_str()));
  const pugi::xpath_node line = svg.select_node(
      "//polyline[@data-series='ceiling: idealised rules (3)']");
  ASSERT_TRUE(line);
  const std::vector<std::string> points =
      absl::StrSplit(line.node().attribute("points").value(), ' ');
  EXPECT_EQ(points.size(), 3u);

  // Without one: no line.
  const std::string plain = ::testing::TempDir() + "sweep_chart_plain.svg";
  ASSERT_TRUE(WriteSweepChartSvg(Report(), plain).ok());
  std::stringstream raw;
  raw << std::ifstream(plain).rdbuf();
  EXPECT_THAT(raw.str(), Not(HasSubstr("ceiling")));
}

TEST(SweepChart, NamesTheFileItCannotWrite) {
  const absl::Status s =
      WriteSweepChartSvg(Report(), "/nonexistent-dir/sweep.svg");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("/nonexistent-dir/sweep.svg"));
}

}  // namespace
}  // namespace spotburst::sim
