#include "unmet_demand.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "marathon_queue.h"
#include "testing/status_matchers.h"

namespace spotburst::mesos {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// A burst agent: cloud_type=burst, a per-agent instance_id, in us-east-1a.
BurstAgentProfile BurstAgent() {
  return {.attributes = {{"cloud_type", "burst"},
                         {"rack", "12"},
                         {"os", "centos7"}},
          .unique_attributes = {"instance_id"},
          .region = "us-east-1",
          .zone = "us-east-1a"};
}

UnmetDemand Split(const std::string& body,
                  const BurstAgentProfile& agent = BurstAgent()) {
  auto queue = ParseMarathonQueue(body);
  EXPECT_TRUE(queue.ok()) << queue.status();
  if (!queue.ok()) return {};
  return SplitUnmetDemand(*queue, agent);
}

// One app waiting for offers (overdue), with these extra app fields.
std::string AppQueue(const std::string& id, int count,
                     const std::string& app_fields) {
  return R"({"queue": [{"app": {"id": ")" + id +
         R"(", "cpus": 2.0, "mem": 4096.0, "disk": 0.0, "gpus": 0)" +
         (app_fields.empty() ? "" : ", " + app_fields) + R"(}, "count": )" +
         std::to_string(count) +
         R"(, "role": "*", "delay": {"timeLeftSeconds": 0, "overdue": true}}]})";
}

std::string WithConstraint(const std::string& constraint) {
  return AppQueue("/c", 3, R"("constraints": [)" + constraint + "]");
}

// Whether one new burst agent can take an app with this one constraint.
bool Satisfiable(const std::string& constraint,
                 const BurstAgentProfile& agent = BurstAgent()) {
  const UnmetDemand demand = Split(WithConstraint(constraint), agent);
  return demand.held_back.empty();
}

constexpr char kExampleQueue[] = R"json({
  "queue": [
    {
      "app": { "id": "/etl/worker", "instances": 40, "cpus": 2.0, "mem": 4096.0, "disk": 0.0,
               "gpus": 0, "constraints": [["hostname", "UNIQUE"]] },
      "count": 12,
      "role": "*",
      "delay": { "timeLeftSeconds": 0, "overdue": true },
      "since": "2024-05-02T09:14:03.120Z",
      "processedOffersSummary": {
        "processedOffersCount": 84,
        "unusedOffersCount": 84,
        "lastUnusedOfferAt": "2024-05-02T09:16:40.002Z",
        "rejectSummaryLastOffers": [
          { "reason": "UnfulfilledRole",       "declined": 0, "processed": 6 },
          { "reason": "UnfulfilledConstraint", "declined": 0, "processed": 6 },
          { "reason": "InsufficientCpus",      "declined": 5, "processed": 6 },
          { "reason": "InsufficientMemory",    "declined": 1, "processed": 1 }
        ]
      }
    }
  ]
})json";

TEST(SplitUnmetDemandTest, QueuesDemandThatWaitsForResources) {
  const UnmetDemand demand = Split(kExampleQueue);
  EXPECT_EQ(demand.queued, (Resources{.cpus = 24, .mem_mib = 49152}));
  EXPECT_THAT(demand.held_back, IsEmpty());
}

TEST(SplitUnmetDemandTest, HoldsBackAnAppPinnedToPrivateAgents) {
  const UnmetDemand demand = Split(
      AppQueue("/billing/db", 2, R"("constraints": [["cloud_type", "CLUSTER",
                                                      "private"]])"));
  EXPECT_EQ(demand.queued, Resources{});
  EXPECT_THAT(
      demand.held_back,
      ElementsAre(HeldBackDemand{
          .workload = "/billing/db",
          .reason = HoldReason::kPlacementConstraint,
          .instances = 2,
          .resources = {.cpus = 4, .mem_mib = 8192},
          .detail = "constraint cloud_type:CLUSTER:private: burst agents "
                    "have cloud_type=burst"}));
}

