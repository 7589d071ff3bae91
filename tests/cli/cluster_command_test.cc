// `spotburst cluster`: one read of a Mesos cluster (the test endpoint), in
// text and as the cluster part of a state; settings errors name the key.
#include <fstream>
#include <string>

#include "adapters/mesos/testing/fake_mesos_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spotburst/wire_format.h"
#include "testing/run_program.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::mesos::testing::FakeMesosServer;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::RunProgram;
using ::testing::HasSubstr;

std::string WriteSettings(const std::string& text) {
  const std::string path =
      ::testing::TempDir() + "mesos_" + std::to_string(getpid()) + ".yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(ClusterCommand, PrintsWhatTheAdapterSees) {
  FakeMesosServer mesos;
  mesos.Control(
      "agents",
      {{"agents",
        {{{"attributes", {{"cloud_type", "private"}}},
          {"resources", {{"cpus", 16}, {"mem", 61952}}},
          {"used", {{"cpus", 12}}}},
         {{"attributes", {{"cloud_type", "burst"}, {"instance_id", "i-0a1"}}},
          {"resources", {{"cpus", 2}, {"mem", 3840}}},
          {"used", {{"cpus", 1}}}}}}});
  mesos.Control("queue", {{"queue", nlohmann::json::parse(R"([
        {"app": {"id": "/etl/pinned", "cpus": 1, "mem": 1024,
                 "constraints": [["cloud_type", "CLUSTER", "private"]]},
         "count": 2, "delay": {"timeLeftSeconds": 0, "overdue": true}}])")}});
  const std::string settings =
      WriteSettings("masters: [" + mesos.master_url(1) +
                    "]\nmarathon: " + mesos.marathon_url() +
                    "\nprivate_selector: {cloud_type: private}\n"
                    "burst_attributes: {cloud_type: burst}\n");
  const auto text = RunProgram(std::string(SPOTBURST_CLI_PATH) +
                               " cluster --mesos " + settings);
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_THAT(text.output,
              HasSubstr("private capacity: cpus 16, mem 61952 MiB"));
  EXPECT_THAT(text.output, HasSubstr("used: cpus 13,"));
  EXPECT_THAT(text.output,
              HasSubstr("held back: /etl/pinned x2 (cpus 2, mem 2048 MiB, "
                        "disk 0 MiB, gpus 0) by placement-constraint"));
  EXPECT_THAT(text.output, HasSubstr("  i-0a1: agent "));

  // As JSON it is the cluster part of a state `spotburst evaluate` reads.
  const auto json = RunProgram(std::string(SPOTBURST_CLI_PATH) +
                               " cluster --format json --mesos " + settings);
  ASSERT_EQ(json.exit_code, 0) << json.output;
  absl::StatusOr<StateWithTime> state = ParseStateJson(
      R"({"now": "2021-04-15T12:00:00Z", "cluster": )" + json.output + "}");
  ASSERT_THAT(state, IsOk()) << json.output;
  EXPECT_EQ(state->input.cluster.baseline.cpus, 16);
  ASSERT_EQ(state->input.cluster.burst_agents.size(), 1u);
  EXPECT_EQ(state->input.cluster.burst_agents[0].instance_id, "i-0a1");
}

TEST(ClusterCommand, BadSettingsNameTheKeyAndReadNothing) {
  const std::string unknown =
      WriteSettings("masters: [http://127.0.0.1:1]\nmarathn: x\n");
  const auto r = RunProgram(std::string(SPOTBURST_CLI_PATH) +
                            " cluster --mesos " + unknown);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr(":2: marathn"));
  const std::string neither = WriteSettings("marathon: http://127.0.0.1:1\n");
  const auto n = RunProgram(std::string(SPOTBURST_CLI_PATH) +
                            " cluster --mesos " + neither);
  EXPECT_EQ(n.exit_code, 1);
  EXPECT_THAT(n.output, HasSubstr("exactly one of masters"));
  // The shipped example is valid (its cluster is not here: a failed read).
  const auto example = RunProgram(
      std::string(SPOTBURST_CLI_PATH) + " cluster --mesos " +
      std::string(SPOTBURST_SOURCE_DIR) + "/examples/mesos/cluster.yaml");
  EXPECT_EQ(example.exit_code, 1);
  EXPECT_THAT(example.output, HasSubstr("finding the leading master"));
}

}  // namespace
}  // namespace spotburst
