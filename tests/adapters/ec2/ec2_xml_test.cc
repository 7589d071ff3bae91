// Reading EC2's XML: every field the adapter uses, in any order, with
// missing optional fields, and a clear error for a bad one.
#include "ec2_xml.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spotburst::ec2 {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

pugi::xml_document Load(const std::string& xml) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(xml.c_str()));
  return doc;
}

absl::Time Utc(const std::string& text) { return *ParseEc2Time(text); }

TEST(Ec2Xml, ReadsPriceHistoryNewestFirstWithTheNextToken) {
  const pugi::xml_document doc = Load(R"(<?xml version="1.0" encoding="UTF-8"?>
<DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>0c6f</requestId>
  <spotPriceHistorySet>
    <item>
      <instanceType>m5.large</instanceType>
      <productDescription>Linux/UNIX</productDescription>
      <spotPrice>0.038100</spotPrice>
      <timestamp>2024-05-02T06:31:12.000Z</timestamp>
      <availabilityZone>us-east-1a</availabilityZone>
    </item>
    <item>
      <availabilityZone>us-east-1b</availabilityZone>
      <timestamp>2024-05-01T23:02:47.000Z</timestamp>
      <spotPrice>0.066400</spotPrice>
      <productDescription>Linux/UNIX (Amazon VPC)</productDescription>
      <instanceType>c5.xlarge</instanceType>
    </item>
  </spotPriceHistorySet>
  <nextToken>abc==</nextToken>
</DescribeSpotPriceHistoryResponse>)");
  auto page = ParsePriceHistory(doc);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].instance_type, "m5.large");
  EXPECT_DOUBLE_EQ(page->items[0].usd_per_hour, 0.0381);
  EXPECT_EQ(page->items[0].time, Utc("2024-05-02T06:31:12Z"));
  EXPECT_EQ(page->items[1].product, "Linux/UNIX (Amazon VPC)");
  EXPECT_EQ(page->items[1].availability_zone, "us-east-1b");
  EXPECT_EQ(page->next_token, "abc==");
}

TEST(Ec2Xml, NamesTheItemAndElementOfABadPrice) {
  const pugi::xml_document doc = Load(R"(
<DescribeSpotPriceHistoryResponse><spotPriceHistorySet>
  <item><instanceType>m5.large</instanceType><productDescription>Linux/UNIX</productDescription>
    <spotPrice>0.03</spotPrice><timestamp>2024-05-02T06:31:12.000Z</timestamp>
    <availabilityZone>us-east-1a</availabilityZone></item>
  <item><instanceType>m5.large</instanceType><productDescription>Linux/UNIX</productDescription>
    <spotPrice>cheap</spotPrice><timestamp>2024-05-02T06:31:12.000Z</timestamp>
    <availabilityZone>us-east-1a</availabilityZone></item>
</spotPriceHistorySet></DescribeSpotPriceHistoryResponse>)");
  auto page = ParsePriceHistory(doc);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(page.status().message(),
              HasSubstr("DescribeSpotPriceHistoryResponse: spotPriceHistorySet "
                        "item 2: spotPrice: \"cheap\" is not a price"));
}

TEST(Ec2Xml, ReadsInstancesOfEveryReservation) {
  const pugi::xml_document doc = Load(R"(
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>8f7e</requestId>
  <reservationSet>
    <item><reservationId>r-1</reservationId><instancesSet>
      <item>
        <instanceId>i-0f1e</instanceId>
        <instanceState><code>16</code><name>running</name></instanceState>
        <instanceType>m5.large</instanceType>
        <launchTime>2024-05-02T09:17:44.000Z</launchTime>
        <placement><availabilityZone>us-east-1a</availabilityZone></placement>
        <instanceLifecycle>spot</instanceLifecycle>
        <spotInstanceRequestId>sir-7ki8g2ph</spotInstanceRequestId>
        <tagSet><item><key>burst-pool</key><value>mesos-a</value></item></tagSet>
      </item>
    </instancesSet></item>
    <item><reservationId>r-2</reservationId><instancesSet>
      <item>
        <instanceId>i-0a1b</instanceId>
        <instanceState><code>0</code><name>pending</name></instanceState>
        <instanceType>m5.large</instanceType>
        <launchTime>2024-05-02T09:21:03.000Z</launchTime>
        <placement><availabilityZone>us-east-1b</availabilityZone></placement>
        <clientToken>sb-od-1</clientToken>
      </item>
    </instancesSet></item>
  </reservationSet>
  <nextToken></nextToken>
</DescribeInstancesResponse>)");
  auto page = ParseInstances(doc);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 2u);
  const Ec2Instance& spot = page->items[0];
  EXPECT_EQ(spot.id, "i-0f1e");
  EXPECT_EQ(spot.state, "running");
  EXPECT_TRUE(spot.spot);
  EXPECT_EQ(spot.spot_request_id, "sir-7ki8g2ph");
  EXPECT_EQ(spot.availability_zone, "us-east-1a");
  EXPECT_EQ(spot.launch_time, Utc("2024-05-02T09:17:44Z"));
  EXPECT_EQ(spot.tags.at("burst-pool"), "mesos-a");
  const Ec2Instance& on_demand = page->items[1];
  EXPECT_FALSE(on_demand.spot);
  EXPECT_EQ(on_demand.state, "pending");
  EXPECT_EQ(on_demand.client_token, "sb-od-1");
  EXPECT_TRUE(page->next_token.empty());
}

