// The managed: section of spotburstd's configuration file.
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

}  // namespace
}  // namespace spotburst::sidecar
