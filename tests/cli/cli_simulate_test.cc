// `spotburst simulate` and `spotburst compare` end to end: the summary, the
// files written, determinism, bad trace lines, the comparison table and the
// progress bar, as a user or a calling tool sees them.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/run_program.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using Result = ::spotburst::testing::ProgramResult;

using ::spotburst::testing::Repo;
using ::spotburst::testing::RunCli;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A one-day scenario on the 2015 m3.medium trace whose demand rises past
// the burst point for a while; `price_trace` defaults to the real trace.
std::string WriteScenario(const std::string& file_name,
                          const std::string& price_trace = "") {
  const std::string path = ::testing::TempDir() + file_name;
  std::ofstream(path)
      << "name: cli-sim\n"
         "start: \"2015-06-15T00:00:00Z\"\n"
         "duration_s: 86400\n"
         "seed: 7\n"
         "market:\n"
         "  price_trace: "
      << (price_trace.empty()
              ? Repo("data/spot_us-east-1_2015-03_2015-07_m3.medium.csv")
              : price_trace)
      << "\n"
         "demand:\n"
         "  phases:\n"
         "    - {at_s: 0, tasks: 20, per_task: {cpus: 1, mem_mib: 1024}}\n"
         "    - {at_s: 21600, tasks: 42, per_task: {cpus: 1, mem_mib: 1024}}\n"
         "    - {at_s: 64800, tasks: 15, per_task: {cpus: 1, mem_mib: 1024}}\n";
  return path;
}

std::string Policy(const std::string& name) {
  return Repo("examples/policies/" + name + ".yaml");
}

// experiment1-scale-up bidding the mean price instead, as "scale-up-mean".
std::string MeanBidPolicy() {
  std::string text = ReadAll(Policy("experiment1-scale-up"));
  auto replace = [&text](const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    if (at != std::string::npos) text.replace(at, from.size(), to);
  };
  replace("name: experiment1-scale-up", "name: scale-up-mean");
  replace("strategy: current-plus", "strategy: mean");
  const std::string path = ::testing::TempDir() + "scale-up-mean.yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(CliSimulate, PrintsTheSummaryAndWritesTimelineAndChart) {
  const std::string out = ::testing::TempDir() + "cli_sim_out";
  std::filesystem::remove_all(out);
  Result r =
      RunCli("simulate --scenario " + WriteScenario("sim.yaml") + " --policy " +
             Policy("experiment1-scale-up") + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("policy \"experiment1-scale-up\" on "
                                  "scenario \"cli-sim\""));
  EXPECT_THAT(r.output, HasSubstr("hindsight reference"));
  EXPECT_THAT(r.output, HasSubstr("served"));
  const std::string csv = out + "/experiment1-scale-up.timeline.csv";
  const std::string ledger = out + "/experiment1-scale-up.instances.csv";
  const std::string svg = out + "/experiment1-scale-up.svg";
  EXPECT_THAT(r.output, HasSubstr(csv));
  EXPECT_THAT(r.output, HasSubstr(ledger));
  EXPECT_THAT(r.output, HasSubstr(svg));
  EXPECT_THAT(ReadAll(ledger), StartsWith("id,lifecycle,market,"));
  EXPECT_THAT(ReadAll(csv), StartsWith("time,price_usd,bid_usd,desired,"));
  // One row a minute for a day, plus the header (give or take the ends).
  const std::string timeline = ReadAll(csv);
  const auto rows = std::count(timeline.begin(), timeline.end(), '\n');
  EXPECT_GE(rows, 1440);
  EXPECT_LE(rows, 1442);
  const std::string chart = ReadAll(svg);
  EXPECT_THAT(chart, StartsWith("<svg"));
  EXPECT_THAT(chart, HasSubstr("experiment1-scale-up"));
}

TEST(CliSimulate, GivesTheSameTimelineOnEveryRun) {
  const std::string scenario = WriteScenario("sim_twice.yaml");
  std::string timelines[2];
  for (int i = 0; i < 2; ++i) {
    const std::string out =
        ::testing::TempDir() + "cli_sim_twice_" + std::to_string(i);
    Result r = RunCli("simulate --scenario " + scenario + " --policy " +
                      Policy("experiment1-scale-up") + " --out " + out);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    timelines[i] = ReadAll(out + "/experiment1-scale-up.timeline.csv");
  }
  EXPECT_FALSE(timelines[0].empty());
  EXPECT_EQ(timelines[0], timelines[1]);
}

TEST(CliSimulate, BadPriceTraceLineNamesFileAndLine) {
  const std::string trace = ::testing::TempDir() + "bad_sim_trace.csv";
  std::ofstream(trace)
      << "timestamp,region,availability_zone,instance_type,product,"
         "price_usd_per_hour\n"
         "2015-05-31T10:34:42Z,us-east-1,us-east-1b,m3.medium,Linux/UNIX,0.1\n"
         "2015-05-31T10:40:00Z,us-east-1,us-east-1b,m3.medium,Linux/UNIX,x\n";
  Result r = RunCli("simulate --scenario " +
                    WriteScenario("bad_trace_sim.yaml", trace) + " --policy " +
                    Policy("experiment1-scale-up") + " --out " +
                    ::testing::TempDir() + "cli_sim_bad");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("bad_sim_trace.csv:3:"));
}

