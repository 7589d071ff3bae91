// `spotburst status`, `pause`, `resume` and `watch` against a running
// spotburstd (in process, managed over the simulated cloud): what an
// operator sees, the daemon obeying, a stateless daemon's and an
// unreachable one's errors, TLS and mutual TLS.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "sidecar_testing.h"
#include "spotburst/v1/controller_service.grpc.pb.h"
#include "test_certificates.h"

namespace spotburst::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kScenarioFile[] = "examples/scenarios/experiment1-revised.yaml";

sidecar::SidecarOptions Managed(double scale) {
  sidecar::SidecarOptions options;
  options.policy_files["exp1"] = Repo(kPolicyFile);
  options.managed =
      sidecar::ManagedOptions{.policy_name = "exp1",
                              .scenario_file = Repo(kScenarioFile),
                              .simulated_seconds_per_second = scale};
  return options;
}

v1::ControllerStatus Status(int port) {
  auto stub = v1::ControllerService::NewStub(PlainChannel(port));
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ControllerStatus status;
  EXPECT_TRUE(stub->GetStatus(&context, {}, &status).ok());
  return status;
}

// Asks GetStatus (each poll a call, no guessed sleep) until the simulated
// run is over, at most 10 s.
v1::ControllerStatus FinishedStatus(int port) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  v1::ControllerStatus status = Status(port);
  while (!status.finished() && absl::Now() < deadline) status = Status(port);
  EXPECT_TRUE(status.finished());
  return status;
}

RunResult Cli(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {SPOTBURST_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv);
}

std::string Target(int port) { return "--target=" + Address(port); }

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// A port nothing listens on: bound, then closed.
int UnusedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), size), 0);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size), 0);
  close(fd);
  return ntohs(address.sin_port);
}

TEST(CliDaemon, StatusShowsWhatTheManagedLoopDid) {
  auto server = StartServer(Managed(1e6));
  ASSERT_NE(server, nullptr);
  const v1::ControllerStatus status = FinishedStatus(server->port());

  RunResult r = Cli({"status", Target(server->port())});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_GE(lines.size(), 9u) << r.out;
  EXPECT_EQ(lines[0], "daemon: " + Address(server->port()) + ", managed over " +
                          status.adapters());
  EXPECT_EQ(lines[1], "paused: no");
  EXPECT_EQ(lines[2], "dry run: no");
  EXPECT_EQ(lines[3],
            "policy: exp1 (revision " + status.policy_revision() + ")");
  EXPECT_EQ(lines[4], absl::StrCat("ticks: ", status.ticks(),
                                   " (0 failed); finished: the adapters' "
                                   "world has ended"));
  EXPECT_THAT(lines[5], ::testing::StartsWith(
                            "last tick: " + status.last_tick().decision_id() +
                            ", started "));
  EXPECT_THAT(lines[5], HasSubstr(": OK; actions "));
  EXPECT_THAT(lines[6],
              ::testing::StartsWith(absl::StrCat(
                  "fleet: ", status.fleet().instances_size(), " instance")));
  EXPECT_THAT(lines[7],
              ::testing::StartsWith(absl::StrCat(
                  "last plan ", status.last_plan().policy_name(), " at ")));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("\n  instances: running ",
                                            status.last_plan().running())));
  EXPECT_EQ(lines.back(), "recent errors: none");

  // The same status as JSON, for scripts.
  r = Cli({"status", Target(server->port()), "--format=json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  v1::ControllerStatus parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &parsed).ok())
      << r.out;
  EXPECT_EQ(parsed.last_tick().decision_id(), status.last_tick().decision_id());
  server->Shutdown(absl::Now() + absl::Seconds(5));
}

TEST(CliDaemon, PauseAndResumeReachTheLoopAndShowInTheStatus) {
  auto server = StartServer(Managed(60));
  ASSERT_NE(server, nullptr);
  const std::string target = Target(server->port());

  RunResult r = Cli({"pause", target, "--reason=maintenance window"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "paused (was running): maintenance window\n");
  EXPECT_TRUE(Status(server->port()).paused());
  EXPECT_EQ(Status(server->port()).pause_reason(), "maintenance window");

  r = Cli({"status", target});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::ContainsRegex(
                         "\npaused: yes, since [0-9-]+T[0-9:]+Z: maintenance "
                         "window\n"));

  r = Cli({"pause", target});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "paused (was paused: no change)\n");

  r = Cli({"resume", target});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "running (was paused)\n");
  EXPECT_FALSE(Status(server->port()).paused());
  r = Cli({"status", target});
  EXPECT_THAT(r.out, HasSubstr("\npaused: no\n"));
  server->Shutdown(absl::Now() + absl::Seconds(5));
}