TEST(SplitUnmetDemandTest, HoldsBackACrashLoopingApp) {
  const UnmetDemand demand = Split(R"({"queue": [{
      "app": {"id": "/flaky", "cpus": 1, "mem": 512},
      "count": 5, "role": "*",
      "delay": {"timeLeftSeconds": 240, "overdue": false},
      "processedOffersSummary": {"processedOffersCount": 0,
                                 "unusedOffersCount": 0,
                                 "rejectSummaryLastOffers": []}}]})");
  EXPECT_EQ(demand.queued, Resources{});
  EXPECT_THAT(demand.held_back,
              ElementsAre(HeldBackDemand{
                  .workload = "/flaky",
                  .reason = HoldReason::kLaunchDelay,
                  .instances = 5,
                  .resources = {.cpus = 5, .mem_mib = 2560},
                  .detail = "backed off 240 s after failed launches"}));
}

TEST(SplitUnmetDemandTest, QueuesAnAppWhoseBackoffHasRunOut) {
  const UnmetDemand demand = Split(R"({"queue": [{
      "app": {"id": "/retry", "cpus": 1, "mem": 512}, "count": 1,
      "delay": {"timeLeftSeconds": 0, "overdue": false}}]})");
  EXPECT_EQ(demand.queued, (Resources{.cpus = 1, .mem_mib = 512}));
  EXPECT_THAT(demand.held_back, IsEmpty());
}

TEST(SplitUnmetDemandTest, HoldsBackAnAppThatAcceptsOnlyARole) {
  const UnmetDemand demand = Split(AppQueue(
      "/analytics/spark", 4, R"("acceptedResourceRoles": ["analytics"])"));
  EXPECT_EQ(demand.queued, Resources{});
  ASSERT_THAT(demand.held_back, SizeIs(1));
  EXPECT_EQ(demand.held_back[0].reason, HoldReason::kRole);
  EXPECT_EQ(demand.held_back[0].instances, 4);
  EXPECT_EQ(demand.held_back[0].detail,
            "accepts only role analytics; burst agents offer unreserved (*) "
            "resources");

  // With "*" among its roles, a burst agent's resources will do.
  const UnmetDemand also_unreserved = Split(AppQueue(
      "/analytics/spark", 4, R"("acceptedResourceRoles": ["analytics", "*"])"));
  EXPECT_EQ(also_unreserved.queued, (Resources{.cpus = 8, .mem_mib = 16384}));
  EXPECT_THAT(also_unreserved.held_back, IsEmpty());
}

TEST(SplitUnmetDemandTest, QueuesAPodWithItsWholeAsk) {
  const UnmetDemand demand = Split(R"({"queue": [{
    "pod": {
      "id": "/web/frontend",
      "containers": [
        {"name": "nginx", "resources": {"cpus": 0.5, "mem": 256, "disk": 100}},
        {"name": "app", "resources": {"cpus": 1.5, "mem": 1024}}],
      "executorResources": {"cpus": 0.1, "mem": 32, "disk": 10},
      "scheduling": {"placement": {"constraints": [
          {"fieldName": "hostname", "operator": "UNIQUE"}]}}},
    "count": 2, "role": "*",
    "delay": {"timeLeftSeconds": 0, "overdue": true}}]})");
  EXPECT_DOUBLE_EQ(demand.queued.cpus, 4.2);
  EXPECT_DOUBLE_EQ(demand.queued.mem_mib, 2624);
  EXPECT_DOUBLE_EQ(demand.queued.disk_mib, 220);
  EXPECT_THAT(demand.held_back, IsEmpty());
}

TEST(SplitUnmetDemandTest, HoldsBackAPodPinnedElsewhere) {
  const UnmetDemand demand = Split(R"({"queue": [{
    "pod": {"id": "/gpu/train",
            "containers": [{"name": "t", "resources": {"cpus": 4, "gpus": 1}}],
            "scheduling": {"placement": {"constraints": [
                {"fieldName": "cloud_type", "operator": "IS",
                 "value": "gpu"}]}}},
    "count": 1, "delay": {"timeLeftSeconds": 0, "overdue": true}}]})");
  ASSERT_THAT(demand.held_back, SizeIs(1));
  EXPECT_EQ(demand.held_back[0].workload, "/gpu/train");
  EXPECT_EQ(demand.held_back[0].detail,
            "constraint cloud_type:IS:gpu: burst agents have cloud_type=burst");
  EXPECT_EQ(demand.held_back[0].resources, (Resources{.cpus = 4, .gpus = 1}));
}

