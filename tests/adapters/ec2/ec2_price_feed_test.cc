// Ec2PriceFeed over scripted answers: the request it makes, every page, the
// points in time order from the one in force at `from`.
#include "ec2_price_feed.h"

#include <string>

#include "adapters/ec2/ec2_fakes.h"
#include "ec2_xml.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spotburst::ec2 {
namespace {

using testing::Answer;
using testing::FakeClock;
using testing::Param;
using testing::ScriptedHttp;
using testing::StaticCredentials;

std::string Item(const std::string& zone, const std::string& product,
                 const std::string& price, const std::string& time) {
  return "<item><instanceType>c4.large</instanceType><productDescription>" +
         product + "</productDescription><spotPrice>" + price +
         "</spotPrice><timestamp>" + time + "</timestamp><availabilityZone>" +
         zone + "</availabilityZone></item>";
}

absl::Time Utc(const std::string& text) { return *ParseEc2Time(text); }

class Ec2PriceFeedTest : public ::testing::Test {
 protected:
  Ec2PriceFeedTest()
      : client_(http_, credentials_, clock_, {.region = "us-east-1"}),
        feed_(client_, {{"c4.large", 0.1}}) {}
  ScriptedHttp http_;
  StaticCredentials credentials_;
  FakeClock clock_;
  QueryClient client_;
  Ec2PriceFeed feed_;
  const Market market_{.instance_type = "c4.large",
                       .availability_zone = "us-east-1a"};
};

TEST_F(Ec2PriceFeedTest, AsksForTheMarketsChangesSinceFromOverEveryPage) {
  http_.script = {
      Answer("DescribeSpotPriceHistory",
             "<spotPriceHistorySet>" +
                 Item("us-east-1a", "Linux/UNIX", "0.031000",
                      "2015-08-30T12:20:00.000Z") +
                 Item("us-east-1a", "Linux/UNIX", "0.030000",
                      "2015-08-30T12:10:00.000Z") +
                 "</spotPriceHistorySet><nextToken>page2</nextToken>"),
      Answer("DescribeSpotPriceHistory",
             "<spotPriceHistorySet>" +
                 Item("us-east-1a", "Linux/UNIX", "0.029000",
                      "2015-08-30T11:50:00.000Z") +
                 Item("us-east-1a", "Linux/UNIX", "0.028000",
                      "2015-08-30T11:00:00.000Z") +
                 "</spotPriceHistorySet><nextToken></nextToken>")};
  const absl::Time from = Utc("2015-08-30T12:00:00Z");
  const absl::Time to = Utc("2015-08-30T12:36:00Z");
  absl::StatusOr<PriceHistory> history = feed_.History(market_, from, to);
  ASSERT_TRUE(history.ok()) << history.status();
  // Oldest first, starting with the price in force at `from`.
  ASSERT_EQ(history->points.size(), 3u);
  EXPECT_EQ(history->points[0].time, Utc("2015-08-30T11:50:00Z"));
  EXPECT_DOUBLE_EQ(history->points[0].usd_per_hour, 0.029);
  EXPECT_EQ(history->points[2].time, Utc("2015-08-30T12:20:00Z"));

  ASSERT_EQ(http_.sent.size(), 2u);
  const std::string& first = http_.sent[0].body;
  EXPECT_EQ(Param(first, "Action"), "DescribeSpotPriceHistory");
  EXPECT_EQ(Param(first, "InstanceType.1"), "c4.large");
  EXPECT_EQ(Param(first, "ProductDescription.1"), "Linux/UNIX");
  EXPECT_EQ(Param(first, "ProductDescription.2"), "Linux/UNIX (Amazon VPC)");
  EXPECT_EQ(Param(first, "AvailabilityZone"), "us-east-1a");
  EXPECT_EQ(Param(first, "StartTime"), "2015-08-30T12:00:00Z");
  EXPECT_EQ(Param(first, "EndTime"), "2015-08-30T12:36:00Z");
  EXPECT_EQ(Param(first, "NextToken"), "<absent>");
  EXPECT_EQ(Param(http_.sent[1].body, "NextToken"), "page2");
}

TEST_F(Ec2PriceFeedTest, AcceptsTheVpcProductAndPrefersTheNamedOneAtATie) {
  http_.script = {Answer("DescribeSpotPriceHistory",
                         "<spotPriceHistorySet>" +
                             Item("us-east-1a", "Linux/UNIX (Amazon VPC)",
                                  "0.050000", "2015-08-30T12:10:00.000Z") +
                             Item("us-east-1a", "Linux/UNIX (Amazon VPC)",
                                  "0.040000", "2015-08-30T12:05:00.000Z") +
                             Item("us-east-1a", "Linux/UNIX", "0.041000",
                                  "2015-08-30T12:05:00.000Z") +
                             "</spotPriceHistorySet>")};
  absl::StatusOr<PriceHistory> history = feed_.History(
      market_, Utc("2015-08-30T12:00:00Z"), Utc("2015-08-30T12:36:00Z"));
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->points.size(), 2u);
  EXPECT_DOUBLE_EQ(history->points[0].usd_per_hour, 0.041);
  EXPECT_DOUBLE_EQ(history->points[1].usd_per_hour, 0.05);
}

TEST_F(Ec2PriceFeedTest, AFailedPageFailsTheWholeRead) {
  http_.script = {
      Answer("DescribeSpotPriceHistory",
             "<spotPriceHistorySet>" +
                 Item("us-east-1a", "Linux/UNIX", "0.031000",
                      "2015-08-30T12:20:00.000Z") +
                 "</spotPriceHistorySet><nextToken>page2</nextToken>"),
      testing::ErrorAnswer(400, "InvalidPaginationToken")};
  absl::StatusOr<PriceHistory> history = feed_.History(
      market_, Utc("2015-08-30T12:00:00Z"), Utc("2015-08-30T12:36:00Z"));
  EXPECT_FALSE(history.ok());
  EXPECT_THAT(history.status().message(),
              ::testing::HasSubstr("InvalidPaginationToken"));
}

TEST_F(Ec2PriceFeedTest, OnDemandPricesComeFromTheTableForTheRegion) {
  EXPECT_DOUBLE_EQ(*feed_.OnDemandPrice("c4.large", "us-east-1"), 0.1);
  EXPECT_TRUE(
      absl::IsNotFound(feed_.OnDemandPrice("c4.large", "eu-west-1").status()));
  EXPECT_TRUE(
      absl::IsNotFound(feed_.OnDemandPrice("m5.large", "us-east-1").status()));
  EXPECT_TRUE(http_.sent.empty());
}

}  // namespace
}  // namespace spotburst::ec2
