// `cmake --install`: the installed programs find the instance catalogue and
// the example configuration from any working directory, and the protos and
// examples are installed beside them under share/spotburst.
#include <signal.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sidecar_testing.h"

namespace spotburst::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kTrace[] = "data/spot_us-east-1_2015-03_2015-07_m3.medium.csv";

class InstallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Canonical: the installed programs see their own path that way.
    prefix_ = std::filesystem::canonical(MakeTempDir()).string() + "/prefix";
    RunResult install = RunProgram({SPOTBURST_CMAKE_COMMAND, "--install",
                                    SPOTBURST_BINARY_DIR, "--prefix", prefix_});
    ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(prefix_, ignored);
  }

  std::string Installed(const std::string& path) const {
    return prefix_ + "/" + path;
  }

  // argv run from the root directory, far from any checkout.
  static std::vector<std::string> FromRoot(std::vector<std::string> argv) {
    argv.insert(argv.begin(), {"/bin/sh", "-c", "cd / && exec \"$0\" \"$@\""});
    return argv;
  }

  std::string prefix_;
};

TEST_F(InstallTest, InstalledSpotburstFindsItsCatalogueFromAnyDirectory) {
  // No policy: the on-demand price comes from the catalogue.
  const std::vector<std::string> bid = {"bid", "--market=m3.medium/us-east-1b",
                                        "--at=2015-06-09T10:30:00Z"};
  std::vector<std::string> in_checkout = {SPOTBURST_CLI_PATH,
                                          "--trace=" + Repo(kTrace)};
  in_checkout.insert(in_checkout.end(), bid.begin(), bid.end());
  const RunResult expected = RunProgram(in_checkout);
  ASSERT_EQ(expected.exit_code, 0) << expected.err;

  std::vector<std::string> installed = {
      Installed("bin/spotburst"),
      "--trace=" + Installed("share/spotburst/" + std::string(kTrace))};
  installed.insert(installed.end(), bid.begin(), bid.end());
  const RunResult from_root = RunProgram(FromRoot(installed));
  EXPECT_EQ(from_root.exit_code, 0) << from_root.err;
  EXPECT_EQ(from_root.out, expected.out);

  // Another --catalog is read as given, relative to where it runs: a
  // missing one is an error naming it...
  std::vector<std::string> missing = installed;
  missing.push_back("--catalog=prices/instance_types.csv");
  const RunResult not_found = RunProgram(FromRoot(missing));
  EXPECT_EQ(not_found.exit_code, 1) << not_found.out;
  EXPECT_THAT(not_found.err, HasSubstr("prices/instance_types.csv"));
  EXPECT_THAT(not_found.err, Not(HasSubstr(prefix_)));
  // ...and one that is there wins over the installation's.
  const std::string own = MakeTempDir() + "/own.csv";
  std::string catalogue = ReadAll(Repo("data/instance_types.csv"));
  const std::string row = "us-east-1,m3.medium,1,3.75,0.067,";
  ASSERT_NE(catalogue.find(row), std::string::npos);
  catalogue.replace(catalogue.find(row), row.size(),
                    "us-east-1,m3.medium,1,3.75,0.0123,");
  WriteAll(own, catalogue);
  installed.push_back("--catalog=" + own);
  const RunResult own_catalogue = RunProgram(FromRoot(installed));
  EXPECT_EQ(own_catalogue.exit_code, 0) << own_catalogue.err;
  EXPECT_THAT(own_catalogue.out, HasSubstr("0.0123"));
  EXPECT_THAT(expected.out, Not(HasSubstr("0.0123")));
}

TEST_F(InstallTest, ProtosCatalogueAndExamplesAreInstalledUnderShare) {
  for (const char* dir : {"proto/spotburst/v1", "proto/grpc/health/v1"}) {
    int protos = 0;
    for (const auto& entry : std::filesystem::directory_iterator(Repo(dir))) {
      const std::string name = entry.path().filename().string();
      const std::string installed =
          Installed(std::string("share/spotburst/") + dir + "/" + name);
      ASSERT_TRUE(std::filesystem::is_regular_file(installed)) << installed;
      EXPECT_EQ(ReadAll(installed), ReadAll(entry.path().string())) << name;
      ++protos;
    }
    EXPECT_GT(protos, 0) << dir;
  }
  for (const char* file :
       {"data/instance_types.csv", "examples/sidecar/managed-sim.yaml",
        "examples/policies/experiment1-revised.yaml",
        "examples/scenarios/experiment1-revised.yaml",
        "examples/states/scale-up.json"}) {
    EXPECT_EQ(ReadAll(Installed(std::string("share/spotburst/") + file)),
              ReadAll(Repo(file)))
        << file;
  }
}

TEST_F(InstallTest, InstalledDaemonRunsTheExampleConfigFromAnyDirectory) {
  // The path the README gives, relative to a checkout: from / the installed
  // daemon reads its installation's copy (and the scenario, policy and
  // trace it names, by their relative paths).
  CapturedProcess daemon(FromRoot({Installed("bin/spotburstd"),
                                   "--config=examples/sidecar/managed-sim.yaml",
                                   "--listen=127.0.0.1:0"}));
  daemon.ReadUntil(
      [&] {
        return absl::StrContains(daemon.err(), "event=listening") ||
               absl::StrContains(daemon.err(), "event=startup_failed");
      },
      absl::Now() + absl::Seconds(30));
  EXPECT_THAT(daemon.err(), HasSubstr("event=listening"));
  EXPECT_THAT(daemon.err(),
              HasSubstr("event=config_from_installation "
                        "config=examples/sidecar/managed-sim.yaml path=" +
                        Installed("share/spotburst/examples/sidecar/"
                                  "managed-sim.yaml")));
  EXPECT_THAT(daemon.err(), HasSubstr("event=managed_started policy=exp1"));
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.Wait(absl::Seconds(15)), 0) << daemon.err();
}

}  // namespace
}  // namespace spotburst::testing