TEST(SplitUnmetDemandTest, HostnameIsUnknownAndUniqueOnANewAgent) {
  for (const char* field : {"hostname", "@hostname", "instance_id"}) {
    SCOPED_TRACE(field);
    const std::string f = std::string("\"") + field + "\"";
    EXPECT_TRUE(Satisfiable("[" + f + R"(, "UNIQUE"])"));
    EXPECT_TRUE(Satisfiable("[" + f + R"(, "MAX_PER", "2"])"));
    EXPECT_TRUE(Satisfiable("[" + f + R"(, "GROUP_BY"])"));
    EXPECT_TRUE(Satisfiable("[" + f + R"(, "UNLIKE", "10\\.20\\..*"])"));
    EXPECT_FALSE(Satisfiable("[" + f + R"(, "CLUSTER", "10.20.1.17"])"));
    EXPECT_FALSE(Satisfiable("[" + f + R"(, "LIKE", ".*"])"));
    EXPECT_FALSE(Satisfiable("[" + f + R"(, "IS", "10.20.1.17"])"));
  }
  const UnmetDemand demand =
      Split(WithConstraint(R"(["hostname", "CLUSTER", "10.20.1.17"])"));
  ASSERT_THAT(demand.held_back, SizeIs(1));
  EXPECT_EQ(demand.held_back[0].detail,
            "constraint hostname:CLUSTER:10.20.1.17: a new agent's hostname "
            "is not known in advance");
}

TEST(SplitUnmetDemandTest, LikeAndUnlikeMatchTheWholeValue) {
  EXPECT_TRUE(Satisfiable(R"(["cloud_type", "LIKE", "burst|private"])"));
  EXPECT_TRUE(Satisfiable(R"(["cloud_type", "LIKE", "b.*"])"));
  EXPECT_FALSE(Satisfiable(R"(["cloud_type", "LIKE", "burs"])"));  // partial
  EXPECT_FALSE(Satisfiable(R"(["cloud_type", "LIKE", "private"])"));
  EXPECT_TRUE(Satisfiable(R"(["cloud_type", "UNLIKE", "private"])"));
  EXPECT_TRUE(Satisfiable(R"(["cloud_type", "UNLIKE", "burs"])"));
  EXPECT_FALSE(Satisfiable(R"(["cloud_type", "UNLIKE", "bu.*"])"));
  EXPECT_TRUE(Satisfiable(R"(["rack", "LIKE", "1[0-9]"])"));
  EXPECT_TRUE(Satisfiable(R"(["@zone", "LIKE", "us-east-1[ab]"])"));
  EXPECT_FALSE(Satisfiable(R"(["@region", "LIKE", "eu-.*"])"));
}

TEST(SplitUnmetDemandTest, IsComparesTextAndScalarsToThreeDecimals) {
  EXPECT_TRUE(Satisfiable(R"(["os", "IS", "centos7"])"));
  EXPECT_FALSE(Satisfiable(R"(["os", "IS", "centos"])"));
  EXPECT_TRUE(Satisfiable(R"(["rack", "IS", "12"])"));
  EXPECT_TRUE(Satisfiable(R"(["rack", "IS", "12.0004"])"));
  EXPECT_FALSE(Satisfiable(R"(["rack", "IS", "12.001"])"));
  // Beyond what thousandths can count, numbers compare as text only.
  BurstAgentProfile huge = BurstAgent();
  huge.attributes["rack"] = "1e300";
  EXPECT_FALSE(Satisfiable(R"(["rack", "IS", "2e300"])", huge));
  EXPECT_TRUE(Satisfiable(R"(["rack", "IS", "1e300"])", huge));
  EXPECT_TRUE(Satisfiable(R"(["@region", "IS", "us-east-1"])"));
}

