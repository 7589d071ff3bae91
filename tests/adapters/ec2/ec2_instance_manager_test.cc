// Ec2InstanceManager over scripted answers: what each launch sends (token,
// tags, market options), how the fleet is read back, and that nothing
// outside the pool is touched.
#include "ec2_instance_manager.h"

#include <string>

#include "adapters/ec2/ec2_fakes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/launch_failure.h"

namespace spotburst::ec2 {
namespace {

using testing::Answer;
using ::testing::ElementsAre;
using testing::ErrorAnswer;
using testing::FakeClock;
using testing::FormParams;
using ::testing::HasSubstr;
using testing::Param;
using testing::ScriptedHttp;
using testing::StaticCredentials;

std::string RunningInstance(const std::string& id, bool spot,
                            const std::string& request = "") {
  return "<item><instanceId>" + id +
         "</instanceId><instanceState><code>16</code><name>running</name>"
         "</instanceState><instanceType>c4.large</instanceType>"
         "<launchTime>2015-08-30T12:00:00.000Z</launchTime><placement>"
         "<availabilityZone>us-east-1a</availabilityZone></placement>" +
         (spot ? "<instanceLifecycle>spot</instanceLifecycle>"
                 "<spotInstanceRequestId>" +
                     request + "</spotInstanceRequestId>"
               : "") +
         "</item>";
}

std::string Reservation(const std::string& instances) {
  return "<reservationSet><item><instancesSet>" + instances +
         "</instancesSet></item></reservationSet>";
}

class Ec2InstanceManagerTest : public ::testing::Test {
 protected:
  Ec2InstanceManagerTest()
      : client_(http_, credentials_, clock_, {.region = "us-east-1"}) {}
  Ec2InstanceManager Make(SpotPath path = SpotPath::kRunInstances) {
    return Ec2InstanceManager(client_, {.pool = "mesos-a",
                                        .policy_name = "exp1",
                                        .spot_path = path,
                                        .on_demand_usd_per_hour = 0.1});
  }
  SpotRequestSpec Spec() {
    return {.count = 2,
            .instance_type = "c4.large",
            .availability_zone = "us-east-1a",
            .bid_usd_per_hour = 0.0659,
            .idempotency_token = "sb-1d2e871297078b51",
            .launch_spec = {
                .image_id = "ami-0abc",
                .security_group_ids = {"sg-1", "sg-2"},
                .subnet_id = "subnet-9",
                .tags = {{"team", "batch"}, {"spotburst:pool", "not-this"}}}};
  }
  ScriptedHttp http_;
  StaticCredentials credentials_;
  FakeClock clock_;
  QueryClient client_;
};

TEST_F(Ec2InstanceManagerTest, SpotByRunInstancesCarriesTokenTagsAndMaxPrice) {
  http_.script = {Answer("RunInstances",
                         "<instancesSet>" + RunningInstance("i-1", true) +
                             RunningInstance("i-2", true) + "</instancesSet>")};
  Ec2InstanceManager manager = Make();
  absl::StatusOr<std::vector<std::string>> ids = manager.RequestSpot(Spec());
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids, ElementsAre("i-1", "i-2"));
  const std::string& body = http_.sent[0].body;
  EXPECT_EQ(Param(body, "Action"), "RunInstances");
  EXPECT_EQ(Param(body, "ClientToken"), "sb-1d2e871297078b51");
  EXPECT_EQ(Param(body, "MinCount"), "1");
  EXPECT_EQ(Param(body, "MaxCount"), "2");
  EXPECT_EQ(Param(body, "ImageId"), "ami-0abc");
  EXPECT_EQ(Param(body, "Placement.AvailabilityZone"), "us-east-1a");
  EXPECT_EQ(Param(body, "SecurityGroupId.2"), "sg-2");
  EXPECT_EQ(Param(body, "InstanceMarketOptions.MarketType"), "spot");
  EXPECT_EQ(Param(body, "InstanceMarketOptions.SpotOptions.MaxPrice"),
            "0.065900");
  EXPECT_EQ(Param(body, "TagSpecification.1.ResourceType"), "instance");
  EXPECT_EQ(Param(body, "TagSpecification.2.ResourceType"),
            "spot-instances-request");
  // The pool's tag wins over the launch specification's.
  std::map<std::string, std::string> tags;
  const auto params = FormParams(body);
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].first.rfind("TagSpecification.1.Tag.", 0) == 0 &&
        params[i].first.size() > 4 &&
        params[i].first.substr(params[i].first.size() - 4) == ".Key") {
      tags[params[i].second] = params[i + 1].second;
    }
  }
  EXPECT_EQ(tags["spotburst:pool"], "mesos-a");
  EXPECT_EQ(tags["spotburst:policy"], "exp1");
  EXPECT_EQ(tags["spotburst:token"], "sb-1d2e871297078b51");
  EXPECT_EQ(tags["team"], "batch");
}

