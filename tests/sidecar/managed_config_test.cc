// The managed: section of spotburstd's configuration file.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sidecar/config.h"

namespace spotburst::sidecar {
namespace {

using ::testing::HasSubstr;

TEST(ManagedConfig, ReadsTheSectionWithPathsFromTheFilesDirectory) {
  SidecarOptions options;
  ASSERT_TRUE(ApplyConfigText("policies: {exp1: p.yaml}\n"
                              "managed:\n"
                              "  policy: exp1\n"
                              "  simulated:\n"
                              "    scenario: scenarios/s.yaml\n"
                              "    simulated_seconds_per_second: 600\n"
                              "  dry_run: true\n",
                              "spotburstd.yaml", "/etc/sb", options)
                  .ok());
  ASSERT_TRUE(options.managed.has_value());
  EXPECT_EQ(options.managed->policy_name, "exp1");
  EXPECT_EQ(options.managed->scenario_file, "/etc/sb/scenarios/s.yaml");
  EXPECT_EQ(options.managed->simulated_seconds_per_second, 600);
  EXPECT_TRUE(options.dry_run);
  EXPECT_TRUE(options.Validate().ok());
}

TEST(ManagedConfig, DefaultsToSixtySimulatedSecondsPerSecond) {
  SidecarOptions options;
  ASSERT_TRUE(
      ApplyConfigText("managed: {policy: a, simulated: {scenario: s.yaml}}\n",
                      "c.yaml", "", options)
          .ok());
  EXPECT_EQ(options.managed->simulated_seconds_per_second, 60);
  EXPECT_FALSE(options.dry_run);
  // The policy must be one of `policies`.
  EXPECT_THAT(options.Validate().message(),
              HasSubstr("managed.policy: no policy named \"a\""));
}

TEST(ManagedConfig, NamesTheBadKey) {
  SidecarOptions options;
  absl::Status missing =
      ApplyConfigText("managed: {policy: a}\n", "c.yaml", "", options);
  EXPECT_THAT(missing.message(), HasSubstr("managed: adapters required"));
  absl::Status range = ApplyConfigText(
      "managed:\n  policy: a\n  simulated:\n    scenario: s\n"
      "    simulated_seconds_per_second: 0\n",
      "c.yaml", "", options);
  EXPECT_THAT(range.message(),
              HasSubstr("c.yaml:5: managed.simulated.simulated_seconds_per_"
                        "second"));
  absl::Status unknown = ApplyConfigText("managed: {policy: a, cloud: {}}\n",
                                         "c.yaml", "", options);
  EXPECT_THAT(unknown.message(), HasSubstr("managed.cloud"));
}

constexpr char kLive[] =
    "policies: {prod: p.yaml}\n"
    "managed:\n"
    "  policy: prod\n"
    "  mesos:\n"
    "    zookeeper: zk://10.0.0.1:2181/mesos\n"
    "    marathon: http://10.0.0.2:8080\n"
    "    private_selector: {cloud_type: private}\n"
    "    credentials_file: secrets/mesos.credentials\n"
    "  ec2:\n"
    "    region: us-east-1\n"
    "    pool: mesos-a\n"
    "    endpoint: http://127.0.0.1:8080/\n"
    "    on_demand_usd_per_hour: {c4.large: 0.1}\n"
    "    availability_zones: [us-east-1b, us-east-1c]\n"
    "  state_file: state/spotburst.json\n";

TEST(ManagedConfig, ReadsALiveWorld) {
  SidecarOptions options;
  ASSERT_TRUE(
      ApplyConfigText(kLive, "spotburstd.yaml", "/etc/sb", options).ok());
  ASSERT_TRUE(options.managed.has_value());
  const ManagedOptions& managed = *options.managed;
  EXPECT_TRUE(managed.live());
  ASSERT_TRUE(managed.mesos.has_value());
  EXPECT_EQ(managed.mesos->zookeeper, "zk://10.0.0.1:2181/mesos");
  EXPECT_EQ(managed.mesos->marathon, "http://10.0.0.2:8080");
  EXPECT_EQ(managed.mesos->private_selector.at("cloud_type"), "private");
  // Relative paths start at the configuration file's directory.
  EXPECT_EQ(managed.mesos->credentials_file,
            "/etc/sb/secrets/mesos.credentials");
  ASSERT_TRUE(managed.ec2.has_value());
  EXPECT_EQ(managed.ec2->region(), "us-east-1");
  EXPECT_EQ(managed.ec2->pool(), "mesos-a");
  EXPECT_EQ(managed.ec2->availability_zones_size(), 2);
  EXPECT_EQ(managed.state_file, "/etc/sb/state/spotburst.json");
}

TEST(ManagedConfig, ALiveWorldNamesTheBadKey) {
  struct Case {
    std::string config;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"managed: {policy: a, mesos: {zookeeper: zk://h:2181/m}}\n",
       "managed.ec2: required with managed.mesos"},
      {"managed: {policy: a, ec2: {region: r, pool: p}}\n",
       "managed.mesos: required with managed.ec2"},
      {"managed: {policy: a, simulated: {scenario: s.yaml}, "
       "mesos: {zookeeper: zk://h:2181/m}, ec2: {region: r, pool: p}}\n",
       "managed: set either simulated, or mesos and ec2, not both"},
      {"managed: {policy: a, mesos: {zookeeper: zk://h:2181/m}, "
       "ec2: {pool: p}}\n",
       "managed.ec2.region: required"},
      {"managed: {policy: a, mesos: {zookeeper: zk://h:2181/m}, "
       "ec2: {region: r, pool: p, pool_tag_key: \"aws:x\"}}\n",
       "managed.ec2.pool_tag_key"},
      {"managed: {policy: a, mesos: {masters: [http://m:5050], "
       "zookeeper: zk://h:2181/m}, ec2: {region: r, pool: p}}\n",
       "managed.mesos: give exactly one of masters"},
      {"managed: {policy: a, mesos: {zookeeper: zk://h:2181/m}, "
       "ec2: {region: r, pool: p, retry_budget_s: 0}}\n",
       "managed.ec2.retry_budget_s"},
  };
  for (const Case& c : cases) {
    SidecarOptions options;
    absl::Status status = ApplyConfigText(c.config, "c.yaml", "", options);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.config;
    EXPECT_THAT(status.message(), HasSubstr(c.error)) << c.config;
  }
}

TEST(ManagedConfig, ReadsHighAvailability) {
  SidecarOptions options;
  ASSERT_TRUE(
      ApplyConfigText("managed:\n"
                      "  policy: a\n"
                      "  mesos: {zookeeper: zk://h:2181/m}\n"
                      "  ec2: {region: r, pool: p}\n"
                      "  ha: {zookeeper: \"10.0.0.1:2181,10.0.0.2:2181\", "
                      "path: /spotburst/mesos-a, session_timeout_s: 4}\n",
                      "c.yaml", "", options)
          .ok());
  ASSERT_TRUE(options.managed->ha.has_value());
  EXPECT_EQ(options.managed->ha->zookeeper, "10.0.0.1:2181,10.0.0.2:2181");
  EXPECT_EQ(options.managed->ha->path, "/spotburst/mesos-a");
  EXPECT_EQ(options.managed->ha->session_timeout, absl::Seconds(4));
  // Filled in at start: the host name and the port.
  EXPECT_EQ(options.managed->ha->identity, "");

  absl::Status with_file = ApplyConfigText(
      "managed: {policy: a, mesos: {zookeeper: zk://h:2181/m}, "
      "ec2: {region: r, pool: p}, state_file: s.json, "
      "ha: {zookeeper: \"h:2181\", path: /sb}}\n",
      "c.yaml", "", options);
  EXPECT_THAT(with_file.message(),
              HasSubstr("managed.state_file: not with managed.ha"));
  absl::Status bad_path = ApplyConfigText(
      "managed: {policy: a, mesos: {zookeeper: zk://h:2181/m}, "
      "ec2: {region: r, pool: p}, ha: {zookeeper: \"h:2181\", path: sb}}\n",
      "c.yaml", "", options);
  EXPECT_THAT(bad_path.message(), HasSubstr("managed.ha.path"));
}

}  // namespace
}  // namespace spotburst::sidecar