// experiment1-scale-up with a price age limit no trace point meets, so
// that every evaluation fails ("stale price").
std::string StalePricePolicy() {
  std::string text = ReadAll(Policy("experiment1-scale-up"));
  const size_t at = text.find("bidding:\n");
  text.insert(at + 9, "  max_price_age_s: 1\n");
  const std::string path = ::testing::TempDir() + "stale-price.yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(CliSimulate, FailsWhenEvaluationsFailAndClaimsNoService) {
  const std::string out = ::testing::TempDir() + "cli_sim_stale";
  std::filesystem::remove_all(out);
  Result r = RunCli("simulate --scenario " + WriteScenario("stale.yaml") +
                    " --policy " + StalePricePolicy() + " --out " + out);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("of 1440 evaluations failed"));
  EXPECT_THAT(r.output, HasSubstr("first at 2015-06-15T00:00:00Z"));
  EXPECT_THAT(r.output, Not(HasSubstr("served")));
  EXPECT_FALSE(std::filesystem::exists(out + "/experiment1-scale-up.svg"));
}

TEST(CliCompare, FailsWhenAPolicysEvaluationsFail) {
  Result r = RunCli("compare --scenario " + WriteScenario("stale_cmp.yaml") +
                    " --policy " + Policy("experiment1-scale-up") + "," +
                    StalePricePolicy());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("evaluations failed"));
}

TEST(CliSimulate, RefusesAScenarioThatOutrunsItsPriceTrace) {
  const std::string trace = ::testing::TempDir() + "half_day_trace.csv";
  std::ofstream(trace)
      << "timestamp,region,availability_zone,instance_type,product,"
         "price_usd_per_hour\n"
         "2015-06-14T23:00:00Z,us-east-1,us-east-1b,m3.medium,Linux/UNIX,0.01\n"
         "2015-06-15T12:00:00Z,us-east-1,us-east-1b,m3.medium,Linux/"
         "UNIX,0.02\n";
  Result r =
      RunCli("simulate --scenario " + WriteScenario("outrun_sim.yaml", trace) +
             " --policy " + Policy("experiment1-scale-up") + " --out " +
             ::testing::TempDir() + "cli_sim_outrun");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("runs to 2015-06-16T00:00:00Z (start + "
                                  "duration_s)"));
  EXPECT_THAT(r.output, HasSubstr("ends at 2015-06-15T12:00:00Z"));
  EXPECT_THAT(r.output, HasSubstr("duration_s to at most 43200"));
  EXPECT_THAT(r.output, Not(HasSubstr("served")));
}

TEST(CliSimulate, RequiresAScenario) {
  Result r = RunCli("simulate --policy " + Policy("experiment1-scale-up"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("--scenario is required"));
}

TEST(CliSimulate, DrawsNoProgressBarWhenStandardErrorIsNotATerminal) {
  const std::string scenario = WriteScenario("sim_progress.yaml");
  const std::string args = "simulate --scenario " + scenario + " --policy " +
                           Policy("experiment1-scale-up") + " --out " +
                           ::testing::TempDir() + "cli_sim_progress";
  Result quiet = RunCli(args);  // --progress=auto, and stderr is a pipe
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_THAT(quiet.output, Not(HasSubstr("\r")));
  Result forced = RunCli(args + " --progress=on");
  ASSERT_EQ(forced.exit_code, 0) << forced.output;
  EXPECT_THAT(forced.output, HasSubstr("\r["));
  EXPECT_THAT(forced.output, HasSubstr("100 %  experiment1-scale-up (1/1)"));
}

TEST(CliCompare, PrintsOneTableWithTheCheapestServingPolicyMarked) {
  // One policy by flag, one after the command; the baselines are added.
  Result r = RunCli("compare --scenario " + WriteScenario("compare.yaml") +
                    " --policy " + Policy("experiment1-scale-up") + " " +
                    MeanBidPolicy() + " --service_level 0.5");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* name : {"experiment1-scale-up", "scale-up-mean", "no-burst",
                           "on-demand-only"}) {
    EXPECT_THAT(r.output, HasSubstr(name));
  }
  EXPECT_THAT(r.output, HasSubstr("unmet CPU-h"));
  // One reference for every row, the no-burst baseline's included.
  EXPECT_THAT(r.output, HasSubstr(" USD for every row, the hindsight "
                                  "reference"));
  EXPECT_THAT(r.output, HasSubstr("* cheapest policy serving at least 50.00 % "
                                  "of demand (the service level used): "));
  // Exactly one row is marked.
  size_t marked = 0;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("* ", 0) == 0 && line.find("cheapest") == std::string::npos)
      ++marked;
  }
  EXPECT_EQ(marked, 1u) << r.output;
}

// The policies run on several threads; the table is the same, row for
// row, as when they run one at a time.
TEST(CliCompare, TheTableIsTheSameWhateverTheThreadCount) {
  const std::string args =
      "compare --scenario " + WriteScenario("compare_threads.yaml") +
      " --policy " + Policy("experiment1-scale-up") + " " + MeanBidPolicy();
  Result one = RunCli(args + " --threads 1");
  Result three = RunCli(args + " --threads 3");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  ASSERT_EQ(three.exit_code, 0) << three.output;
  EXPECT_EQ(one.output, three.output);
  EXPECT_THAT(one.output, HasSubstr("scale-up-mean"));
  Result bad = RunCli(args + " --threads -1");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.output, HasSubstr("--threads must be between 0"));
}

TEST(CliCompare, SaysSoWhenNoPolicyMeetsTheServiceLevel) {
  Result r = RunCli("compare --scenario " + WriteScenario("compare_none.yaml") +
                    " --policy " + Policy("experiment1-scale-up") +
                    " --baselines=false --service_level 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, Not(HasSubstr("no-burst")));
  // The 15-minute startup of bursting leaves some demand unmet.
  EXPECT_THAT(r.output, HasSubstr("no policy served at least 100.00 %"));
}

TEST(CliCompare, RejectsAServiceLevelOutsideZeroToOne) {
  Result r = RunCli("compare --scenario " + WriteScenario("compare_bad.yaml") +
                    " --service_level 99");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("--service_level must be between 0 and 1"));
}

}  // namespace
