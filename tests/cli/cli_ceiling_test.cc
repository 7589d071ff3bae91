// `spotburst ceiling` end to end on a two-day scenario: the front and the
// best within a budget as text, every rule as CSV, and usage errors, as a
// user or a calling tool sees them.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/run_program.h"
#include "testing/test_files.h"

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using Result = ::spotburst::testing::ProgramResult;

using ::spotburst::testing::Repo;
using ::spotburst::testing::RunCli;

using ::spotburst::testing::WriteTestFile;

// A scenario on the 2015 m3.medium trace from 15 June: `phases` and
// `policies` are its YAML lists' entries and whole `policies:` key.
std::string WriteScenario(const std::string& file_name,
                          const std::string& duration_s,
                          const std::string& phases,
                          const std::string& policies) {
  return WriteTestFile(
      file_name,
      "name: cli-ceiling\n"
      "start: \"2015-06-15T00:00:00Z\"\n"
      "duration_s: " +
          duration_s +
          "\n"
          "market:\n"
          "  price_trace: " +
          Repo("data/spot_us-east-1_2015-03_2015-07_m3.medium.csv") +
          "\n"
          "demand:\n"
          "  phases:\n" +
          phases + policies);
}

// Two days; demand rises past the baseline each morning.
std::string Scenario(const std::string& policies) {
  return WriteScenario(
      "ceiling_scenario.yaml", "172800",
      "    - {at_s: 0, tasks: 20, per_task: {cpus: 1, mem_mib: 1024}}\n"
      "    - {at_s: 28800, tasks: 42, per_task: {cpus: 1, mem_mib: 1024}}\n"
      "    - {at_s: 64800, tasks: 15, per_task: {cpus: 1, mem_mib: 1024}}\n"
      "    - {at_s: 115200, tasks: 42, per_task: {cpus: 1, mem_mib: 1024}}\n"
      "    - {at_s: 151200, tasks: 15, per_task: {cpus: 1, mem_mib: 1024}}\n",
      policies);
}

// The scenario's `policies:`, one policy.
std::string WithPolicy() {
  return "policies:\n  - " +
         Repo("examples/policies/experiment1-scale-up.yaml") + "\n";
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST(CliCeiling, GivesTheFrontAndTheMostServedWithinABudget) {
  Result r =
      RunCli("ceiling --scenario " + Scenario(WithPolicy()) + " --within 1.5");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, StartsWith("ceiling of scenario \"cli-ceiling\" in "
                                   "the units of experiment1-scale-up"));
  EXPECT_THAT(r.output, HasSubstr("every unit, spot too, serves 4 min after "
                                  "it is asked for"));
  const std::vector<std::string> lines = Lines(r.output);
  const auto front =
      std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
        return absl::StartsWith(line, "the Pareto front, ");
      });
  ASSERT_NE(front, lines.end()) << r.output;
  // The cheapest rule follows the need alone: it asks for nothing ahead,
  // so nothing costs less.
  ASSERT_LT(front + 2, lines.end());
  EXPECT_THAT(*(front + 2),
              StartsWith("       1        0 0                  0"));
  EXPECT_THAT(r.output, HasSubstr("\nat no more than 1.5× the yardstick: "));
  EXPECT_THAT(r.output, HasSubstr(" % served at "));
}

TEST(CliCeiling, WritesEveryRuleAsCsv) {
  Result r =
      RunCli("ceiling --format csv --scenario " + Scenario(WithPolicy()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<std::string> lines = Lines(r.output);
  ASSERT_EQ(lines.size(), 1u + 672) << r.output.substr(0, 400);
  EXPECT_EQ(lines[0],
            "window_minutes,headroom,jump_share,jump_window_minutes,"
            "daily_share,cost_usd,reference_usd,cost_per_reference,"
            "served_percent,pareto_front");
  int on_front = 0;
  double cheapest = 1e9;
  double most_served = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> fields = absl::StrSplit(lines[i], ',');
    ASSERT_EQ(fields.size(), 10u) << lines[i];
    on_front += fields[9] == "true";
    const double cost = std::stod(fields[5]);
    const double served = std::stod(fields[8]);
    EXPECT_GT(served, 0) << lines[i];
    EXPECT_LE(served, 100) << lines[i];
    cheapest = std::min(cheapest, cost);
    most_served = std::max(most_served, served);
  }
  // The first rule follows the need alone: nothing costs less, and rules
  // that hold more serve more.
  const std::vector<std::string> first = absl::StrSplit(lines[1], ',');
  EXPECT_EQ(first[0] + "," + first[1] + "," + first[2], "1,0,0");
  EXPECT_EQ(cheapest, std::stod(first[5]));
  EXPECT_GT(most_served, std::stod(first[8]));
  EXPECT_GE(on_front, 2);
}

TEST(CliCeiling, AScenarioWithoutPoliciesNeedsOne) {
  Result r = RunCli("ceiling --scenario " + Scenario(""));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("lists no policies; name one with "
                                  "--policy FILE"));
  Result named = RunCli("ceiling --scenario " + Scenario("") + " --policy " +
                        Repo("examples/policies/experiment1-scale-up.yaml"));
  EXPECT_EQ(named.exit_code, 0) << named.output;
}

TEST(CliCeiling, DemandTheBaselineServesCostsNothing) {
  const std::string scenario = WriteScenario(
      "quiet.yaml", "3600",
      "    - {at_s: 0, tasks: 1, per_task: {cpus: 1, mem_mib: 1024}}\n",
      WithPolicy());
  Result r = RunCli("ceiling --scenario " + scenario + " --within 1.3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // A yardstick of 0 has no multiple: the cost is given in USD.
  EXPECT_THAT(r.output,
              HasSubstr("at no more than 1.3× the yardstick: 100.00 % served "
                        "at 0.00 USD (window 1 min, headroom 0, jump 0, "
                        "daily 0)"));
}

TEST(CliCeiling, UsageErrorsExitWithTwo) {
  const std::string scenario = Scenario(WithPolicy());
  for (const std::string& args :
       {std::string("ceiling"),
        "ceiling --scenario " + scenario + " --within -1",
        "ceiling --scenario " + scenario + " --format json",
        "ceiling --scenario " + scenario + " extra.yaml"}) {
    Result r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_THAT(r.output, StartsWith("spotburst ceiling: ")) << args;
  }
}

}  // namespace
