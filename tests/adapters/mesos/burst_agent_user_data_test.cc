// The burst instance's boot script (examples/mesos/burst-agent-user-data.sh)
// against a test metadata service: the agent it would start carries the
// attributes the adapter recognises, and odd metadata stops it.
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "agent_tracker.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spotburst/mesos/mesos_cluster.h"
#include "testing/fake_http_server.h"
#include "testing/run_program.h"

namespace spotburst::mesos {
namespace {

using ::spotburst::testing::FakeHttpServer;
using ::spotburst::testing::RunProgram;
using ::testing::Contains;
using ::testing::HasSubstr;

const std::string kScript = std::string(SPOTBURST_SOURCE_DIR) +
                            "/examples/mesos/burst-agent-user-data.sh";

std::string RunScript(FakeHttpServer& imds, int& exit_code) {
  const auto result = RunProgram(
      "IMDS_ENDPOINT=" + imds.url() +
      " MESOS_AGENT_DRY_RUN=1 MESOS_MASTER=zk://10.0.0.5:2181/mesos bash " +
      kScript);
  exit_code = result.exit_code;
  return result.output;
}

// "--attributes=a:b;c:d" as the agent parses it: pairs split at ';', each
// at its first ':'.
Attributes ParseAttributes(const std::string& flag) {
  Attributes out;
  for (const std::string& pair : std::vector<std::string>(
           absl::StrSplit(flag.substr(flag.find('=') + 1), ';'))) {
    const size_t colon = pair.find(':');
    out.emplace(pair.substr(0, colon), pair.substr(colon + 1));
  }
  return out;
}

TEST(BurstAgentUserData, StartsAnAgentTheAdapterRecognises) {
  FakeHttpServer imds;
  imds.Command({{"imds",
                 {{"metadata",
                   {{"instance-id", "i-0abc123def4567890"},
                    {"placement/availability-zone", "us-east-1b"},
                    {"local-ipv4", "10.30.0.5"}}}}}});
  int exit_code = -1;
  const std::string output = RunScript(imds, exit_code);
  ASSERT_EQ(exit_code, 0) << output;
  std::vector<std::string> args = absl::StrSplit(output, '\n');
  EXPECT_EQ(args[0], "mesos-agent");
  EXPECT_THAT(args, Contains("--master=zk://10.0.0.5:2181/mesos"));
  EXPECT_THAT(args, Contains("--ip=10.30.0.5"));
  std::string attributes;
  for (const std::string& a : args) {
    if (a.starts_with("--attributes=")) attributes = a;
  }
  ASSERT_FALSE(attributes.empty()) << output;

  // With the adapter's defaults, that agent is the instance's burst agent.
  const MesosOptions defaults;
  AgentTracker tracker(
      {.private_selector = {{"cloud_type", "private"}},
       .instance_id_attribute = defaults.instance_id_attribute});
  const ClusterAgents seen =
      tracker.Update({.agents = {{.id = "S1",
                                  .attributes = ParseAttributes(attributes),
                                  .total = {.cpus = 2}}}});
  ASSERT_EQ(seen.burst.size(), 1u) << attributes;
  EXPECT_EQ(seen.burst[0].instance_id, "i-0abc123def4567890");
  EXPECT_EQ(seen.private_agents, 0);
  EXPECT_EQ(ParseAttributes(attributes).at("cloud_type"), "burst");
  EXPECT_EQ(ParseAttributes(attributes).at("zone"), "us-east-1b");
}

TEST(BurstAgentUserData, RefusesMetadataAnAgentCouldNotCarry) {
  FakeHttpServer imds;
  imds.Command({{"imds",
                 {{"metadata",
                   {{"instance-id", "i-0abc; rm -rf /"},
                    {"placement/availability-zone", "us-east-1b"},
                    {"local-ipv4", "10.30.0.5"}}}}}});
  int exit_code = -1;
  const std::string output = RunScript(imds, exit_code);
  EXPECT_EQ(exit_code, 1);
  EXPECT_THAT(output, HasSubstr("unexpected metadata value"));
  EXPECT_THAT(output, ::testing::Not(HasSubstr("mesos-agent")));
}

}  // namespace
}  // namespace spotburst::mesos