// Counts whole lines of the child's output.
size_t LineCount(const CapturedProcess& child) {
  return std::count(child.out().begin(), child.out().end(), '\n');
}

TEST(CliDaemon, WatchPrintsEachDecisionAndEndsCleanlyOnSigint) {
  // A 60 s tick every 100 ms: the run outlasts the test.
  auto server = StartServer(Managed(600));
  ASSERT_NE(server, nullptr);
  CapturedProcess watch({SPOTBURST_CLI_PATH, "watch", Target(server->port())});
  ASSERT_TRUE(watch.ReadUntil([&] { return LineCount(watch) >= 2; },
                              absl::Now() + absl::Seconds(10)))
      << watch.out() << watch.err();
  watch.Signal(SIGINT);
  EXPECT_EQ(watch.Wait(), 0) << watch.err();
  EXPECT_EQ(watch.err(), "");
  const std::vector<std::string> lines = Lines(watch.out());
  ASSERT_GE(lines.size(), 2u);
  const std::regex line(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ running=\d+ pending=\d+ )"
      R"(desired=\d+: .+ \(applied\))");
  for (const std::string& l : lines) {
    EXPECT_TRUE(std::regex_match(l, line)) << l;
  }
  // One tick, one evaluation interval (a minute) apart.
  EXPECT_LT(lines[0].substr(0, 20), lines[1].substr(0, 20));
  server->Shutdown(absl::Now() + absl::Seconds(5));
}

TEST(CliDaemon, WatchLastAsJsonStartsWithTheLastDecision) {
  auto server = StartServer(Managed(1e6));
  ASSERT_NE(server, nullptr);
  const v1::ControllerStatus status = FinishedStatus(server->port());
  CapturedProcess watch({SPOTBURST_CLI_PATH, "watch", Target(server->port()),
                         "--last", "--format=json"});
  ASSERT_TRUE(watch.ReadUntil([&] { return LineCount(watch) >= 1; },
                              absl::Now() + absl::Seconds(10)))
      << watch.err();
  watch.Signal(SIGINT);
  EXPECT_EQ(watch.Wait(), 0) << watch.err();
  const std::vector<std::string> lines = Lines(watch.out());
  ASSERT_EQ(lines.size(), 1u) << watch.out();
  v1::WatchDecisionsResponse response;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(lines[0], &response).ok())
      << lines[0];
  EXPECT_EQ(response.decision().decision_id(),
            status.last_tick().decision_id());
  EXPECT_EQ(response.decision().source(), v1::DECISION_SOURCE_CONTROLLER);
  server->Shutdown(absl::Now() + absl::Seconds(5));
}

TEST(CliDaemon, WatchEndsWhenTheDaemonShutsDown) {
  auto server = StartServer(Managed(600));
  ASSERT_NE(server, nullptr);
  CapturedProcess watch({SPOTBURST_CLI_PATH, "watch", Target(server->port())});
  ASSERT_TRUE(watch.ReadUntil([&] { return LineCount(watch) >= 1; },
                              absl::Now() + absl::Seconds(10)));
  server->Shutdown(absl::Now() + absl::Seconds(5));
  EXPECT_EQ(watch.Wait(), 0) << watch.err();
  EXPECT_THAT(watch.err(), HasSubstr("the stream ended"));
}

TEST(CliDaemon, AStatelessDaemonSaysWhyThereIsNothingToOperate) {
  sidecar::SidecarOptions options;
  options.policy_files["exp1"] = Repo(kPolicyFile);
  auto server = StartServer(std::move(options));
  ASSERT_NE(server, nullptr);
  const std::string target = Target(server->port());

  for (const char* command : {"pause", "resume", "watch"}) {
    SCOPED_TRACE(command);
    RunResult r = Cli({command, target});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err, HasSubstr("spotburstd at " + Address(server->port()) +
                                 ": FAILED_PRECONDITION: "));
    EXPECT_THAT(r.err, HasSubstr("this daemon runs in stateless mode; add a "
                                 "managed: section"));
  }
  RunResult r = Cli({"status", target});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("daemon: " + Address(server->port()) +
                               ", stateless: no control loop"));
  server->Shutdown(absl::Now() + absl::Seconds(5));
}

