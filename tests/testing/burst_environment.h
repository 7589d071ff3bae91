// A Mesos cluster that bursts into EC2, made of the two test endpoints: a
// fake EC2 (tests/adapters/ec2/fake_ec2.py) and fake Mesos masters with a
// Marathon (tests/adapters/mesos/fake_mesos.py), each a child process on
// loopback. The environment plays what neither fake does alone: the burst
// instances' boot script (a running instance of the pool joins the cluster
// as an agent with the attributes the Mesos adapter recognises; a
// terminated one leaves), the cluster's demand (Marathon's queue, the
// private agents' usage) and a single view of the calls both fakes got.
//
// Everything goes through the fakes' HTTP endpoints, so what drives the
// environment and what it is tested against (a Controller in this process,
// or spotburstd daemons started with ec2_url(), master_urls(),
// marathon_url() and AwsEnvironment()) need not share a process. EC2 has a
// clock of its own (Now(), Advance()); the test moves it together with the
// clock of whatever it tests.
//
//   BurstEnvironment env;
//   env.SetQueue({BurstEnvironment::QueuedApp("/etl/worker", 4, 2, 2048)});
//   ... tick a Controller over Ec2Cloud + MesosCluster pointed at env ...
//   env.Advance(absl::Minutes(1));  // the instances boot
//   env.SyncAgents();               // and their agents join
//   EXPECT_EQ(env.Count("RunInstances"), 1);
#ifndef SPOTBURST_TESTS_TESTING_BURST_ENVIRONMENT_H_
#define SPOTBURST_TESTS_TESTING_BURST_ENVIRONMENT_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "adapters/ec2/testing/fake_ec2_server.h"
#include "adapters/mesos/testing/fake_mesos_server.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spotburst/ec2/credentials.h"
#include "spotburst/ec2/ec2_cloud.h"
#include "spotburst/mesos/mesos_cluster.h"
#include "spotburst/resources.h"

namespace spotburst::testing {

struct BurstEnvironmentOptions {
  // Where EC2's clock starts.
  absl::Time start = absl::FromUnixSeconds(1714640400);  // 2024-05-02 09:00Z
  std::string region = "us-east-1";
  // The pool's tag (spotburst:pool) marks the instances that join.
  std::string pool = "mesos-a";
  std::string pool_tag_key = "spotburst:pool";
  // The private agents' capacity, on one agent (cloud_type: private).
  Resources private_capacity = {
      .cpus = 40, .mem_mib = 81920, .disk_mib = 819200};
  // What a burst instance's agent offers (c4.large).
  Resources agent_shape = {.cpus = 2, .mem_mib = 3840};
  int masters = 1;
};

// One call either fake received.
struct FakeCall {
  // "ec2", "master0", ..., "marathon".
  std::string endpoint;
  // The EC2 action ("RunInstances"), the v1 operator call's type
  // ("DRAIN_AGENT") or "GET /master/slaves".
  std::string name;
  int status = 0;
  // The host's CLOCK_MONOTONIC when the fake took it up: one order for both.
  int64_t monotonic_ns = 0;
  // EC2: the ClientToken and InstanceId.N sent.
  std::string client_token;
  std::vector<std::string> instance_ids;
  // A v1 operator call on one agent (DRAIN_AGENT, ...): that agent.
  std::string agent_id;
  // Applied, its reply held until "release" (the fakes' hold faults).
  bool held = false;
};

// A burst agent as the masters hold it.
struct FakeBurstAgent {
  std::string instance_id;
  std::string agent_id;
  // "", "DRAINING" or "DRAINED".
  std::string drain_state;
  bool deactivated = false;
};

class BurstEnvironment {
 public:
  static constexpr char kAccessKey[] = "AKIDEXAMPLE";
  static constexpr char kSecretKey[] = "burst-environment-secret-0123456789";

