// The `spotburst` program end to end: exit codes, output and errors that a
// user or a calling tool sees.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/run_program.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using Result = ::spotburst::testing::ProgramResult;

using ::spotburst::testing::Repo;
using ::spotburst::testing::RunCli;

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

std::string EvaluateStdinCommand(const std::string& flags = "") {
  return std::string(SPOTBURST_CLI_PATH) + " evaluate --policy " +
         Repo("examples/policies/experiment1-revised.yaml") +
         " --state=- --trace " +
         Repo("data/spot_us-east-1_2021-03_2021-05_c4.large.csv") + " " + flags;
}

// Checks with Debian's Python that every line of `path` is one JSON value;
// returns how many lines there are, or -1.
int CountJsonLines(const std::string& path) {
  Result r = ::spotburst::testing::RunProgram(
      "/usr/bin/python3 -c 'import json, sys\n"
      "lines = open(sys.argv[1], \"rb\").read().split(b\"\\n\")\n"
      "assert lines[-1] == b\"\", \"no final newline\"\n"
      "for line in lines[:-1]: json.loads(line.decode(\"utf-8\"))\n"
      "print(len(lines) - 1)' " +
      path);
  if (r.exit_code != 0) {
    ADD_FAILURE() << r.output;
    return -1;
  }
  return std::stoi(r.output);
}

// The line protocol: one JSON line out for every line in, whatever the
// line holds, so a caller can match answers to questions by counting.
TEST(CliEvaluate, EveryInputLineGivesOneValidJsonLine) {
  const std::string good = OneLine("examples/states/scale-up.json");
  const std::string lines[] = {
      good,
      "",
      "   \t",
      R"({"now": "2021-04-15T12:00:00Z", "clu\"ster": {}})",
      "{\"now\": \"\xff\xfe\"}",
      "{\"now\": \"2021-04-15T12:00:00Z\", \"cl\xc3\xbcster\": {}}",
      R"({"now": "2021-04-15T12:00:00Z", "fleet": {"instances": )"
      R"([{"id": "i-1"}, {"id": "i-2"}, {"id": "i-1"}]}})",
      R"({"now": "2021-04-15T12:00:00Z", "now": "2021-04-15T13:00:00Z"})",
      std::string(3000, 'x'),
      good,
  };
  std::string input;
  for (const std::string& line : lines) input += line + "\n";
  const std::string in_path = ::testing::TempDir() + "evaluate_lines.in";
  const std::string out = ::testing::TempDir() + "evaluate_lines.jsonl";
  std::ofstream(in_path) << input;
  Result r = ::spotburst::testing::RunProgram(
      EvaluateStdinCommand("--max_line_bytes=2000") + " <" + in_path + " >" +
      out + " 2>/dev/null; echo exit=$?");
  EXPECT_THAT(r.output, HasSubstr("exit=1"));
  EXPECT_EQ(CountJsonLines(out), static_cast<int>(std::size(lines)));
  std::ifstream in(out);
  std::vector<std::string> got;
  for (std::string line; std::getline(in, line);) got.push_back(line);
  ASSERT_EQ(got.size(), std::size(lines));
  EXPECT_THAT(got[0], HasSubstr("\"policy_name\""));
  EXPECT_EQ(got[9], got[0]);
  for (int i = 1; i <= 8; ++i) {
    EXPECT_THAT(
        got[i],
        HasSubstr("{\"error\":{\"line\":" + std::to_string(i + 1) + ","))
        << got[i];
  }
  EXPECT_THAT(got[1], HasSubstr("empty line"));
  EXPECT_THAT(got[6], HasSubstr("fleet.instances[2].id: duplicate of "
                                "fleet.instances[0]"));
  EXPECT_THAT(got[7], HasSubstr("now: duplicate key"));
  EXPECT_THAT(got[8], HasSubstr("longer than --max_line_bytes=2000"));
}

// /dev/zero-like input: a line far over the limit is skipped, not kept,
// the error quotes its first bytes only, and the next line is read.
TEST(CliEvaluate, AnOverLongLineGivesAShortErrorAndTheNextLineIsRead) {
  const std::string good = OneLine("examples/states/scale-up.json");
  const std::string good_file = ::testing::TempDir() + "good_state.json";
  std::ofstream(good_file) << good << "\n";
  Result r = ::spotburst::testing::RunProgram(
      "(head -c 6000000 /dev/zero; echo; cat " + good_file + ") | " +
      EvaluateStdinCommand());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_LT(r.output.size(), good.size() + 4000);
  EXPECT_THAT(r.output, HasSubstr("{\"error\":{\"line\":1,\"code\":"
                                  "\"RESOURCE_EXHAUSTED\""));
  EXPECT_THAT(r.output, HasSubstr("line of 6000000 bytes"));
  // Only the start was held: no count of the rest that could be wrong.
  EXPECT_THAT(r.output, ::testing::Not(HasSubstr("more bytes")));
  EXPECT_THAT(r.output, HasSubstr("{\"policy_name\""));
}

