// The Mesos master's JSON read into the adapter's structs: bodies shaped as
// the master writes them (tests/adapters/mesos/testdata/: a 1.x master with
// private, burst, draining and drained agents; an old master without
// used_resources; the same cluster through GET_AGENTS), and each kind of
// malformed or partial body refused with the endpoint, the field and the
// agent named.
#include "master_json.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master_json_reading.h"
#include "nlohmann/json.hpp"
#include "testing/status_matchers.h"

namespace spotburst::mesos {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::IsOkAndHolds;
using ::spotburst::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kS3[] = "7eb34f10-b07c-4921-aece-bbaece09dfd1-S3";
constexpr char kS5[] = "7eb34f10-b07c-4921-aece-bbaece09dfd1-S5";
constexpr char kS7[] = "7eb34f10-b07c-4921-aece-bbaece09dfd1-S7";
constexpr char kS8[] = "7eb34f10-b07c-4921-aece-bbaece09dfd1-S8";
constexpr char kS9[] = "7eb34f10-b07c-4921-aece-bbaece09dfd1-S9";

std::string Testdata(const std::string& name) {
  std::ifstream in(std::string(SPOTBURST_SOURCE_DIR) +
                   "/tests/adapters/mesos/testdata/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json TestdataJson(const std::string& name) {
  return nlohmann::json::parse(Testdata(name));
}

// What testdata/slaves.json and testdata/get_agents.json both describe.
AgentList ExampleCluster() {
  AgentList list;
  list.agents.push_back(
      {.id = kS3,
       .hostname = "10.20.1.17",
       .attributes = {{"cloud_type", "private"}, {"rack", "12"}},
       .total = {.cpus = 16, .mem_mib = 61952, .disk_mib = 460800},
       .used = {.cpus = 14.5, .mem_mib = 49152, .disk_mib = 20480},
       .offered = {},
       .active = true});
  list.agents.push_back(
      {.id = kS7,
       .hostname = "ip-10-30-4-21.ec2.internal",
       .attributes = {{"cloud_type", "aws"},
                      {"instance_id", "i-0a1b2c3d4e5f60718"},
                      {"zone", "us-east-1a"}},
       // Revocable cpus are not capacity the engine may count on.
       .total = {.cpus = 2, .mem_mib = 3840, .disk_mib = 32768},
       .used = {.cpus = 1.5, .mem_mib = 2048},
       .offered = {.cpus = 0.5, .mem_mib = 1792, .disk_mib = 32768},
       .active = true});
  list.agents.push_back(
      {.id = kS8,
       .hostname = "ip-10-30-4-22.ec2.internal",
       .attributes = {{"cloud_type", "aws"},
                      {"instance_id", "i-0a1b2c3d4e5f60719"},
                      {"zone", "us-east-1b"}},
       .total = {.cpus = 2, .mem_mib = 3840, .disk_mib = 32768},
       .used = {.cpus = 0.5, .mem_mib = 512},
       .active = true,
       .deactivated = true,
       .drain = DrainPhase::kDraining});
  list.agents.push_back(
      {.id = kS9,
       .hostname = "ip-10-30-4-23.ec2.internal",
       .attributes = {{"cloud_type", "aws"},
                      {"instance_id", "i-0a1b2c3d4e5f6071a"},
                      {"lanes", "[1-4, 8-9]"},
                      {"weight", "2.5"}},
       .total = {.cpus = 4, .mem_mib = 7680, .disk_mib = 65536, .gpus = 1},
       .active = false,
       .deactivated = true,
       .drain = DrainPhase::kDrained});
  list.recovered.push_back(
      {.id = kS5,
       .hostname = "ip-10-30-4-19.ec2.internal",
       .attributes = {{"cloud_type", "aws"},
                      {"instance_id", "i-0a1b2c3d4e5f60716"}}});
  return list;
}

// Every error is InvalidArgument, names the endpoint first, and stays
// short whatever the body holds.
::testing::Matcher<absl::Status> RefusedWith(const std::string& endpoint,
                                             const std::string& text) {
  return StatusIs(absl::StatusCode::kInvalidArgument,
                  AllOf(::testing::StartsWith(endpoint + ": "), HasSubstr(text),
                        SizeIs(::testing::Lt(400u))));
}

// ---------------------------------------------------------------------------
// /metrics/snapshot

TEST(ParseMetricsSnapshotTest, ReadsTheLeadersCapacityAndUsage) {
  absl::StatusOr<MetricsSnapshot> snapshot =
      ParseMetricsSnapshot(Testdata("metrics_snapshot.json"));
  ASSERT_THAT(snapshot, IsOk());
  EXPECT_TRUE(snapshot->elected);
  EXPECT_EQ(snapshot->total,
            (Resources{.cpus = 96, .mem_mib = 371712, .disk_mib = 2764800}));
  EXPECT_EQ(snapshot->used,
            (Resources{.cpus = 88.5, .mem_mib = 301056, .disk_mib = 409600}));
  EXPECT_EQ(snapshot->agents_active, 6);
  EXPECT_EQ(snapshot->uptime_secs, 86412.7);
}

TEST(ParseMetricsSnapshotTest, AMasterThatIsNotTheLeaderSaysSo) {
  // No resource gauges needed: the caller turns to the leader.
  EXPECT_THAT(ParseMetricsSnapshot(
                  R"({"master/elected": 0.0, "system/cpus_total": 4.0})"),
              IsOkAndHolds(MetricsSnapshot{.elected = false}));
}

TEST(ParseMetricsSnapshotTest, GpusAgentsAndUptimeMayBeAbsent) {
  nlohmann::json body = TestdataJson("metrics_snapshot.json");
  for (const char* key : {"master/gpus_total", "master/gpus_used",
                          "master/slaves_active", "master/uptime_secs"}) {
    body.erase(key);
  }
  absl::StatusOr<MetricsSnapshot> snapshot = ParseMetricsSnapshot(body.dump());
  ASSERT_THAT(snapshot, IsOk());
  EXPECT_EQ(snapshot->total.cpus, 96);
  EXPECT_EQ(snapshot->total.gpus, 0);
  EXPECT_EQ(snapshot->agents_active, std::nullopt);
  EXPECT_EQ(snapshot->uptime_secs, std::nullopt);
}

TEST(ParseMetricsSnapshotTest, TheLeaderMustReportCpusMemAndDisk) {
  for (const char* key :
       {"master/cpus_total", "master/cpus_used", "master/mem_total",
        "master/mem_used", "master/disk_total", "master/disk_used"}) {
    SCOPED_TRACE(key);
    nlohmann::json body = TestdataJson("metrics_snapshot.json");
    body.erase(key);
    EXPECT_THAT(
        ParseMetricsSnapshot(body.dump()).status(),
        RefusedWith("/metrics/snapshot", std::string(key) + ": is missing"));
  }
}

TEST(ParseMetricsSnapshotTest, RefusesBadValuesNamingTheKey) {
  struct Case {
    std::string key;
    nlohmann::json value;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {"master/elected", nullptr, "master/elected: is null, not a number"},
      {"master/elected", 0.5, "master/elected: 0.5 is not 0 or 1"},
      {"master/cpus_used", -1.0, "master/cpus_used: -1 is negative"},
      {"master/mem_total", "371712", "master/mem_total: is a string"},
      {"master/uptime_secs", true, "master/uptime_secs: is a boolean"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key);
    nlohmann::json body = TestdataJson("metrics_snapshot.json");
    body[c.key] = c.value;
    EXPECT_THAT(ParseMetricsSnapshot(body.dump()).status(),
                RefusedWith("/metrics/snapshot", c.problem));
  }
  EXPECT_THAT(ParseMetricsSnapshot(R"({"master/cpus_total": 96})").status(),
              RefusedWith("/metrics/snapshot", "master/elected: is missing"));
  // JSON has no infinity; a number too large for a double is not one.
  EXPECT_THAT(
      ParseMetricsSnapshot(
          R"({"master/elected": 1, "master/cpus_total": 1e999})")
          .status(),
      RefusedWith("/metrics/snapshot", "master/cpus_total: not a finite"));
}

TEST(ParseMetricsSnapshotTest, RefusesWhatIsNotOneJsonObject) {
  const std::string body = Testdata("metrics_snapshot.json");
  EXPECT_THAT(ParseMetricsSnapshot(body.substr(0, body.size() / 2)).status(),
              RefusedWith("/metrics/snapshot", "not valid JSON"));
  EXPECT_THAT(ParseMetricsSnapshot("").status(),
              RefusedWith("/metrics/snapshot", "not valid JSON"));
  EXPECT_THAT(ParseMetricsSnapshot("[1]").status(),
              RefusedWith("/metrics/snapshot", "is an array, not a JSON"));
  EXPECT_THAT(ParseMetricsSnapshot(body + "{}").status(),
              RefusedWith("/metrics/snapshot", "more after the object"));
}

// ---------------------------------------------------------------------------
// /master/slaves

TEST(ParseAgentsTest, ReadsEveryAgentOfA1xMaster) {
  absl::StatusOr<AgentList> list = ParseAgents(Testdata("slaves.json"));
  ASSERT_THAT(list, IsOk());
  const AgentList expected = ExampleCluster();
  ASSERT_EQ(list->agents.size(), expected.agents.size());
  for (size_t i = 0; i < expected.agents.size(); ++i) {
    SCOPED_TRACE(expected.agents[i].id);
    EXPECT_EQ(list->agents[i], expected.agents[i]);
  }
  EXPECT_EQ(list->recovered, expected.recovered);
  EXPECT_TRUE(list->reports_used);
}

TEST(ParseAgentsTest, AnOldMasterWithoutUsedResourcesIsFlagged) {
  absl::StatusOr<AgentList> list =
      ParseAgents(Testdata("slaves_old_master.json"));
  ASSERT_THAT(list, IsOk());
  EXPECT_FALSE(list->reports_used);
  ASSERT_EQ(list->agents.size(), 2u);
  EXPECT_EQ(list->agents[0].total,
            (Resources{.cpus = 8, .mem_mib = 15360, .disk_mib = 102400}));
  EXPECT_EQ(list->agents[0].used, Resources{});
  EXPECT_EQ(list->agents[0].attributes.at("rack"), "3");
  EXPECT_TRUE(list->agents[0].active);
  EXPECT_FALSE(list->agents[1].active);
  EXPECT_FALSE(list->agents[1].deactivated);
  EXPECT_EQ(list->agents[1].drain, DrainPhase::kNone);
  EXPECT_TRUE(list->recovered.empty());
}

TEST(ParseAgentsTest, ReadsTheSameAgentsFromMasterState) {
  // /master/state: the same `slaves` among many other keys, frameworks and
  // their tasks (with resources of their own) first.
  nlohmann::json state = TestdataJson("slaves.json");
  state["version"] = "1.11.0";
  state["leader_info"] = {{"hostname", "m1"}, {"port", 5050}};
  state["flags"] = {{"zk_session_timeout", "10secs"}};
  state["frameworks"] = nlohmann::json::array(
      {{{"id", "f-1"},
        {"resources", {{"cpus", 9}}},
        {"tasks", {{{"slave_id", kS3}, {"resources", {{"cpus", 1}}}}}}}});
  // nlohmann orders keys by name: "flags" and "frameworks" come first.
  EXPECT_THAT(ParseAgents(state.dump()), IsOkAndHolds(ExampleCluster()));
}

TEST(ParseAgentsTest, AnEmptyClusterHasNoAgents) {
  EXPECT_THAT(ParseAgents(R"({"slaves": [], "recovered_slaves": []})"),
              IsOkAndHolds(AgentList{}));
}

TEST(ParseAgentsTest, ScalarAttributesReadAsMesosPrintsThem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"12", "12"},        {"12.0", "12"},  {"2.5", "2.5"},
      {"0.3333", "0.333"}, {"7.0001", "7"}, {"100000", "100000"},
      {"1e3", "1000"},     {"0", "0"}};
  for (const auto& [json, text] : cases) {
    SCOPED_TRACE(json);
    absl::StatusOr<AgentList> list = ParseAgents(
        R"({"slaves": [{"id": "a-S0", "hostname": "h", "active": true,
            "resources": {"cpus": 1, "mem": 1, "disk": 1},
            "attributes": {"rack": )" +
        json + "}}]}");
    ASSERT_THAT(list, IsOk());
    EXPECT_EQ(list->agents[0].attributes.at("rack"), text);
  }
}

