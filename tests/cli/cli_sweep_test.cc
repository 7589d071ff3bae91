// `spotburst sweep` end to end on a one-day scenario: the table, the same
// whatever the thread count; the CSV and the chart; the order by cost; and
// usage and grid errors, as a user or a calling tool sees them.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/run_program.h"
#include "testing/test_files.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using Result = ::spotburst::testing::ProgramResult;

using ::spotburst::testing::Repo;
using ::spotburst::testing::RunCli;

using ::spotburst::testing::WriteTestFile;

// A day on the 2015 m3.medium trace whose demand rises past the burst point
// for a while (as cli_simulate_test's).
std::string Scenario() {
  return WriteTestFile(
      "sweep_scenario.yaml",
      "name: cli-sweep\n"
      "start: \"2015-06-15T00:00:00Z\"\n"
      "duration_s: 86400\n"
      "seed: 7\n"
      "market:\n"
      "  price_trace: " +
          Repo("data/spot_us-east-1_2015-03_2015-07_m3.medium.csv") +
          "\n"
          "demand:\n"
          "  phases:\n"
          "    - {at_s: 0, tasks: 20, per_task: {cpus: 1, mem_mib: 1024}}\n"
          "    - {at_s: 21600, tasks: 42, per_task: {cpus: 1, mem_mib: "
          "1024}}\n"
          "    - {at_s: 64800, tasks: 15, per_task: {cpus: 1, mem_mib: "
          "1024}}\n");
}

// Four runs of experiment1-scale-up.
std::string Grid() {
  return WriteTestFile(
      "sweep_grid.yaml",
      "policy: " + Repo("examples/policies/experiment1-scale-up.yaml") +
          "\n"
          "settings:\n"
          "  scaling.burst_point: [0.6, 0.9]\n"
          "  bidding.strategy: [current-plus, on-demand]\n");
}

std::string Sweep(const std::string& flags) {
  return "sweep --scenario " + Scenario() + " --grid " + Grid() + " " + flags;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// The runs go to several threads; the table is the same, byte for byte.
TEST(CliSweep, TheTableIsTheSameWhateverTheThreadCount) {
  Result one = RunCli(Sweep("--threads 1"));
  Result two = RunCli(Sweep("--threads 2"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  ASSERT_EQ(two.exit_code, 0) << two.output;
  EXPECT_EQ(one.output, two.output);
  const std::vector<std::string> lines = Lines(one.output);
  ASSERT_GE(lines.size(), 7u) << one.output;
  EXPECT_THAT(lines[0], HasSubstr("of experiment1-scale-up over scenario "
                                  "\"cli-sweep\""));
  EXPECT_THAT(lines[1], HasSubstr("scaling.burst_point bidding.strategy"));
  // The grid's order: the last setting turns fastest.
  EXPECT_THAT(lines[2], HasSubstr("0.6                 current-plus"));
  EXPECT_THAT(lines[3], HasSubstr("0.6                 on-demand"));
  EXPECT_THAT(lines[5], HasSubstr("0.9                 on-demand"));
  EXPECT_THAT(one.output, HasSubstr("* the Pareto front"));
  EXPECT_THAT(one.output, HasSubstr("USD for every run, the hindsight "
                                    "reference"));
}

TEST(CliSweep, WritesCsvSortedByCostAndAChart) {
  const std::string chart = ::testing::TempDir() + "cli_sweep.svg";
  std::filesystem::remove(chart);
  Result r = RunCli(Sweep("--format csv --sort cost --chart " + chart));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<std::string> lines = Lines(r.output);
  ASSERT_EQ(lines.size(), 5u) << r.output;
  EXPECT_EQ(lines[0],
            "scaling.burst_point,bidding.strategy,cost_usd,reference_usd,"
            "cost_per_reference,served_percent,interruptions,pareto_front");
  double previous = -1;
  int on_front = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> fields = absl::StrSplit(lines[i], ',');
    ASSERT_EQ(fields.size(), 8u) << lines[i];
    const double cost = std::stod(fields[2]);
    EXPECT_GE(cost, previous) << r.output;
    previous = cost;
    on_front += fields[7] == "true";
  }
  // The cheapest run is always on the front.
  EXPECT_THAT(lines[1], HasSubstr(",true"));
  std::stringstream svg;
  svg << std::ifstream(chart).rdbuf();
  EXPECT_THAT(svg.str(), StartsWith("<svg"));
  size_t marked = 0;
  for (size_t at = 0;
       (at = svg.str().find("class=\"run front\"", at)) != std::string::npos;
       ++at) {
    ++marked;
  }
  EXPECT_EQ(marked, static_cast<size_t>(on_front));
  // Every run has the same yardstick: the ceiling is drawn.
  EXPECT_THAT(svg.str(), HasSubstr("data-series=\"ceiling: idealised rules ("));
}

TEST(CliSweep, DrawsTheProgressBarOnlyWhenAsked) {
  Result quiet = RunCli(Sweep("--threads 1"));  // auto, stderr is a pipe
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_THAT(quiet.output, Not(HasSubstr("\r")));
  Result shown = RunCli(Sweep("--threads 1 --progress=on"));
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  // Each run is named by its settings.
  EXPECT_THAT(shown.output, HasSubstr("100 %  scaling.burst_point=0.9 "
                                      "bidding.strategy=on-demand (4/4)"));
}

TEST(CliSweep, UsageErrorsExitWithTwo) {
  for (const std::string& args :
       {std::string("sweep --scenario ") + Scenario(), Sweep("--format json"),
        Sweep("--sort price"), Sweep("--threads -1"), Sweep("extra.yaml")}) {
    Result r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_THAT(r.output, StartsWith("spotburst sweep: ")) << args;
  }
}

TEST(CliSweep, AGridErrorNamesTheLineAndRunsNothing) {
  const std::string chart = ::testing::TempDir() + "cli_sweep_bad.svg";
  std::filesystem::remove(chart);
  const std::string grid = WriteTestFile(
      "sweep_bad_grid.yaml",
      "policy: " + Repo("examples/policies/experiment1-scale-up.yaml") +
          "\nsettings:\n  scaling.burst_point: [0.6, high]\n");
  Result r = RunCli("sweep --scenario " + Scenario() + " --grid " + grid +
                    " --chart " + chart);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("sweep_bad_grid.yaml:3: scaling.burst_point: "
                                  "expected a finite number, got \"high\""));
  EXPECT_FALSE(std::filesystem::exists(chart));
}

}  // namespace