TEST_F(Ec2InstanceManagerTest, ACapacityFailureReachesTheCallerWithItsCause) {
  http_.script = {ErrorAnswer(500, "InsufficientInstanceCapacity")};
  Ec2InstanceManager manager = Make();
  absl::StatusOr<std::vector<std::string>> ids = manager.RequestSpot(Spec());
  EXPECT_EQ(FailureCauseOf(ids.status()), FailureCause::kCapacity);
  EXPECT_EQ(ProviderCodeOf(ids.status()), "InsufficientInstanceCapacity");
  EXPECT_EQ(http_.sent.size(), 1u);  // no blind retry
}

TEST_F(Ec2InstanceManagerTest, TheBidErasPathRequestsSpotInstancesWithTheBid) {
  http_.script = {
      Answer("RequestSpotInstances",
             "<spotInstanceRequestSet><item><spotInstanceRequestId>sir-1"
             "</spotInstanceRequestId><state>open</state></item><item>"
             "<spotInstanceRequestId>sir-2</spotInstanceRequestId><state>open"
             "</state></item></spotInstanceRequestSet>")};
  Ec2InstanceManager manager = Make(SpotPath::kRequestSpotInstances);
  absl::StatusOr<std::vector<std::string>> ids = manager.RequestSpot(Spec());
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids, ElementsAre("sir-1", "sir-2"));
  const std::string& body = http_.sent[0].body;
  EXPECT_EQ(Param(body, "Action"), "RequestSpotInstances");
  EXPECT_EQ(Param(body, "SpotPrice"), "0.065900");
  EXPECT_EQ(Param(body, "InstanceCount"), "2");
  EXPECT_EQ(Param(body, "Type"), "one-time");
  EXPECT_EQ(Param(body, "LaunchSpecification.ImageId"), "ami-0abc");
  EXPECT_EQ(Param(body, "LaunchSpecification.SubnetId"), "subnet-9");
  EXPECT_EQ(Param(body, "TagSpecification.1.ResourceType"),
            "spot-instances-request");
}

TEST_F(Ec2InstanceManagerTest, ListsByThePoolTagAndFindsUntaggedSpotInstances) {
  http_.script = {
      // Tagged instances: one on-demand.
      Answer("DescribeInstances", Reservation(RunningInstance("i-od", false))),
      // Tagged requests: one fulfilled, one open.
      Answer("DescribeSpotInstanceRequests",
             "<spotInstanceRequestSet><item><spotInstanceRequestId>sir-1"
             "</spotInstanceRequestId><spotPrice>0.065900</spotPrice><state>"
             "active</state><status><code>fulfilled</code></status>"
             "<instanceId>i-spot</instanceId><createTime>2015-08-30T11:59:00."
             "000Z</createTime><tagSet><item><key>spotburst:token</key><value>"
             "sb-1</value></item></tagSet></item><item><spotInstanceRequestId>"
             "sir-2</spotInstanceRequestId><spotPrice>0.065900</spotPrice>"
             "<state>open</state><status><code>capacity-not-available</code>"
             "</status><createTime>2015-08-30T12:30:00.000Z</createTime></item>"
             "</spotInstanceRequestSet>"),
      // The fulfilled request's instance, by id.
      Answer("DescribeInstances",
             Reservation(RunningInstance("i-spot", true, "sir-1")))};
  Ec2InstanceManager manager = Make(SpotPath::kRequestSpotInstances);
  absl::StatusOr<Fleet> fleet = manager.List();
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  ASSERT_EQ(fleet->instances.size(), 2u);
  EXPECT_EQ(fleet->instances[0].lifecycle, Lifecycle::kOnDemand);
  EXPECT_DOUBLE_EQ(fleet->instances[0].max_price_usd_per_hour, 0.1);
  EXPECT_EQ(fleet->instances[1].id, "i-spot");
  EXPECT_EQ(fleet->instances[1].lifecycle, Lifecycle::kSpot);
  EXPECT_DOUBLE_EQ(fleet->instances[1].max_price_usd_per_hour, 0.0659);
  ASSERT_EQ(fleet->requests.size(), 2u);
  EXPECT_EQ(fleet->requests[0].client_token, "sb-1");
  EXPECT_EQ(fleet->requests[1].state, SpotRequestState::kOpen);
  EXPECT_EQ(fleet->requests[1].status_code, "capacity-not-available");

  EXPECT_EQ(Param(http_.sent[0].body, "Filter.1.Name"), "tag:spotburst:pool");
  EXPECT_EQ(Param(http_.sent[0].body, "Filter.1.Value.1"), "mesos-a");
  EXPECT_EQ(Param(http_.sent[0].body, "Filter.2.Name"), "instance-state-name");
  EXPECT_EQ(Param(http_.sent[2].body, "Filter.1.Name"), "instance-id");
  EXPECT_EQ(Param(http_.sent[2].body, "Filter.1.Value.1"), "i-spot");
}

