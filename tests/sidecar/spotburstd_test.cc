// The spotburstd program: configuration file, startup errors, a clean exit
// on SIGTERM with the decision log written out, and managed mode from the
// example configuration, watched from Python.
#include <signal.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "sidecar/config.h"
#include "sidecar/event_log.h"
#include "sidecar_testing.h"

namespace spotburst::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Starts spotburstd and reads its log until it says where it listens (in
// either log format).
class Daemon {
 public:
  explicit Daemon(std::vector<std::string> args) {
    args.insert(args.begin(), SPOTBURSTD_PATH);
    child_ = std::make_unique<CapturedProcess>(args);
    auto has = [&](const char* text) {
      return child_->err().find(text) != std::string::npos;
    };
    child_->ReadUntil(
        [&] {
          return has("event=listening") || has("event=startup_failed") ||
                 has(R"("event":"listening")") ||
                 has(R"("event":"startup_failed")");
        },
        absl::Now() + absl::Seconds(30));
    // event=listening address=HOST:PORT ...
    // {..."event":"listening","address":"HOST:PORT",...}
    const std::string& err = child_->err();
    for (const std::string start :
         {"event=listening address=", R"("event":"listening","address":")"}) {
      const size_t line = err.find(start);
      if (line == std::string::npos) continue;
      const size_t end = err.find_first_of(" \"", line + start.size());
      const size_t colon = err.rfind(':', end);
      port_ = std::atoi(err.c_str() + colon + 1);
    }
  }
  int port() const { return port_; }
  CapturedProcess& child() { return *child_; }

 private:
  std::unique_ptr<CapturedProcess> child_;
  int port_ = 0;
};

// The version in the top-level CMakeLists.txt: project(spotburst VERSION x).
std::string ProjectVersion() {
  const std::string text = ReadAll(Repo("CMakeLists.txt"));
  std::smatch match;
  if (!std::regex_search(
          text, match,
          std::regex(R"(project\(spotburst\s+VERSION\s+([0-9.]+))"))) {
    return "not found in CMakeLists.txt";
  }
  return match[1];
}

// What `--help` must never show: absl's defaults, with the build's paths.
void ExpectCleanHelp(const RunResult& r) {
  EXPECT_THAT(r.out, Not(HasSubstr("/work/")));
  EXPECT_THAT(r.out, Not(HasSubstr(SPOTBURST_SOURCE_DIR)));
  EXPECT_THAT(r.out, Not(HasSubstr("No flags matched")));
  EXPECT_THAT(r.out, Not(HasSubstr("helpfull")));
}

TEST(Spotburstd, HelpListsItsOwnFlagsWithDefaultsAndExitsZero) {
  for (const char* ask : {"--help", "-h"}) {
    RunResult r = RunProgram({SPOTBURSTD_PATH, ask});
    EXPECT_EQ(r.exit_code, 0) << ask << "\n" << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("usage:\n  spotburstd [--config FILE]"));
    EXPECT_THAT(r.out, HasSubstr("  --dry_run (default: false)\n"));
    EXPECT_THAT(r.out, HasSubstr("  --tls_cert\n"));
    EXPECT_THAT(r.out, HasSubstr("  --shutdown_grace\n"));
    // Not gRPC's or absl's flags.
    EXPECT_THAT(r.out, Not(HasSubstr("--flagfile")));
    ExpectCleanHelp(r);
  }
}

TEST(Spotburstd, VersionIsTheProjectVersion) {
  RunResult r = RunProgram({SPOTBURSTD_PATH, "--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::MatchesRegex(
                         "spotburstd [0-9.]+ \\([A-Za-z]+ build\\)\n"));
  EXPECT_THAT(r.out,
              ::testing::StartsWith("spotburstd " + ProjectVersion() + " ("));
}