TEST(Ec2Xml, ReadsTheInstancesRunInstancesLaunched) {
  const pugi::xml_document doc = Load(R"(
<RunInstancesResponse><reservationId>r-0b1c</reservationId><instancesSet>
  <item><instanceId>i-1</instanceId><instanceState><code>0</code><name>pending</name></instanceState>
    <launchTime>2024-05-02T09:21:03.000Z</launchTime></item>
  <item><instanceId>i-2</instanceId><instanceState><code>0</code><name>pending</name></instanceState>
    <launchTime>2024-05-02T09:21:03.000Z</launchTime></item>
</instancesSet></RunInstancesResponse>)");
  auto page = ParseInstances(doc);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[1].id, "i-2");
}

TEST(Ec2Xml, AnInstanceWithoutAnIdOrLaunchTimeIsAnError) {
  auto no_id = ParseInstances(Load(R"(
<RunInstancesResponse><instancesSet><item>
  <instanceState><name>pending</name></instanceState>
  <launchTime>2024-05-02T09:21:03.000Z</launchTime></item></instancesSet></RunInstancesResponse>)"));
  EXPECT_THAT(no_id.status().message(),
              HasSubstr("instancesSet item 1: instanceId: missing"));
  auto bad_time = ParseInstances(Load(R"(
<RunInstancesResponse><instancesSet><item><instanceId>i-1</instanceId>
  <instanceState><name>pending</name></instanceState>
  <launchTime>yesterday</launchTime></item></instancesSet></RunInstancesResponse>)"));
  EXPECT_THAT(bad_time.status().message(),
              HasSubstr("launchTime: \"yesterday\" is not a time"));
}

TEST(Ec2Xml, ReadsSpotRequestsOpenAndFulfilled) {
  const pugi::xml_document doc = Load(R"(
<DescribeSpotInstanceRequestsResponse><spotInstanceRequestSet>
  <item>
    <spotInstanceRequestId>sir-open</spotInstanceRequestId>
    <spotPrice>0.096000</spotPrice><state>open</state>
    <status><code>capacity-not-available</code></status>
    <launchSpecification><instanceType>m5.large</instanceType>
      <placement><availabilityZone>us-east-1c</availabilityZone></placement></launchSpecification>
    <createTime>2024-05-02T09:17:05.000Z</createTime>
    <tagSet><item><key>burst-pool</key><value>mesos-a</value></item></tagSet>
  </item>
  <item>
    <spotInstanceRequestId>sir-done</spotInstanceRequestId>
    <spotPrice>0.096000</spotPrice><state>active</state>
    <status><code>marked-for-termination</code></status>
    <launchSpecification><instanceType>m5.large</instanceType></launchSpecification>
    <instanceId>i-0f1e</instanceId>
    <createTime>2024-05-02T09:17:05.000Z</createTime>
    <launchedAvailabilityZone>us-east-1a</launchedAvailabilityZone>
  </item>
</spotInstanceRequestSet></DescribeSpotInstanceRequestsResponse>)");
  auto page = ParseSpotRequests(doc);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].status_code, "capacity-not-available");
  EXPECT_EQ(page->items[0].availability_zone, "us-east-1c");
  EXPECT_DOUBLE_EQ(page->items[0].spot_price, 0.096);
  EXPECT_EQ(page->items[0].tags.at("burst-pool"), "mesos-a");
  EXPECT_EQ(page->items[1].instance_id, "i-0f1e");
  EXPECT_EQ(page->items[1].availability_zone, "us-east-1a");
  EXPECT_EQ(page->items[1].status_code, "marked-for-termination");
}

TEST(Ec2Xml, TimesRoundTripInTheParameterFormat) {
  const absl::Time t = Utc("2024-05-02T09:17:05.250Z");
  EXPECT_EQ(FormatEc2Time(t), "2024-05-02T09:17:05Z");
  EXPECT_FALSE(ParseEc2Time("2024-05-02 09:17").ok());
}

}  // namespace
}  // namespace spotburst::ec2