// A copy of testdata/slaves.json with `change` applied to it.
std::string SlavesWith(const std::function<void(nlohmann::json&)>& change) {
  nlohmann::json body = TestdataJson("slaves.json");
  change(body);
  return body.dump();
}

TEST(ParseAgentsTest, RefusesABadAgentNamingItsIndexIdAndField) {
  struct Case {
    std::string name;
    std::function<void(nlohmann::json&)> change;
    std::string problem;
  };
  const std::string s7 = std::string("slaves[1] (id \"") + kS7 + "\"): ";
  const std::vector<Case> cases = {
      {"no resources",
       [](nlohmann::json& b) { b["slaves"][1].erase("resources"); },
       s7 + "resources: is missing"},
      {"resources without cpus",
       [](nlohmann::json& b) { b["slaves"][1]["resources"].erase("cpus"); },
       s7 + "resources.cpus: is missing"},
      {"cpus as text",
       [](nlohmann::json& b) { b["slaves"][1]["resources"]["cpus"] = "2"; },
       s7 + "resources.cpus: is a string, not a number"},
      {"negative usage",
       [](nlohmann::json& b) {
         b["slaves"][1]["used_resources"]["mem"] = -2048;
       },
       s7 + "used_resources.mem: -2048 is negative"},
      {"offers not an object",
       [](nlohmann::json& b) { b["slaves"][1]["offered_resources"] = 3; },
       s7 + "offered_resources: is a number, not an object"},
      {"active as text",
       [](nlohmann::json& b) { b["slaves"][1]["active"] = "true"; },
       s7 + "active: is a string, not true or false"},
      {"no active", [](nlohmann::json& b) { b["slaves"][1].erase("active"); },
       s7 + "active: is missing"},
      {"attribute of another kind",
       [](nlohmann::json& b) {
         b["slaves"][1]["attributes"]["zone"] = {"us-east-1a"};
       },
       s7 + "attributes.\"zone\": is an array, not a string or a number"},
      {"unknown drain state",
       [](nlohmann::json& b) {
         b["slaves"][1]["drain_info"] = {{"state", "PAUSED"}};
       },
       s7 + "drain_info.state: \"PAUSED\" is not DRAINING or DRAINED"},
      {"no id", [](nlohmann::json& b) { b["slaves"][1].erase("id"); },
       "slaves[1]: id: is missing"},
      {"empty id", [](nlohmann::json& b) { b["slaves"][1]["id"] = ""; },
       "slaves[1]: id: is empty"},
      {"no hostname",
       [](nlohmann::json& b) { b["slaves"][1].erase("hostname"); },
       s7 + "hostname: is missing"},
      {"agent not an object", [](nlohmann::json& b) { b["slaves"][1] = "S7"; },
       "slaves[1]: is a string, not an object"},
      {"slaves not an array",
       [](nlohmann::json& b) { b["slaves"] = nlohmann::json::object(); },
       "slaves: is an object, not an array"},
      {"no slaves", [](nlohmann::json& b) { b.erase("slaves"); },
       "slaves: is missing"},
      {"recovered agent without id",
       [](nlohmann::json& b) { b["recovered_slaves"][0].erase("id"); },
       "recovered_slaves[0]: id: is missing"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(ParseAgents(SlavesWith(c.change)).status(),
                RefusedWith("/master/slaves", c.problem));
  }
}

TEST(ParseAgentsTest, NamesTheAgentEvenWhenItsIdComesAfterTheProblem) {
  EXPECT_THAT(ParseAgents(R"({"slaves": [{"resources": {"cpus": -4, "mem": 1,
          "disk": 1}, "active": true, "hostname": "h", "id": "late-S1"}]})")
                  .status(),
              RefusedWith("/master/slaves",
                          "slaves[0] (id \"late-S1\"): resources.cpus: -4 is "
                          "negative"));
}

