// The `spotburst` program end to end: exit codes, output and errors that a
// user or a calling tool sees.
#include <cstdio>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/run_program.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using Result = ::spotburst::testing::ProgramResult;

Result RunCli(const std::string& args, const std::string& input = "") {
  return ::spotburst::testing::RunProgram(
      std::string(SPOTBURST_CLI_PATH) + " " + args, input);
}

std::string Repo(const std::string& path) {
  return std::string(SPOTBURST_SOURCE_DIR) + "/" + path;
}

std::string OneLine(const std::string& path) {
  std::ifstream in(Repo(path));
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  std::erase(text, '\n');
  return text;
}

TEST(CliValidate, AcceptsEveryExamplePolicy) {
  Result r =
      RunCli("validate " + Repo("examples/policies/experiment1-revised.yaml") +
             " " + Repo("examples/policies/on-demand-fallback.yaml"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("experiment1-revised.yaml: ok"));
}

TEST(CliValidate, NamesTheKeyOfABadPolicyAndFails) {
  Result r =
      RunCli("validate " +
             Repo("tests/testdata/policies/burst-point-out-of-range.yaml"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("scaling.burst_point"));
}

TEST(CliEvaluate, PrintsThePrototypeListingAsPostponements) {
  Result r = RunCli(
      "evaluate --policy " +
      Repo("examples/policies/experiment2-scale-down.yaml") + " --state " +
      Repo("examples/states/experiment2-listing.json") + " --trace " +
      Repo("data/spot_us-east-1_2021-03_2021-05_c4.large.csv"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output,
              HasSubstr("i-4bf24b8a postponed: 16 min into its hour, limit 20 "
                        "min"));
  EXPECT_THAT(r.output, Not(HasSubstr("terminate-instance")));
}

TEST(CliEvaluate, StreamsOneJsonPlanPerLineAndReportsBadLinesInPlace) {
  const std::string good = OneLine("examples/states/scale-up.json");
  Result r =
      RunCli("evaluate --policy " +
                 Repo("examples/policies/experiment1-revised.yaml") +
                 " --state=- --trace " +
                 Repo("data/spot_us-east-1_2021-03_2021-05_c4.large.csv"),
             good +
                 "\n{\"now\": \"2021-04-15T12:00:00Z\", \"cluster\": "
                 "{\"used\": {\"cpus\": -3}}}\n" +
                 good + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("\"line\":2"));
  EXPECT_THAT(r.output, HasSubstr("cluster.used.cpus"));
  // Lines 1 and 3 give the same plan.
  size_t first = r.output.find("{\"policy_name\"");
  size_t second = r.output.find("{\"policy_name\"", first + 1);
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(r.output.substr(first, r.output.find('\n', first) - first),
            r.output.substr(second, r.output.find('\n', second) - second));
}

TEST(CliBid, PrintsEveryStrategyAndMarksTheCap) {
  Result r = RunCli("bid --trace " +
                    Repo("data/spot_us-east-1_2015-03_2015-07_m3.medium.csv") +
                    " --market m3.medium/us-east-1b --policy " +
                    Repo("examples/policies/experiment1-scale-up.yaml") +
                    " --at 2015-06-09T10:30:00Z");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* name :
       {"minimum", "mean", "on-demand", "high", "current", "current-plus"}) {
    EXPECT_THAT(r.output, HasSubstr(name));
  }
  EXPECT_THAT(r.output, HasSubstr("current 0.7000"));
  EXPECT_THAT(r.output, HasSubstr("bid-capped"));
}

TEST(CliBid, BadTraceLineNamesFileAndLine) {
  const std::string path = ::testing::TempDir() + "bad_trace.csv";
  std::ofstream(path)
      << "timestamp,region,availability_zone,instance_type,product,"
         "price_usd_per_hour\n"
         "2015-03-11T10:34:42Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,0.1\n"
         "2015-03-11T10:40:00Z,us-east-1,us-east-1a,m3.medium,Linux/UNIX,abc\n";
  Result r = RunCli("bid --trace " + path + " --market m3.medium");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("bad_trace.csv:3:"));
}

}  // namespace