// A caller may write one state and wait for its plan before writing the
// next: the answer comes without the input being closed.
TEST(CliEvaluate, AnswersEachLineBeforeTheNextArrives) {
  signal(SIGPIPE, SIG_IGN);  // a failed write is reported, not fatal
  int to_child[2], from_child[2];
  ASSERT_EQ(pipe(to_child), 0);
  ASSERT_EQ(pipe(from_child), 0);
  const std::string command = EvaluateStdinCommand() + " 2>/dev/null";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(to_child[0], STDIN_FILENO);
    dup2(from_child[1], STDOUT_FILENO);
    close(to_child[1]);
    close(from_child[0]);
    execl("/bin/sh", "sh", "-c", command.c_str(), nullptr);
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  // Waits for the next answer line while the input stays open; the poll's
  // limit only turns a hang into a failure.
  std::string pending;
  auto ask = [&](const std::string& line) {
    if (write(to_child[1], line.data(), line.size()) !=
        static_cast<ssize_t>(line.size())) {
      return std::string("write failed");
    }
    while (pending.find('\n') == std::string::npos) {
      pollfd ready{.fd = from_child[0], .events = POLLIN, .revents = 0};
      if (poll(&ready, 1, 30000) <= 0) return std::string("no answer");
      char buffer[4096];
      const ssize_t n = read(from_child[0], buffer, sizeof(buffer));
      if (n <= 0) return std::string("no answer");
      pending.append(buffer, static_cast<size_t>(n));
    }
    const size_t end = pending.find('\n');
    std::string answer = pending.substr(0, end);
    pending.erase(0, end + 1);
    return answer;
  };
  // A short answer (an error line) is the one a buffer would hold back.
  EXPECT_THAT(ask("{}\n"), HasSubstr("now: required"));
  EXPECT_THAT(ask(OneLine("examples/states/scale-up.json") + "\n"),
              HasSubstr("{\"policy_name\""));
  // Lines that arrive in one write are all answered, the last one too,
  // while the input stays open.
  const std::string plan_line = OneLine("examples/states/scale-up.json");
  EXPECT_THAT(ask(plan_line + "\n" + plan_line + "\n"),
              HasSubstr("{\"policy_name\""));
  EXPECT_THAT(ask(""), HasSubstr("{\"policy_name\""));
  close(to_child[1]);
  close(from_child[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1);
}

// The June 2015 spike: m3.medium at 0.70 USD/h against a max bid of 0.5.
constexpr char kCappedReason[] =
    "bid 0.5000: current 0.7000 + padding 0.0010 = 0.7010, capped at max bid "
    "0.5000, below the current price";

TEST(CliBid, PrintsEveryStrategyUnderAHeaderAndReadsACappedBidAsCapped) {
  Result r = RunCli("bid --trace " +
                    Repo("data/spot_us-east-1_2015-03_2015-07_m3.medium.csv") +
                    " --market m3.medium/us-east-1b --policy " +
                    Repo("examples/policies/experiment1-scale-up.yaml") +
                    " --at 2015-06-09T10:30:00Z");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("strategy      bid USD/h  reason\n"));
  for (const char* name :
       {"minimum", "mean", "on-demand", "high", "current", "current-plus"}) {
    EXPECT_THAT(r.output, HasSubstr(std::string("\n  ") + name + " "));
  }
  EXPECT_THAT(r.output, HasSubstr(std::string("current-plus     0.5000  ") +
                                  kCappedReason + "\n"));
}