TEST(ParseAgentsTest, NeverQuotesMuchOfTheBody) {
  // A huge id and a huge drain state: named, but cut short.
  const std::string long_id(100000, 'x');
  const std::string long_state(100000, 'D');
  absl::Status status = ParseAgents(R"({"slaves": [{"id": ")" + long_id +
                                    R"(", "hostname": "h", "active": true,
          "resources": {"cpus": 1, "mem": 1, "disk": 1},
          "drain_info": {"state": ")" +
                                    long_state + R"("}}]})")
                            .status();
  EXPECT_THAT(status, RefusedWith("/master/slaves", "more bytes"));
}

TEST(ParseAgentsTest, RefusesEveryTruncationOfTheBody) {
  // Cut anywhere, the body is refused: never read as a shorter list.
  const std::string body = Testdata("slaves.json");
  const size_t end = body.find_last_not_of(" \n") + 1;
  for (size_t size = 0; size < end; ++size) {
    const absl::Status status = ParseAgents(body.substr(0, size)).status();
    ASSERT_THAT(status, RefusedWith("/master/slaves", ""))
        << "cut after " << size << " bytes";
  }
}

TEST(ParseAgentsTest, RefusesTrailingContent) {
  EXPECT_THAT(ParseAgents(R"({"slaves": []} {"slaves": []})").status(),
              RefusedWith("/master/slaves", "more after the object"));
  EXPECT_THAT(ParseAgents(R"({"slaves": []}, 1)").status(),
              RefusedWith("/master/slaves", ""));
}