  BurstEnvironment() : BurstEnvironment(BurstEnvironmentOptions{}) {}
  explicit BurstEnvironment(BurstEnvironmentOptions options)
      : options_(std::move(options)),
        ec2_(options_.start, kAccessKey, kSecretKey),
        mesos_(mesos::testing::FakeMesosServer::Options{.masters =
                                                            options_.masters}) {
    const nlohmann::json ids = mesos_.Control(
        "agents", {{"agents",
                    {{{"hostname", "10.20.0.10"},
                      {"attributes", {{"cloud_type", "private"}}},
                      {"resources", ResourcesJson(options_.private_capacity)},
                      {"used", nlohmann::json::object()}}}}});
    if (ids.contains("ids") && !ids["ids"].empty()) {
      private_agent_ = ids["ids"][0].get<std::string>();
    }
  }
  BurstEnvironment(const BurstEnvironment&) = delete;
  BurstEnvironment& operator=(const BurstEnvironment&) = delete;

  const BurstEnvironmentOptions& options() const { return options_; }

  // --- Addresses, for adapters in this process or a daemon's settings. ---
  // "http://127.0.0.1:PORT/".
  const std::string& ec2_url() const { return ec2_.url(); }
  std::vector<std::string> master_urls() const { return mesos_.master_urls(); }
  std::string marathon_url() const { return mesos_.marathon_url(); }
  // The credentials EC2 accepts, as a process's environment holds them.
  ec2::Environment AwsEnvironment() const {
    return {{"AWS_ACCESS_KEY_ID", kAccessKey},
            {"AWS_SECRET_ACCESS_KEY", kSecretKey}};
  }
  std::unique_ptr<ec2::CredentialsProvider> Credentials() const {
    return ec2::EnvironmentProvider(AwsEnvironment());
  }
  ec2::Ec2Options ec2_options(const std::string& policy_name) const {
    return {.region = options_.region,
            .endpoint = ec2_url(),
            .pool = options_.pool,
            .pool_tag_key = options_.pool_tag_key,
            .policy_name = policy_name};
  }
  mesos::MesosOptions mesos_options() const {
    return {.masters = master_urls(),
            .marathon = marathon_url(),
            .private_selector = {{"cloud_type", "private"}},
            .instance_id_attribute = "instance_id",
            .burst_attributes = {{"cloud_type", "burst"}}};
  }

  // The fakes themselves, for what this class does not cover (faults,
  // capacity, quotas, a leader change).
  ec2::testing::FakeEc2Server& ec2() { return ec2_; }
  mesos::testing::FakeMesosServer& mesos() { return mesos_; }

  // --- Time: EC2's clock (the Mesos fake has none). ---
  absl::Time Now() {
    const nlohmann::json state = ec2_.State();
    absl::Time now;
    std::string error;
    EXPECT_TRUE(absl::ParseTime(
        absl::RFC3339_full, state.value("now", std::string()), &now, &error))
        << error;
    return now;
  }
  // Whole seconds: instances boot, spot requests are evaluated, terminating
  // instances end.
  void Advance(absl::Duration d) {
    EXPECT_EQ(d % absl::Seconds(1), absl::ZeroDuration()) << d;
    ec2_.Control("clock", {{"advance_s", absl::ToInt64Seconds(d)}});
  }
  void SetSpotPrice(const std::string& instance_type, const std::string& zone,
                    double usd_per_hour, absl::Time since) {
    ec2_.Control("prices",
                 {{"prices",
                   {{{"instance_type", instance_type},
                     {"zone", zone},
                     {"price", usd_per_hour},
                     {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", since,
                                               absl::UTCTimeZone())}}}}});
  }

