// The spotburstd program: configuration file, startup errors, a clean exit
// on SIGTERM with the decision log written out, and managed mode from the
// example configuration, watched from Python.
#include <signal.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sidecar_testing.h"

namespace spotburst::testing {
namespace {

using ::testing::HasSubstr;

// Starts spotburstd and reads its log until it says where it listens.
class Daemon {
 public:
  explicit Daemon(std::vector<std::string> args) {
    args.insert(args.begin(), SPOTBURSTD_PATH);
    child_ = std::make_unique<ChildProcess>(args);
    child_->ReadUntil(
        [&] {
          return child_->err().find("event=listening") != std::string::npos ||
                 child_->err().find("event=startup_failed") !=
                     std::string::npos;
        },
        absl::Now() + absl::Seconds(30));
    const std::string& err = child_->err();
    const size_t at = err.find("address=127.0.0.1:");
    if (at != std::string::npos) {
      port_ = std::atoi(err.c_str() + at +
                        std::string("address=127.0.0.1:").size());
    }
  }
  int port() const { return port_; }
  ChildProcess& child() { return *child_; }

 private:
  std::unique_ptr<ChildProcess> child_;
  int port_ = 0;
};

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
  Daemon daemon({"--config=" + Repo("examples/sidecar/managed-sim.yaml"),
                 "--listen=127.0.0.1:0"});
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