// ---------------------------------------------------------------------------
// GET_AGENTS

TEST(ParseGetAgentsTest, ReadsTheSameClusterAsMasterSlaves) {
  absl::StatusOr<AgentList> list = ParseGetAgents(Testdata("get_agents.json"));
  ASSERT_THAT(list, IsOk());
  const AgentList expected = ExampleCluster();
  ASSERT_EQ(list->agents.size(), expected.agents.size());
  for (size_t i = 0; i < expected.agents.size(); ++i) {
    SCOPED_TRACE(expected.agents[i].id);
    EXPECT_EQ(list->agents[i], expected.agents[i]);
  }
  EXPECT_EQ(list->recovered, expected.recovered);
  EXPECT_TRUE(list->reports_used);
  EXPECT_THAT(ParseAgents(Testdata("slaves.json")), IsOkAndHolds(*list));
}

TEST(ParseGetAgentsTest, EmptyListsMayBeLeftOut) {
  EXPECT_THAT(ParseGetAgents(R"({"type": "GET_AGENTS", "get_agents": {}})"),
              IsOkAndHolds(AgentList{}));
}

TEST(ParseGetAgentsTest, ReadsEveryKindOfAttribute) {
  absl::StatusOr<AgentList> list = ParseGetAgents(R"({"get_agents": {
      "recovered_agents": [{"hostname": "h", "id": {"value": "a-S0"},
        "attributes": [
          {"name": "os", "type": "TEXT", "text": {"value": "centos7"}},
          {"name": "rack", "type": "SCALAR", "scalar": {"value": 12.0}},
          {"name": "lanes", "type": "RANGES",
           "ranges": {"range": [{"begin": 1, "end": 4}]}},
          {"name": "disks", "type": "SET", "set": {"item": ["ssd", "hdd"]}},
          {"name": "os", "type": "TEXT", "text": {"value": "debian12"}}]}]}})");
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->recovered.size(), 1u);
  EXPECT_EQ(list->recovered[0].attributes,
            (Attributes{{"os", "centos7"},
                        {"rack", "12"},
                        {"lanes", "[1-4]"},
                        {"disks", "{ssd, hdd}"}}));
}

