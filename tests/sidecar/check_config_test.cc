// spotburstd --check_config: everything the daemon would load and check at
// start, without listening, writing or contacting anything.
#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sidecar_testing.h"
#include "testing/spotburstd_daemon.h"

namespace spotburst::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// spotburstd --check_config run from `dir`, as systemd's ExecStartPre runs
// it from the unit's working directory.
RunResult CheckConfigFrom(const std::string& dir,
                          std::vector<std::string> flags) {
  std::vector<std::string> argv = {
      "/bin/sh",       "-c", "cd \"$0\" && exec \"$@\"", dir, SPOTBURSTD_PATH,
      "--check_config"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return RunProgram(argv);
}

TEST(CheckConfig, TheDeployExampleIsOkAndNothingListensOrIsWritten) {
  // The port is taken: a daemon that tried to listen would fail.
  SpotburstdDaemon other(
      {.config = "listen: 127.0.0.1:0\n", .metrics_listen = ""});
  ASSERT_GT(other.port(), 0) << other.Log();
  const std::string dir = MakeTempDir();
  RunResult r = CheckConfigFrom(SPOTBURST_SOURCE_DIR,
                                {"--config=examples/deploy/spotburstd.yaml",
                                 "--listen=" + Address(other.port()),
                                 "--decision_log=" + dir + "/decisions.jsonl"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out,
              ::testing::MatchesRegex(
                  "config ok: managed \\(mesos via ZooKeeper and Marathon; "
                  "ec2 us-east-1 pool mesos-a\\), policy ec2-burst revision "
                  "[0-9a-f]+, dry run, state file "
                  "/var/lib/spotburst/state.json; policies ec2-burst; listen "
                  "127.0.0.1:[0-9]+ \\(plaintext\\); metrics 127.0.0.1:9464; "
                  "decision log .*/decisions.jsonl\n"));
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "the decision log was opened";
}

// With HA the check joins no election: it contacts nothing (here no
// ZooKeeper answers at all) and the identity may be left to the daemon.
TEST(CheckConfig, HighAvailabilityIsCheckedWithoutContactingZooKeeper) {
  const std::string dir = MakeTempDir();
  WriteAll(
      dir + "/ha.yaml",
      "policies: {ec2-burst: " + Repo("examples/policies/ec2-burst.yaml") +
          "}\n"
          "managed:\n"
          "  policy: ec2-burst\n"
          "  mesos: {zookeeper: zk://127.0.0.1:1/mesos}\n"
          "  ec2: {region: us-east-1, pool: mesos-a}\n"
          "  ha: {zookeeper: \"127.0.0.1:1\", path: /spotburst/mesos-a}\n");
  RunResult r =
      CheckConfigFrom(SPOTBURST_SOURCE_DIR, {"--config=" + dir + "/ha.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out,
              HasSubstr(", HA through ZooKeeper at /spotburst/mesos-a;"));
  EXPECT_THAT(r.err, Not(HasSubstr("leader")));
}

TEST(CheckConfig, TheSimulatedAndTheStatelessExamplesAreOk) {
  RunResult managed = CheckConfigFrom(
      "/", {"--config=" + Repo("examples/sidecar/managed-sim.yaml")});
  EXPECT_EQ(managed.exit_code, 0) << managed.err;
  EXPECT_THAT(managed.out,
              HasSubstr("config ok: managed (simulated scenario "));
  EXPECT_THAT(managed.out, HasSubstr(", applying plans; policies exp1;"));
  RunResult stateless =
      CheckConfigFrom("/", {"--policy=exp1=" + Repo(kPolicyFile) +
                            ",exp2=" + Repo(kOtherPolicyFile)});
  EXPECT_EQ(stateless.exit_code, 0) << stateless.err;
  EXPECT_THAT(
      stateless.out,
      ::testing::Eq("config ok: stateless; policies exp1, exp2; listen "
                    "127.0.0.1:50551 (plaintext); metrics off; decision "
                    "log off\n"));
}

TEST(CheckConfig, ABadKeyNamesTheFileLineAndKeyAndExitsTwo) {
  const std::string dir = MakeTempDir();
  std::string text = ReadAll(Repo("examples/deploy/spotburstd.yaml"));
  const size_t at = text.find("    pool: mesos-a\n");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 8, "    pools");
  const int line = 1 + std::count(text.begin(), text.begin() + at, '\n');
  WriteAll(dir + "/spotburstd.yaml", text);
  RunResult r = CheckConfigFrom("/", {"--config=" + dir + "/spotburstd.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat(
                         "config error: ", dir, "/spotburstd.yaml:", line,
                         ": managed.ec2.pools: unknown key")));
}

TEST(CheckConfig, WhatWouldStopTheDaemonExitsTwoNamingIt) {
  const std::string dir = MakeTempDir();
  struct Case {
    std::vector<std::string> flags;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{"--config=" + dir + "/missing.yaml"}, "config: cannot read "},
      {{"--policy=bad=" +
        Repo("tests/testdata/policies/burst-point-out-of-range.yaml")},
       "scaling.burst_point"},
      {{"--policy=exp1=" + Repo(kPolicyFile),
        "--tls_cert=" + dir + "/missing.crt", "--tls_key=" + dir + "/k.key"},
       "tls.cert_file: cannot read "},
      {{"--listen=127.0.0.1:99999"}, "listen: port"},
  };
  for (const Case& c : cases) {
    RunResult r = CheckConfigFrom("/", c.flags);
    EXPECT_EQ(r.exit_code, 2) << c.flags[0] << "\n" << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("config error: ")) << c.flags[0];
    EXPECT_THAT(r.err, HasSubstr(c.error)) << c.flags[0];
    EXPECT_EQ(r.out, "") << c.flags[0];
  }
}

TEST(CheckConfig, ATlsFileThatIsNotPemIsNamedWithoutItsContents) {
  const std::string dir = MakeTempDir();
  WriteAll(dir + "/server.crt", "SECRETBYTES\n");
  WriteAll(dir + "/server.key", "-----BEGIN PRIVATE KEY-----\n");
  RunResult r = CheckConfigFrom("/", {"--tls_cert=" + dir + "/server.crt",
                                      "--tls_key=" + dir + "/server.key"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("config error: tls.cert_file: " + dir +
                               "/server.crt is not PEM"));
  EXPECT_THAT(r.err, Not(HasSubstr("SECRETBYTES")));
}

// The policy's boot script is read at the first launch, relative to the
// working directory: from elsewhere every launch would fail.
TEST(CheckConfig, ALiveWorldsUserDataMustBeReadableFromTheWorkingDirectory) {
  RunResult r = CheckConfigFrom(
      "/", {"--config=" + Repo("examples/deploy/spotburstd.yaml")});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err,
              HasSubstr("config error: policies.ec2-burst: "
                        "instance.launch_spec.user_data_file: user data: "
                        "cannot read examples/mesos/burst-agent-user-data.sh"));
  EXPECT_THAT(r.err, HasSubstr("(relative to the working directory, /)"));
}

}  // namespace
}  // namespace spotburst::testing