TEST(SplitUnmetDemandTest, SharedValuesAndMissingFields) {
  EXPECT_TRUE(Satisfiable(R"(["cloud_type", "CLUSTER", "burst"])"));
  // Every burst agent has the same value: no room for a second instance.
  EXPECT_FALSE(Satisfiable(R"(["cloud_type", "UNIQUE"])"));
  EXPECT_TRUE(Satisfiable(R"(["@zone", "GROUP_BY", "3"])"));
  EXPECT_TRUE(Satisfiable(R"(["rack", "MAX_PER", "2"])"));
  EXPECT_FALSE(Satisfiable(R"(["rack", "MAX_PER", "two"])"));
  EXPECT_FALSE(Satisfiable(R"(["rack", "CLUSTER"])"));
  // A field the agent lacks: only UNLIKE holds.
  EXPECT_TRUE(Satisfiable(R"(["gpu_model", "UNLIKE", "k80"])"));
  for (const char* op :
       {R"("UNIQUE")", R"("CLUSTER", "a")", R"("GROUP_BY")",
        R"("MAX_PER", "1")", R"("LIKE", ".*")", R"("IS", "a")"}) {
    SCOPED_TRACE(op);
    EXPECT_FALSE(Satisfiable(std::string(R"(["gpu_model", )") + op + "]"));
  }
  // Without a fault domain, @zone is a missing field.
  BurstAgentProfile no_domain = BurstAgent();
  no_domain.zone.reset();
  EXPECT_FALSE(Satisfiable(R"(["@zone", "LIKE", ".*"])", no_domain));
  EXPECT_TRUE(Satisfiable(R"(["@zone", "UNLIKE", "x"])", no_domain));
  const UnmetDemand demand =
      Split(WithConstraint(R"(["gpu_model", "IS", "a"])"));
  ASSERT_THAT(demand.held_back, SizeIs(1));
  EXPECT_EQ(demand.held_back[0].detail,
            "constraint gpu_model:IS:a: burst agents have no gpu_model");
  EXPECT_FALSE(Satisfiable(R"(["rack", "NEAR", "12"])"));
}

TEST(SplitUnmetDemandTest, AnInvalidRegexIsUnsatisfiable) {
  for (const char* op : {"LIKE", "UNLIKE"}) {
    SCOPED_TRACE(op);
    const UnmetDemand demand = Split(WithConstraint(
        std::string(R"(["cloud_type", ")") + op + R"(", "(burst"])"));
    EXPECT_EQ(demand.queued, Resources{});
    ASSERT_THAT(demand.held_back, SizeIs(1));
    EXPECT_EQ(demand.held_back[0].reason, HoldReason::kPlacementConstraint);
    EXPECT_THAT(demand.held_back[0].detail, HasSubstr("invalid regex (burst"));
  }
}

TEST(SplitUnmetDemandTest, ARegexThatWouldBlowUpIsUnsatisfiable) {
  EXPECT_TRUE(Satisfiable(R"(["cloud_type", "LIKE", "bu{1,3}rst"])"));
  // A million states: refused, not built.
  const UnmetDemand demand =
      Split(WithConstraint(R"(["cloud_type", "UNLIKE", "(a{999}){999}"])"));
  ASSERT_THAT(demand.held_back, SizeIs(1));
  EXPECT_THAT(demand.held_back[0].detail, HasSubstr("is too large"));
  // A count beyond a long: refused before the regex library overflows.
  const UnmetDemand huge_count = Split(WithConstraint(
      R"(["cloud_type", "LIKE", "b{1,33333333333333333333}urst"])"));
  ASSERT_THAT(huge_count.held_back, SizeIs(1));
  EXPECT_THAT(huge_count.held_back[0].detail,
              HasSubstr("has a number over 9 digits"));
  EXPECT_TRUE(Satisfiable(R"(["cloud_type", "UNLIKE", "x12345678901234"])"));
  // Back-references need backtracking: refused.
  EXPECT_FALSE(Satisfiable(R"(["cloud_type", "LIKE", "(b)\\1*urst"])"));
  // A pattern that backtracks exponentially on a long value: with a
  // backtracking matcher this never ends.
  BurstAgentProfile long_value = BurstAgent();
  long_value.attributes["os"] = std::string(40, 'b');
  EXPECT_FALSE(Satisfiable(R"(["os", "LIKE", "((a|b)*)*c"])", long_value));
  EXPECT_TRUE(Satisfiable(R"(["os", "UNLIKE", "((a|b)*)*c"])", long_value));
  const UnmetDemand too_long = Split(WithConstraint(
      R"(["cloud_type", "LIKE", ")" + std::string(300, 'b') + R"("])"));
  ASSERT_THAT(too_long.held_back, SizeIs(1));
  EXPECT_THAT(too_long.held_back[0].detail,
              HasSubstr("the regex is longer than 256 bytes"));
}

TEST(SplitUnmetDemandTest, EveryHeldBackWorkloadIsItsOwnEntry) {
  const UnmetDemand demand = Split(R"({"queue": [
      {"app": {"id": "/a", "cpus": 1, "constraints": [["rack", "IS", "1"]]},
       "count": 1},
      {"app": {"id": "/ok", "cpus": 1, "mem": 10}, "count": 2},
      {"app": {"id": "/b", "cpus": 2, "constraints": [["rack", "IS", "2"]]},
       "count": 3},
      {"app": {"id": "/idle", "cpus": 1, "constraints": [["rack", "IS", "9"]]},
       "count": 0}]})");
  EXPECT_EQ(demand.queued, (Resources{.cpus = 2, .mem_mib = 20}));
  ASSERT_THAT(demand.held_back, SizeIs(2));
  EXPECT_EQ(demand.held_back[0].workload, "/a");
  EXPECT_EQ(demand.held_back[0].resources, Resources{.cpus = 1});
  EXPECT_EQ(demand.held_back[1].workload, "/b");
  EXPECT_EQ(demand.held_back[1].resources, Resources{.cpus = 6});
}