TEST_F(Ec2InstanceManagerTest, AnInstanceEc2IsInterruptingCarriesTheNotice) {
  http_.script = {
      Answer("DescribeInstances",
             Reservation(RunningInstance("i-spot", true, "sir-1"))),
      // No open or active request: the one-time request closed at the
      // notice.
      Answer("DescribeSpotInstanceRequests", "<spotInstanceRequestSet/>"),
      Answer("DescribeSpotInstanceRequests",
             "<spotInstanceRequestSet><item><spotInstanceRequestId>sir-1"
             "</spotInstanceRequestId><spotPrice>0.065900</spotPrice><state>"
             "closed</state><status><code>instance-terminated-no-capacity"
             "</code><updateTime>2015-08-30T12:35:00.000Z</updateTime>"
             "</status><instanceId>i-spot</instanceId></item>"
             "</spotInstanceRequestSet>")};
  Ec2InstanceManager manager = Make();
  absl::StatusOr<Fleet> fleet = manager.List();
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  ASSERT_EQ(fleet->instances.size(), 1u);
  EXPECT_TRUE(fleet->instances[0].interruption_notice);
  EXPECT_EQ(fleet->instances[0].interruption_time,
            *ParseEc2Time("2015-08-30T12:37:00Z"));
  EXPECT_TRUE(fleet->requests.empty());
  EXPECT_EQ(Param(http_.sent[2].body, "Filter.1.Name"),
            "spot-instance-request-id");
}

TEST_F(Ec2InstanceManagerTest, AFailedReadFailsTheList) {
  http_.script = {Answer("DescribeInstances", Reservation("")),
                  ErrorAnswer(400, "UnauthorizedOperation")};
  Ec2InstanceManager manager = Make();
  EXPECT_FALSE(manager.List().ok());
}

TEST_F(Ec2InstanceManagerTest, TerminatesOnlyThePoolsInstances) {
  http_.script = {
      // Of i-1 and i-stranger, only i-1 carries the pool's tag.
      Answer("DescribeInstances", Reservation(RunningInstance("i-1", false))),
      Answer("TerminateInstances")};
  Ec2InstanceManager manager = Make();
  absl::Status status = manager.Terminate({"i-1", "i-stranger"});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(),
              HasSubstr("not instances of pool mesos-a: i-stranger"));
  ASSERT_EQ(http_.sent.size(), 2u);
  EXPECT_EQ(Param(http_.sent[1].body, "InstanceId.1"), "i-1");
  EXPECT_EQ(Param(http_.sent[1].body, "InstanceId.2"), "<absent>");
}

TEST_F(Ec2InstanceManagerTest, OneUnknownIdDoesNotBlockTheRestOfTheBatch) {
  http_.script = {
      Answer("DescribeInstances", Reservation(RunningInstance("i-1", false) +
                                              RunningInstance("i-2", false) +
                                              RunningInstance("i-3", false))),
      ErrorAnswer(400, "InvalidInstanceID.NotFound"),  // the batch
      Answer("TerminateInstances"),                    // i-1
      ErrorAnswer(400, "InvalidInstanceID.NotFound"),  // i-2: gone already
      Answer("TerminateInstances")};                   // i-3
  Ec2InstanceManager manager = Make();
  EXPECT_TRUE(manager.Terminate({"i-1", "i-2", "i-3"}).ok());
  ASSERT_EQ(http_.sent.size(), 5u);
  EXPECT_EQ(Param(http_.sent[4].body, "InstanceId.1"), "i-3");
}

TEST_F(Ec2InstanceManagerTest, CancelsOnlyThePoolsRequests) {
  http_.script = {
      Answer("DescribeSpotInstanceRequests",
             "<spotInstanceRequestSet><item><spotInstanceRequestId>sir-1"
             "</spotInstanceRequestId><state>open</state></item>"
             "</spotInstanceRequestSet>"),
      Answer("CancelSpotInstanceRequests")};
  Ec2InstanceManager manager = Make();
  EXPECT_TRUE(manager.CancelRequests({"sir-1"}).ok());
  EXPECT_EQ(Param(http_.sent[1].body, "SpotInstanceRequestId.1"), "sir-1");
}

TEST_F(Ec2InstanceManagerTest, ALaunchWithoutAnImageIsRefusedBeforeAnyCall) {
  SpotRequestSpec spec = Spec();
  spec.launch_spec.image_id.clear();
  Ec2InstanceManager manager = Make();
  absl::StatusOr<std::vector<std::string>> ids = manager.RequestSpot(spec);
  EXPECT_EQ(ids.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ids.status().message(), HasSubstr("image_id: required"));
  EXPECT_TRUE(http_.sent.empty());
}

}  // namespace
}  // namespace spotburst::ec2