std::string GetAgentsWith(const std::function<void(nlohmann::json&)>& change) {
  nlohmann::json body = TestdataJson("get_agents.json");
  change(body);
  return body.dump();
}

TEST(ParseGetAgentsTest, RefusesABadAgentNamingItsIndexIdAndField) {
  struct Case {
    std::string name;
    std::function<void(nlohmann::json&)> change;
    std::string problem;
  };
  const std::string s7 =
      std::string("get_agents.agents[1] (id \"") + kS7 + "\"): ";
  const auto agent = [](nlohmann::json& b) -> nlohmann::json& {
    return b["get_agents"]["agents"][1];
  };
  const std::vector<Case> cases = {
      {"no total_resources",
       [&](nlohmann::json& b) { agent(b).erase("total_resources"); },
       s7 + "total_resources: is missing"},
      {"negative scalar",
       [&](nlohmann::json& b) {
         agent(b)["allocated_resources"][0]["scalar"]["value"] = -1.5;
       },
       s7 + "allocated_resources[0].scalar.value: -1.5 is negative"},
      {"cpus without a scalar",
       [&](nlohmann::json& b) {
         agent(b)["total_resources"][0].erase("scalar");
       },
       s7 + "total_resources[0] (cpus): scalar.value: is missing"},
      {"resources not a list",
       [&](nlohmann::json& b) {
         agent(b)["offered_resources"] = {{"cpus", 1}};
       },
       s7 + "offered_resources: is an object, not an array"},
      {"attribute without a value",
       [&](nlohmann::json& b) {
         agent(b)["agent_info"]["attributes"][0].erase("text");
       },
       s7 + "agent_info.attributes[0]: no text, scalar, ranges or set"},
      {"id not wrapped",
       [&](nlohmann::json& b) { agent(b)["agent_info"]["id"] = kS7; },
       "get_agents.agents[1]: agent_info.id: is a string, not an object"},
      {"no agent_info",
       [&](nlohmann::json& b) { agent(b).erase("agent_info"); },
       "get_agents.agents[1]: agent_info: is missing"},
      {"draining as a number",
       [&](nlohmann::json& b) {
         agent(b)["drain_info"] = {{"state", 1}};
       },
       s7 + "drain_info.state: is a number, not a string"},
      {"another call's answer",
       [](nlohmann::json& b) { b["type"] = "GET_STATE"; },
       "type: \"GET_STATE\" is not GET_AGENTS"},
      {"no answer", [](nlohmann::json& b) { b.erase("get_agents"); },
       "get_agents: is missing"},
      {"recovered agent without hostname",
       [](nlohmann::json& b) {
         b["get_agents"]["recovered_agents"][0].erase("hostname");
       },
       std::string("get_agents.recovered_agents[0] (id \"") + kS5 +
           "\"): hostname: is missing"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(ParseGetAgents(GetAgentsWith(c.change)).status(),
                RefusedWith("GET_AGENTS", c.problem));
  }
}

TEST(ParseGetAgentsTest, RefusesEveryTruncationOfTheBody) {
  const std::string body = Testdata("get_agents.json");
  const size_t end = body.find_last_not_of(" \n") + 1;
  for (size_t size = 0; size < end; size += 7) {
    ASSERT_THAT(ParseGetAgents(body.substr(0, size)).status(),
                RefusedWith("GET_AGENTS", ""))
        << "cut after " << size << " bytes";
  }
}

}  // namespace
}  // namespace spotburst::mesos