  // --- Demand. ---
  // One Marathon queue item: `count` instances of an app with no
  // constraint, waiting for resources.
  static nlohmann::json QueuedApp(const std::string& id, int count, double cpus,
                                  double mem_mib) {
    return {{"app",
             {{"id", id},
              {"instances", count},
              {"cpus", cpus},
              {"mem", mem_mib},
              {"disk", 0.0},
              {"gpus", 0},
              {"constraints", nlohmann::json::array()}}},
            {"count", count},
            {"role", "*"},
            {"delay", {{"timeLeftSeconds", 0}, {"overdue", true}}},
            {"since", "2024-05-02T09:00:00.000Z"}};
  }
  void SetQueue(const std::vector<nlohmann::json>& items) {
    mesos_.Control("queue", {{"queue", items}});
  }
  void SetPrivateUsage(const Resources& used) {
    mesos_.Control("used",
                   {{"id", private_agent_}, {"used", ResourcesJson(used)}});
  }
  // What tasks use on the agent of a joined instance.
  void SetAgentUsage(const std::string& instance_id, const Resources& used) {
    const std::string agent = AgentOf(instance_id);
    ASSERT_FALSE(agent.empty()) << instance_id << " has no agent";
    mesos_.Control("used", {{"id", agent}, {"used", ResourcesJson(used)}});
  }

  // --- The burst agents. ---
  struct SyncOptions {
    // Draining agents report drained (their tasks moved off).
    bool finish_drains = true;
  };
  struct SyncResult {
    std::vector<std::string> joined;   // instance ids
    std::vector<std::string> left;     // instance ids
    std::vector<std::string> drained;  // instance ids
  };
  // What the burst instances' boot script and their shutdown do: every
  // running instance of the pool without an agent joins (cloud_type: burst,
  // instance_id: <id>, zone: <zone>, as examples/mesos/burst-agent-user-
  // data.sh starts it); the agent of an instance no longer running leaves.
  SyncResult SyncAgents() { return SyncAgents(SyncOptions{}); }
  SyncResult SyncAgents(const SyncOptions& sync) {
    SyncResult result;
    std::map<std::string, std::string> running;  // id -> zone
    for (const nlohmann::json& i : Instances("running")) {
      running.emplace(StringOr(i, "id"), StringOr(i, "zone"));
    }
    std::set<std::string> with_agent;
    for (const FakeBurstAgent& agent : Agents()) {
      with_agent.insert(agent.instance_id);
      if (!running.contains(agent.instance_id)) {
        mesos_.Control("remove_agent", {{"id", agent.agent_id}});
        result.left.push_back(agent.instance_id);
      } else if (sync.finish_drains && agent.drain_state == "DRAINING") {
        mesos_.Control("finish_drain", {{"id", agent.agent_id}});
        result.drained.push_back(agent.instance_id);
      }
    }
    for (const auto& [id, zone] : running) {
      if (with_agent.contains(id)) continue;
      const nlohmann::json answer = mesos_.Control(
          "add_agent",
          {{"agent",
            {{"hostname", absl::StrCat("10.30.0.", ++agents_started_)},
             {"attributes",
              {{"cloud_type", "burst"}, {"instance_id", id}, {"zone", zone}}},
             {"resources", ResourcesJson(options_.agent_shape)},
             {"used", nlohmann::json::object()},
             {"region", options_.region},
             {"zone", zone}}}});
      if (!answer.contains("id")) continue;
      agent_of_[id] = answer["id"].get<std::string>();
      result.joined.push_back(id);
    }
    return result;
  }

  // The pool's instances EC2 holds (terminated ones stay listed an hour),
  // in any state or in `state` ("pending", "running", "shutting-down",
  // "terminated").
  std::vector<nlohmann::json> Instances(std::string_view state = "") {
    std::vector<nlohmann::json> out;
    const nlohmann::json now = ec2_.State();
    for (const nlohmann::json& i : now.value("instances", nlohmann::json())) {
      const nlohmann::json tags = i.value("tags", nlohmann::json::object());
      if (!tags.is_object() ||
          tags.value(options_.pool_tag_key, std::string()) != options_.pool) {
        continue;
      }
      if (state.empty() || StringOr(i, "state") == state) {
        out.push_back(i);
      }
    }
    return out;
  }