TEST(ClientExamples, AnswerHelpAndVersionAndExitZero) {
  RunResult help = RunProgram({SPOTBURST_CLIENT_EXAMPLE_PATH, "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_THAT(help.out, HasSubstr("  --target (default: 127.0.0.1:50551)"));
  EXPECT_THAT(help.out, HasSubstr("  --deadline (default: 5s)"));
  EXPECT_THAT(help.out, Not(HasSubstr("--flagfile")));
  ExpectCleanHelp(help);
  RunResult version = RunProgram({SPOTBURST_CLIENT_EXAMPLE_PATH, "--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out, "spotburst_client_example " + ProjectVersion() + "\n");

  for (const char* script : {"client.py", "watch.py"}) {
    const std::string path =
        Repo(std::string("examples/client_python/") + script);
    RunResult py_help = RunProgram({"/usr/bin/python3", path, "--help"});
    EXPECT_EQ(py_help.exit_code, 0) << script << py_help.err;
    EXPECT_THAT(py_help.out, HasSubstr("--target"));
    RunResult py_version = RunProgram({"/usr/bin/python3", path, "--version"});
    EXPECT_EQ(py_version.exit_code, 0) << script << py_version.err;
    EXPECT_EQ(py_version.out,
              std::string(script) + " (spotburst) " + ProjectVersion() + "\n");
  }
}

TEST(Spotburstd, ServesFromItsConfigAndExitsCleanlyOnSigterm) {
  const std::string dir = MakeTempDir();
  WriteAll(dir + "/spotburstd.yaml",
           "listen: 127.0.0.1:0\n"
           "policies:\n"
           "  exp1: " +
               Repo(kPolicyFile) +
               "\n"
               "decision_log:\n"
               "  path: decisions.jsonl\n"  // relative to the config file
               "  max_files: 2\n");
  Daemon daemon({"--config=" + dir + "/spotburstd.yaml"});
  ASSERT_GT(daemon.port(), 0) << daemon.child().err();
  EXPECT_THAT(daemon.child().err(), HasSubstr("event=policy_loaded name=exp1"));

  RunResult client = RunProgram(
      {SPOTBURST_CLIENT_EXAMPLE_PATH, "--target=" + Address(daemon.port()),
       "--policy_name=exp1", "--state=" + Repo(kStateFile)});
  ASSERT_EQ(client.exit_code, 0) << client.err;
  EXPECT_EQ(client.out, LibraryPlanJson(kPolicyFile, ExampleState()) + "\n");

  daemon.child().Signal(SIGTERM);
  EXPECT_EQ(daemon.child().Wait(absl::Seconds(15)), 0) << daemon.child().err();
  EXPECT_THAT(daemon.child().err(),
              HasSubstr("event=shutdown_started signal=SIGTERM"));
  EXPECT_THAT(daemon.child().err(),
              HasSubstr("event=decision_log_closed written=1 dropped=0"));
  EXPECT_THAT(daemon.child().err(), HasSubstr("event=stopped"));
  EXPECT_THAT(ReadAll(dir + "/decisions.jsonl"),
              HasSubstr("\"policy_name\":\"exp1\""));
}

TEST(Spotburstd, ManagedModeFromTheExampleConfigStreamsToPython) {
  // The first tick waits for the watcher: it must see the first plan
  // however late it connects.
  Daemon daemon({"--config=" + Repo("examples/sidecar/managed-sim.yaml"),
                 "--listen=127.0.0.1:0", "--wait_for_watcher"});
  ASSERT_GT(daemon.port(), 0) << daemon.child().err();
  EXPECT_THAT(daemon.child().err(), HasSubstr("mode=managed"));
  EXPECT_THAT(daemon.child().err(),
              HasSubstr("event=managed_started policy=exp1"));

  RunResult watch = RunProgram(
      {"/usr/bin/python3", Repo("examples/client_python/watch.py"),
       "--stubs=" SPOTBURST_PYTHON_STUBS_DIR,
       "--target=" + Address(daemon.port()), "--include_last", "--count=2"});
  EXPECT_EQ(watch.exit_code, 0) << watch.err;
  // The first ticks of the revised experiment: one more spot instance each.
  EXPECT_THAT(watch.out, HasSubstr("2021-04-06T14:00:00Z m-"));
  EXPECT_THAT(watch.out, HasSubstr("request-spot 1 (applied)"));

  daemon.child().Signal(SIGTERM);
  EXPECT_EQ(daemon.child().Wait(absl::Seconds(15)), 0) << daemon.child().err();
}

// The revised experiment (an hour of 60 s ticks), ticked as fast as the
// daemon can, with a decision log to check the watcher against.
std::string FastManagedConfig(const std::string& dir) {
  WriteAll(dir + "/fast.yaml",
           "listen: 127.0.0.1:0\n"
           "policies:\n"
           "  exp1: " +
               Repo(kPolicyFile) +
               "\n"
               "managed:\n"
               "  policy: exp1\n"
               "  simulated:\n"
               "    scenario: " +
               Repo("examples/scenarios/experiment1-revised.yaml") +
               "\n"
               "    simulated_seconds_per_second: 1e9\n"
               "decision_log:\n"
               "  path: decisions.jsonl\n");
  return dir + "/fast.yaml";
}

std::vector<std::string> WatchPy(int port, std::vector<std::string> flags) {
  std::vector<std::string> argv = {
      "/usr/bin/python3", Repo("examples/client_python/watch.py"),
      "--stubs=" SPOTBURST_PYTHON_STUBS_DIR, "--target=" + Address(port),
      "--poll_interval=0.05"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return argv;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// The decision ids of a decision log, in order.
std::vector<std::string> LoggedDecisionIds(const std::string& path) {
  std::vector<std::string> ids;
  const std::regex id(R"re("decision_id":"([^"]+)")re");
  for (const std::string& line : Lines(ReadAll(path))) {
    std::smatch match;
    if (std::regex_search(line, match, id)) ids.push_back(match[1]);
  }
  return ids;
}

TEST(WatchPy, PrintsEveryPlanOfTheRunThenAClosingLineAndExitsZero) {
  const std::string dir = MakeTempDir();
  Daemon daemon({"--config=" + FastManagedConfig(dir), "--wait_for_watcher"});
  ASSERT_GT(daemon.port(), 0) << daemon.child().err();

  RunResult watch = RunProgram(WatchPy(daemon.port(), {}));
  EXPECT_EQ(watch.exit_code, 0) << watch.out << watch.err;
  daemon.child().Signal(SIGTERM);
  ASSERT_EQ(daemon.child().Wait(absl::Seconds(15)), 0) << daemon.child().err();

  const std::vector<std::string> ids =
      LoggedDecisionIds(dir + "/decisions.jsonl");
  ASSERT_GT(ids.size(), 1u);
  const std::vector<std::string> lines = Lines(watch.out);
  ASSERT_EQ(lines.size(), ids.size() + 1) << watch.out;
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_THAT(lines[i], HasSubstr(" " + ids[i] + " running=")) << i;
  }
  EXPECT_EQ(lines.back(),
            absl::StrCat("finished: the managed run is over after ", ids.size(),
                         " ticks; ", ids.size(), " plans shown"));
}

TEST(WatchPy, ConnectingAfterTheRunIsOverEndsAtOnce) {
  const std::string dir = MakeTempDir();
  Daemon daemon({"--config=" + FastManagedConfig(dir)});
  ASSERT_GT(daemon.port(), 0) << daemon.child().err();
  ASSERT_TRUE(daemon.child().ReadUntil(
      [&] {
        return absl::StrContains(daemon.child().err(),
                                 "event=managed_finished");
      },
      absl::Now() + absl::Seconds(30)))
      << daemon.child().err();

  RunResult watch = RunProgram(WatchPy(daemon.port(), {}));
  EXPECT_EQ(watch.exit_code, 0) << watch.out << watch.err;
  ASSERT_EQ(Lines(watch.out).size(), 1u) << watch.out;
  EXPECT_THAT(watch.out, HasSubstr("finished: the managed run is over after "));
  EXPECT_THAT(watch.out, HasSubstr(" ticks; 0 plans shown\n"));

  // --include_last: the run's last plan, then the same end.
  RunResult last = RunProgram(WatchPy(daemon.port(), {"--include_last"}));
  EXPECT_EQ(last.exit_code, 0) << last.out << last.err;
  daemon.child().Signal(SIGTERM);
  ASSERT_EQ(daemon.child().Wait(absl::Seconds(15)), 0) << daemon.child().err();
  const std::vector<std::string> ids =
      LoggedDecisionIds(dir + "/decisions.jsonl");
  ASSERT_FALSE(ids.empty());
  const std::vector<std::string> lines = Lines(last.out);
  ASSERT_EQ(lines.size(), 2u) << last.out;
  EXPECT_THAT(lines[0], HasSubstr(" " + ids.back() + " running="));
  EXPECT_THAT(lines[1], HasSubstr(" ticks; 1 plan shown"));
}

TEST(WatchPy, SaysSoAndExitsZeroWhenTheDaemonStopsMidRun) {
  // The example pace: a tick a second, an hour of them.
  Daemon daemon({"--config=" + Repo("examples/sidecar/managed-sim.yaml"),
                 "--listen=127.0.0.1:0", "--wait_for_watcher"});
  ASSERT_GT(daemon.port(), 0) << daemon.child().err();
  CapturedProcess watch(WatchPy(daemon.port(), {}));
  ASSERT_TRUE(watch.ReadUntil(
      [&] { return absl::StrContains(watch.out(), " running="); },
      absl::Now() + absl::Seconds(30)))
      << watch.err();

  daemon.child().Signal(SIGTERM);
  EXPECT_EQ(daemon.child().Wait(absl::Seconds(15)), 0) << daemon.child().err();
  EXPECT_EQ(watch.Wait(absl::Seconds(15)), 0) << watch.out() << watch.err();
  EXPECT_THAT(Lines(watch.out()).back(),
              ::testing::StartsWith("stream ended: the daemon stopped; "));
}

TEST(Spotburstd, WaitingForAWatcherDoesNotHoldUpShutdown) {
  Daemon daemon({"--config=" + Repo("examples/sidecar/managed-sim.yaml"),
                 "--listen=127.0.0.1:0", "--wait_for_watcher"});
  ASSERT_GT(daemon.port(), 0) << daemon.child().err();
  daemon.child().Signal(SIGTERM);
  EXPECT_EQ(daemon.child().Wait(absl::Seconds(15)), 0) << daemon.child().err();
  EXPECT_THAT(daemon.child().err(), HasSubstr("event=managed_waiting"));
  EXPECT_THAT(daemon.child().err(), HasSubstr("event=stopped"));
}

TEST(Spotburstd, ASecondDaemonOnTheSamePortFailsToStartNamingTheAddress) {
  Daemon first({"--listen=127.0.0.1:0"});
  ASSERT_GT(first.port(), 0) << first.child().err();
  const std::string address = Address(first.port());
  Daemon second({"--listen=" + address});
  EXPECT_EQ(second.port(), 0) << second.child().err();
  EXPECT_EQ(second.child().Wait(absl::Seconds(15)), 1);
  EXPECT_THAT(
      second.child().err(),
      HasSubstr("event=startup_failed error=\"listen: cannot serve on " +
                address + " (address already in use)"));
}

TEST(Spotburstd, APortOutOfRangeIsRefusedRatherThanWrappedAround) {
  Daemon daemon({"--listen=127.0.0.1:99999"});
  EXPECT_EQ(daemon.port(), 0) << daemon.child().err();
  EXPECT_EQ(daemon.child().Wait(absl::Seconds(15)), 1);
  EXPECT_THAT(daemon.child().err(),
              HasSubstr("listen: port \\\"99999\\\" is not a number in "
                        "[0, 65535]"));
}

TEST(Spotburstd, ListeningBeyondLoopbackWithoutTlsWarnsAndServes) {
  Daemon daemon({"--listen=0.0.0.0:0"});
  ASSERT_GT(daemon.port(), 0) << daemon.child().err();
  EXPECT_THAT(daemon.child().err(),
              HasSubstr("event=warning message=\"listening beyond loopback "
                        "without TLS"));
  auto stub = v1::PolicyService::NewStub(PlainChannel(daemon.port()));
  grpc::ClientContext context;
  SetDeadline(context);
  v1::PingResponse response;
  EXPECT_TRUE(stub->Ping(&context, {}, &response).ok());

  Daemon loopback({"--listen=127.0.0.1:0"});
  ASSERT_GT(loopback.port(), 0) << loopback.child().err();
  EXPECT_THAT(loopback.child().err(),
              ::testing::Not(HasSubstr("event=warning")));
}

TEST(Spotburstd, MetricsBeyondLoopbackWarn) {
  Daemon open({"--listen=127.0.0.1:0", "--metrics_listen=0.0.0.0:0"});
  ASSERT_GT(open.port(), 0) << open.child().err();
  EXPECT_THAT(open.child().err(),
              HasSubstr("event=warning message=\"metrics served beyond "
                        "loopback without TLS or authentication"));
  Daemon loopback({"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0"});
  ASSERT_GT(loopback.port(), 0) << loopback.child().err();
  EXPECT_THAT(loopback.child().err(), HasSubstr("event=metrics_listening"));
  EXPECT_THAT(loopback.child().err(),
              ::testing::Not(HasSubstr("event=warning")));
}

// A client sending garbage learns what is wrong, and the log gets at most
// a line a second of it, with a count of the lines held back.
TEST(Spotburstd, GarbageRequestsAreAnsweredAndLoggedAtAGentleRate) {
  Daemon daemon({"--listen=127.0.0.1:0"});
  ASSERT_GT(daemon.port(), 0) << daemon.child().err();
  const absl::Time start = absl::Now();
  constexpr int kCalls = 60;
  for (int i = 0; i < kCalls; ++i) {
    const grpc::Status garbage =
        RawCall(daemon.port(), "/spotburst.v1.PolicyService/Evaluate",
                std::string("\x0a\xff\xff\xff", 4));
    EXPECT_EQ(garbage.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    const grpc::Status unknown = RawCall(daemon.port(), "/x.Y/Z", "junk");
    EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNIMPLEMENTED);
    // policy_name holding bytes that are not UTF-8: protobuf itself logs
    // each one it meets.
    const grpc::Status not_utf8 =
        RawCall(daemon.port(), "/spotburst.v1.PolicyService/Evaluate",
                std::string("\x12\x02\xff\xfe", 4));
    EXPECT_EQ(not_utf8.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  const absl::Duration took = absl::Now() - start;
  daemon.child().Signal(SIGTERM);
  ASSERT_EQ(daemon.child().Wait(absl::Seconds(15)), 0) << daemon.child().err();

  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(daemon.child().err(), '\n')) {
    if (absl::StrContains(line, "event=request_failed") ||
        absl::StrContains(line, "event=grpc_log") ||
        absl::StrContains(line, "protobuf")) {
      lines.emplace_back(line);
    }
  }
  ASSERT_FALSE(lines.empty()) << daemon.child().err();
  EXPECT_THAT(daemon.child().err(),
              HasSubstr("method=Evaluate code=INVALID_ARGUMENT"));
  // One line a second per kind (bad requests, unknown methods, gRPC's own,
  // protobuf's own).
  const int64_t seconds =
      absl::ToInt64Seconds(absl::Ceil(took, absl::Seconds(1)));
  EXPECT_LE(static_cast<int64_t>(lines.size()), 4 * (seconds + 1))
      << daemon.child().err();
}

TEST(Spotburstd, SigtermStopsAManagedRunWithoutWaitingOutTheInterval) {
  const std::string dir = MakeTempDir();
  // Real time: the next tick is a minute away.
  WriteAll(dir + "/spotburstd.yaml",
           "listen: 127.0.0.1:0\n"
           "policies: {exp1: " +
               Repo(kPolicyFile) +
               "}\n"
               "decision_log: {path: decisions.jsonl}\n"
               "managed:\n"
               "  policy: exp1\n"
               "  simulated:\n"
               "    scenario: " +
               Repo("examples/scenarios/experiment1-revised.yaml") +
               "\n"
               "    simulated_seconds_per_second: 1\n");
  Daemon daemon({"--config=" + dir + "/spotburstd.yaml"});
  ASSERT_GT(daemon.port(), 0) << daemon.child().err();
  const absl::Time start = absl::Now();
  daemon.child().Signal(SIGTERM);
  EXPECT_EQ(daemon.child().Wait(absl::Seconds(15)), 0) << daemon.child().err();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_THAT(daemon.child().err(), HasSubstr("event=stopped"));
}

TEST(Spotburstd, SigintStopsItToo) {
  Daemon daemon({"--listen=127.0.0.1:0"});
  ASSERT_GT(daemon.port(), 0) << daemon.child().err();
  daemon.child().Signal(SIGINT);
  EXPECT_EQ(daemon.child().Wait(absl::Seconds(15)), 0) << daemon.child().err();
}

// The events of a daemon that started and stopped on SIGTERM, read from
// its JSON lines; every line must be a JSON object with a time and an event.
void ExpectJsonLines(const std::string& err) {
  std::vector<std::string> events;
  for (absl::string_view line : absl::StrSplit(err, '\n', absl::SkipEmpty())) {
    google::protobuf::Struct object;
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(
            google::protobuf::StringPiece(line.data(), line.size()), &object)
            .ok())
        << line;
    const auto& fields = object.fields();
    ASSERT_TRUE(fields.contains("time")) << line;
    ASSERT_TRUE(fields.contains("event")) << line;
    events.push_back(fields.at("event").string_value());
  }
  EXPECT_THAT(events, ::testing::ElementsAre("listening", "shutdown_started",
                                             "stopped"));
}

TEST(Spotburstd, LogFormatJsonWritesEveryLineAsAJsonObject) {
  const std::string dir = MakeTempDir();
  WriteAll(dir + "/spotburstd.yaml", "log_format: json\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--listen=127.0.0.1:0", "--log_format=json"},
        std::vector<std::string>{"--listen=127.0.0.1:0",
                                 "--config=" + dir + "/spotburstd.yaml"}}) {
    Daemon daemon(args);
    ASSERT_GT(daemon.port(), 0) << daemon.child().err();
    daemon.child().Signal(SIGTERM);
    EXPECT_EQ(daemon.child().Wait(absl::Seconds(15)), 0)
        << daemon.child().err();
    ExpectJsonLines(daemon.child().err());
  }
  // The flag overrides the file.
  Daemon text({"--listen=127.0.0.1:0", "--config=" + dir + "/spotburstd.yaml",
               "--log_format=text"});
  ASSERT_GT(text.port(), 0) << text.child().err();
  EXPECT_THAT(text.child().err(), HasSubstr("event=listening address="));
}

TEST(Spotburstd, ABadLogFormatStopsStartupNamingTheFlag) {
  RunResult result = RunProgram({SPOTBURSTD_PATH, "--log_format=xml"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err,
              HasSubstr("event=startup_failed error=\"--log_format: must be "
                        "text or json, not \\\"xml\\\"\""));
}

TEST(SidecarConfig, LogFormatIsTextOrJson) {
  sidecar::SidecarOptions options;
  ASSERT_TRUE(
      sidecar::ApplyConfigText("log_format: json\n", "c.yaml", "", options)
          .ok());
  EXPECT_EQ(options.log_format, sidecar::LogFormat::kJson);
  ASSERT_TRUE(
      sidecar::ApplyConfigText("log_format: text\n", "c.yaml", "", options)
          .ok());
  EXPECT_EQ(options.log_format, sidecar::LogFormat::kKeyValue);
  const absl::Status bad =
      sidecar::ApplyConfigText("log_format: JSON\n", "c.yaml", "", options);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(),
            "c.yaml: log_format: must be text or json, not \"JSON\"");
}

TEST(Spotburstd, BadConfigStopsStartupNamingTheLineAndKey) {
  const std::string dir = MakeTempDir();
  WriteAll(dir + "/spotburstd.yaml",
           "listen: 127.0.0.1:0\n"
           "decision_log:\n"
           "  max_files: 0\n");
  RunResult result =
      RunProgram({SPOTBURSTD_PATH, "--config=" + dir + "/spotburstd.yaml"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("event=startup_failed"));
  EXPECT_THAT(result.err,
              HasSubstr("spotburstd.yaml:3: decision_log.max_files"));
}

TEST(Spotburstd, APolicyThatFailsToLoadStopsStartup) {
  RunResult result = RunProgram(
      {SPOTBURSTD_PATH, "--listen=127.0.0.1:0",
       "--policy=bad=" +
           Repo("tests/testdata/policies/burst-point-out-of-range.yaml")});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("policies.bad: "));
  EXPECT_THAT(result.err, HasSubstr("scaling.burst_point"));
}

TEST(Spotburstd, LogsNoCertificateOrKeyContents) {
  const std::string dir = MakeTempDir();
  WriteAll(dir + "/server.key",
           "-----BEGIN PRIVATE KEY-----\nSECRETKEYBYTES\n");
  WriteAll(dir + "/server.crt", "-----BEGIN CERTIFICATE-----\nCERTBYTES\n");
  RunResult result = RunProgram({SPOTBURSTD_PATH, "--listen=127.0.0.1:0",
                                 "--tls_cert=" + dir + "/server.crt",
                                 "--tls_key=" + dir + "/server.key"});
  EXPECT_EQ(result.exit_code, 1);  // not a usable certificate
  EXPECT_THAT(result.err, HasSubstr("event=startup_failed"));
  EXPECT_THAT(result.err, ::testing::Not(HasSubstr("SECRETKEYBYTES")));
  EXPECT_THAT(result.err, ::testing::Not(HasSubstr("CERTBYTES")));
}

}  // namespace
}  // namespace spotburst::testing