TEST(SplitUnmetDemandTest, ConstraintDeclinesAloneStillQueueWhatABurstFits) {
  // Existing agents decline for the constraint only, but a burst agent has
  // cloud_type=burst: a new one would take the instances.
  const UnmetDemand demand = Split(R"({"queue": [{
      "app": {"id": "/burst-only", "cpus": 1, "mem": 256,
              "constraints": [["cloud_type", "CLUSTER", "burst"]]},
      "count": 6, "role": "*", "delay": {"timeLeftSeconds": 0, "overdue": true},
      "processedOffersSummary": {"processedOffersCount": 10,
        "unusedOffersCount": 10, "rejectSummaryLastOffers": [
          {"reason": "UnfulfilledRole", "declined": 0, "processed": 5},
          {"reason": "UnfulfilledConstraint", "declined": 5, "processed": 5},
          {"reason": "InsufficientCpus", "declined": 0, "processed": 0}]}}]})");
  EXPECT_EQ(demand.queued, (Resources{.cpus = 6, .mem_mib = 1536}));
  EXPECT_THAT(demand.held_back, IsEmpty());
}

TEST(SplitUnmetDemandTest, ChecksTheLaunchDelayFirst) {
  const UnmetDemand demand = Split(R"({"queue": [{
      "app": {"id": "/x", "cpus": 1, "acceptedResourceRoles": ["ops"],
              "constraints": [["cloud_type", "CLUSTER", "private"]]},
      "count": 1, "delay": {"timeLeftSeconds": 59.6, "overdue": false}}]})");
  ASSERT_THAT(demand.held_back, SizeIs(1));
  EXPECT_EQ(demand.held_back[0].reason, HoldReason::kLaunchDelay);
  EXPECT_EQ(demand.held_back[0].detail,
            "backed off 60 s after failed launches");
}

TEST(SplitUnmetDemandTest, DetailsStayShort) {
  const std::string long_value(5000, 'v');
  const UnmetDemand demand = Split(
      WithConstraint(R"(["cloud_type", "CLUSTER", ")" + long_value + R"("])"));
  ASSERT_THAT(demand.held_back, SizeIs(1));
  EXPECT_LT(demand.held_back[0].detail.size(), 200u);
}

}  // namespace
}  // namespace spotburst::mesos