TEST(CliDaemon, AnUnreachableTargetIsNamed) {
  const std::string address = Address(UnusedPort());
  for (const char* command : {"status", "pause", "resume", "watch"}) {
    SCOPED_TRACE(command);
    RunResult r = Cli({command, "--target=" + address});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr(absl::StrCat("spotburst ", command,
                                              ": cannot reach spotburstd at ",
                                              address, " (UNAVAILABLE")));
  }
}

TEST(CliDaemon, UsageErrorsNameTheFlagAndExit2) {
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {{"status", "extra"}, "spotburst status: takes no arguments"},
           {{"pause", "--tls_cert=c.pem"},
            "spotburst pause: --tls_key: required with --tls_cert"},
           {{"resume", "--tls_key=k.pem"},
            "spotburst resume: --tls_cert: required with --tls_key"},
           {{"pause", "--reason=" + std::string(300, 'x')},
            "spotburst pause: --reason: at most 256 characters (got 300)"},
           {{"status", "--timeout=0s"},
            "spotburst status: --timeout: must be "
            "positive"},
           {{"watch", "--format=yaml"},
            "spotburst watch: --format must be text or json"},
       }) {
    SCOPED_TRACE(c.args[0] + " " + c.args[1].substr(0, 20));
    RunResult r = Cli(c.args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr(c.error));
    EXPECT_THAT(r.err, Not(HasSubstr(std::string(257, 'x'))));
  }
  // A file that cannot be read is a failure naming its flag.
  RunResult r = Cli({"status", "--tls_ca=" + MakeTempDir() + "/absent.crt"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("spotburst status: --tls_ca: "));
}

TEST(CliDaemon, HelpListsTheConnectionFlagsWithTheirDefaults) {
  RunResult r = Cli({"pause", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("usage: spotburst pause [--target HOST:PORT]"));
  EXPECT_THAT(r.out, HasSubstr("  --target=HOST:PORT\n"));
  EXPECT_THAT(r.out, HasSubstr("(default: 127.0.0.1:50551)"));
  EXPECT_THAT(r.out, HasSubstr("  --tls_ca=FILE\n"));
  EXPECT_THAT(r.out, HasSubstr("  --timeout=DURATION\n"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("\\(default:\\s+10s\\)"));
  r = Cli({"--help"});
  for (const char* command : {"status", "pause", "resume", "watch"}) {
    EXPECT_THAT(r.out, HasSubstr(absl::StrCat("  spotburst ", command,
                                              " [--target HOST:PORT]")));
  }
}

class CliDaemonTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certificates_ = new Certificates(MakeCertificates());
  }
  static void TearDownTestSuite() { delete certificates_; }
  static Certificates* certificates_;
};
Certificates* CliDaemonTlsTest::certificates_ = nullptr;

TEST_F(CliDaemonTlsTest, MutualTlsWithTheClientCertificateOnly) {
  const Certificates& c = *certificates_;
  sidecar::SidecarOptions options = Managed(1e6);
  options.tls = {.cert_file = c.server_cert,
                 .key_file = c.server_key,
                 .client_ca_file = c.ca_cert};
  auto server = StartServer(std::move(options));
  ASSERT_NE(server, nullptr);
  const std::string target = Target(server->port());

  RunResult r =
      Cli({"status", target, "--tls_ca=" + c.server_cert,
           "--tls_cert=" + c.client_cert, "--tls_key=" + c.client_key});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(", managed over "));
  r = Cli({"pause", target, "--tls_ca=" + c.server_cert,
           "--tls_cert=" + c.client_cert, "--tls_key=" + c.client_key});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "paused (was running)\n");

  // Without a client certificate, or in plaintext, the handshake fails.
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--tls_ca=" + c.server_cert},
        std::vector<std::string>{}}) {
    std::vector<std::string> args = {"status", target};
    args.insert(args.end(), flags.begin(), flags.end());
    r = Cli(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("cannot reach spotburstd at " +
                                 Address(server->port())));
  }
  server->Shutdown(absl::Now() + absl::Seconds(5));
}

}  // namespace
}  // namespace spotburst::testing