// The reason of the plan's spot request is the same text as in `bid`.
TEST(CliEvaluate, ACappedBidReadsAsCappedInThePlan) {
  const std::string state = ::testing::TempDir() + "spike_state.json";
  std::ofstream(state)
      << R"({"now": "2015-06-09T10:30:00Z", "cluster": {"used": {"cpus": 39}}})";
  Result r = RunCli("evaluate --policy " +
                    Repo("examples/policies/experiment1-scale-up.yaml") +
                    " --state " + state + " --trace " +
                    Repo("data/spot_us-east-1_2015-03_2015-07_m3.medium.csv"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const size_t request = r.output.find("  request-spot 1 x m3.medium");
  ASSERT_NE(request, std::string::npos) << r.output;
  const std::string line =
      r.output.substr(request, r.output.find('\n', request) - request);
  EXPECT_THAT(line, HasSubstr(std::string(": ") + kCappedReason)) << r.output;
  EXPECT_THAT(r.output, HasSubstr(std::string("note bid: current-plus ") +
                                  kCappedReason + "\n"));
}

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
  return cells;
}

TEST(CliBid, SeriesHeaderNamesEveryColumnOnce) {
  Result r = RunCli("bid --trace " +
                    Repo("data/spot_us-east-1_2015-03_2015-07_m3.medium.csv") +
                    " --market m3.medium/us-east-1b --every 24h"
                    " --at 2015-03-15T00:00:00Z 2>/dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::stringstream lines(r.output);
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  const std::vector<std::string> columns = SplitCsvLine(header);
  EXPECT_EQ(std::set<std::string>(columns.begin(), columns.end()).size(),
            columns.size())
      << header;
  EXPECT_EQ(SplitCsvLine(row).size(), columns.size()) << row;
  EXPECT_THAT(header, HasSubstr("price_current"));
  EXPECT_THAT(header, HasSubstr("bid_current"));
}

TEST(CliBid, ABadAtNamesTheFormatItWants) {
  Result r = RunCli("bid --trace " +
                    Repo("data/spot_us-east-1_2015-03_2015-07_m3.medium.csv") +
                    " --market m3.medium/us-east-1b --at yesterday");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("--at: expected an RFC 3339 time such as "
                                  "2015-06-09T10:30:00Z, not \"yesterday\""));
}

// What `--help` must never show: absl's defaults, with the build's paths.
void ExpectCleanHelp(const Result& r) {
  EXPECT_THAT(r.output, Not(HasSubstr("/work/")));
  EXPECT_THAT(r.output, Not(HasSubstr(SPOTBURST_SOURCE_DIR)));
  EXPECT_THAT(r.output, Not(HasSubstr("No flags matched")));
  EXPECT_THAT(r.output, Not(HasSubstr("spotburst: spotburst")));
  EXPECT_THAT(r.output, Not(HasSubstr("helpfull")));
}

TEST(CliHelp, EveryWayToAskListsTheCommandsAndExitsZero) {
  for (const char* ask : {"--help", "-h", "help", "-help"}) {
    Result r = RunCli(ask);
    EXPECT_EQ(r.exit_code, 0) << ask << "\n" << r.output;
    for (const char* command :
         {"validate POLICY", "bid --trace FILE", "evaluate --policy FILE",
          "strategies", "replay LOG", "simulate --scenario FILE",
          "compare --scenario FILE"}) {
      EXPECT_THAT(r.output, HasSubstr(std::string("  spotburst ") + command))
          << ask;
    }
    ExpectCleanHelp(r);
  }
}

TEST(CliHelp, ACommandsHelpListsItsFlagsWithTheirDefaultsAndUnits) {
  for (const char* ask :
       {"bid --help", "help bid", "bid -h", "--policy x.yaml bid --help"}) {
    Result r = RunCli(ask);
    EXPECT_EQ(r.exit_code, 0) << ask << "\n" << r.output;
    EXPECT_THAT(r.output, HasSubstr("usage: spotburst bid --trace FILE"));
    EXPECT_THAT(r.output, HasSubstr("  --catalog=FILE\n"));
    EXPECT_THAT(r.output, HasSubstr("(default: data/instance_types.csv)"));
    EXPECT_THAT(r.output, HasSubstr("  --on_demand=USD/h\n"));
    EXPECT_THAT(r.output, HasSubstr("(default: 0)"));
    EXPECT_THAT(r.output, HasSubstr("2015-06-09T10:30:00Z"));
    // Only bid's own flags.
    EXPECT_THAT(r.output, Not(HasSubstr("--scenario")));
    ExpectCleanHelp(r);
  }
  Result compare = RunCli("compare --help");
  EXPECT_EQ(compare.exit_code, 0);
  EXPECT_THAT(compare.output, HasSubstr("  --service_level=0..1\n"));
  EXPECT_THAT(compare.output, HasSubstr("(default: 0.99)"));
  EXPECT_THAT(compare.output, Not(HasSubstr("--catalog")));
}

TEST(CliHelp, HelpOnAnUnknownCommandFails) {
  Result r = RunCli("frobnicate --help");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("unknown command \"frobnicate\""));
}

// The version in the top-level CMakeLists.txt: project(spotburst VERSION x).
std::string ProjectVersion() {
  std::ifstream in(Repo("CMakeLists.txt"));
  const std::string text((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  std::smatch match;
  if (!std::regex_search(
          text, match,
          std::regex(R"(project\(spotburst\s+VERSION\s+([0-9.]+))"))) {
    return "not found in CMakeLists.txt";
  }
  return match[1];
}

TEST(CliVersion, PrintsTheProjectVersionAndBuildType) {
  Result r = RunCli("--version");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output,
              ::testing::MatchesRegex("spotburst ([0-9.]+) \\([A-Za-z]+ "
                                      "build\\)\n"));
  EXPECT_THAT(r.output,
              ::testing::StartsWith("spotburst " + ProjectVersion() + " ("));
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