  // The burst agents the masters hold now.
  std::vector<FakeBurstAgent> Agents() {
    std::vector<FakeBurstAgent> out;
    const nlohmann::json now = mesos_.State();
    for (const nlohmann::json& a : now.value("agents", nlohmann::json())) {
      const nlohmann::json attributes =
          a.value("attributes", nlohmann::json::object());
      if (!attributes.is_object() || !attributes.contains("instance_id")) {
        continue;
      }
      FakeBurstAgent agent{.instance_id = StringOr(attributes, "instance_id"),
                           .agent_id = StringOr(a, "id"),
                           .deactivated = a.value("deactivated", false)};
      const auto drain = a.find("drain");
      if (drain != a.end() && drain->is_object()) {
        agent.drain_state = drain->value("state", std::string());
      }
      out.push_back(std::move(agent));
    }
    return out;
  }

  // The agent id an instance's agent had when it joined ("" if it never
  // did); kept after it left.
  std::string AgentOf(const std::string& instance_id) const {
    const auto it = agent_of_.find(instance_id);
    return it == agent_of_.end() ? "" : it->second;
  }

  // --- What the fakes were asked. ---
  // Every call to EC2, the masters and Marathon, in the order they came.
  std::vector<FakeCall> Calls() {
    std::vector<FakeCall> calls;
    const nlohmann::json ec2 = ec2_.State();
    for (const nlohmann::json& c : ec2.value("calls", nlohmann::json())) {
      FakeCall call{.endpoint = "ec2",
                    .name = StringOr(c, "action"),
                    .status = c.value("status", 0),
                    .monotonic_ns = c.value("monotonic_ns", int64_t{0}),
                    .client_token = StringOr(c, "client_token"),
                    .held = c.value("held", false)};
      if (c.contains("instance_ids")) {
        call.instance_ids = c["instance_ids"].get<std::vector<std::string>>();
      }
      calls.push_back(std::move(call));
    }
    const nlohmann::json mesos = mesos_.State();
    for (const nlohmann::json& c : mesos.value("calls", nlohmann::json())) {
      FakeCall call{.endpoint = StringOr(c, "server"),
                    .status = c.value("status", 0),
                    .monotonic_ns = c.value("monotonic_ns", int64_t{0}),
                    .held = c.value("held", false)};
      const std::string path = StringOr(c, "path");
      const nlohmann::json body =
          nlohmann::json::parse(StringOr(c, "body"), nullptr, false);
      if (path == "/api/v1" && body.is_object() && body.contains("type")) {
        call.name = StringOr(body, "type");
        // {"type": "DRAIN_AGENT", "drain_agent": {"agent_id": {"value": ..}}}
        for (const auto& [key, value] : body.items()) {
          if (!value.is_object()) continue;
          const auto agent = value.find("agent_id");
          if (agent != value.end() && agent->is_object()) {
            call.agent_id = StringOr(*agent, "value");
          }
        }
      } else {
        call.name = absl::StrCat(StringOr(c, "method"), " ", path);
      }
      calls.push_back(std::move(call));
    }
    std::stable_sort(calls.begin(), calls.end(),
                     [](const FakeCall& a, const FakeCall& b) {
                       return a.monotonic_ns < b.monotonic_ns;
                     });
    return calls;
  }
  // Calls named `name` (with HTTP status `status`, when not 0).
  int Count(std::string_view name, int status = 0) {
    int n = 0;
    for (const FakeCall& c : Calls()) {
      if (c.name == name && (status == 0 || c.status == status)) ++n;
    }
    return n;
  }

 private:
  static nlohmann::json ResourcesJson(const Resources& r) {
    return {{"cpus", r.cpus},
            {"mem", r.mem_mib},
            {"disk", r.disk_mib},
            {"gpus", r.gpus}};
  }
  static std::string StringOr(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
  }

  BurstEnvironmentOptions options_;
  ec2::testing::FakeEc2Server ec2_;
  mesos::testing::FakeMesosServer mesos_;
  std::string private_agent_;
  int agents_started_ = 0;
  std::map<std::string, std::string> agent_of_;
};

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_TESTING_BURST_ENVIRONMENT_H_
