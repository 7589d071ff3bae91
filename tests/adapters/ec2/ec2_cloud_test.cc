// Ec2Cloud: options checked with the field named, and the public entry point
// working against the EC2 test endpoint.
#include "spotburst/ec2/ec2_cloud.h"

#include <string>

#include "adapters/ec2/ec2_fakes.h"
#include "adapters/ec2/testing/fake_ec2_server.h"
#include "ec2_xml.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spotburst::ec2 {
namespace {

using ::testing::HasSubstr;

TEST(Ec2Options, ABadOptionIsNamed) {
  struct Case {
    Ec2Options options;
    std::string error;
  };
  const Case cases[] = {
      {{.pool = "p"}, "ec2.region: required"},
      {{.region = "us-east-1"}, "ec2.pool: required"},
      {{.region = "us-east-1", .pool = "p", .pool_tag_key = "aws:pool"},
       "ec2.pool_tag_key: keys starting with \"aws:\""},
      {{.region = "us-east-1", .pool = std::string(300, 'p')},
       "ec2.pool: longer than 256"},
      {{.region = "us-east-1",
        .pool = "p",
        .on_demand_usd_per_hour = {{"c4.large", -1}}},
       "ec2.on_demand_usd_per_hour.c4.large: must be a price"},
      {{.region = "us-east-1",
        .pool = "p",
        .retry_budget = absl::ZeroDuration()},
       "ec2.retry_budget: must be above zero"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ValidateEc2Options(c.options).message(), HasSubstr(c.error));
    EXPECT_FALSE(Ec2Cloud::Create(c.options).ok());
  }
  EXPECT_TRUE(ValidateEc2Options({.region = "us-east-1", .pool = "p"}).ok());
}

TEST(Ec2Cloud, ReadsPricesAndTheFleetFromAnEndpoint) {
  testing::FakeClock clock;
  clock.now = *ParseEc2Time("2024-05-02T09:00:00Z");
  testing::FakeEc2Server server(clock.now, "AKIDEXAMPLE", testing::kTestSecret);
  ASSERT_FALSE(server.url().empty());
  server.Control("prices", {{"prices",
                             {{{"instance_type", "c4.large"},
                               {"zone", "us-east-1a"},
                               {"price", "0.03"},
                               {"time", "2024-05-02T08:00:00Z"}}}}});
  testing::StaticCredentials credentials;
  absl::StatusOr<std::unique_ptr<Ec2Cloud>> cloud =
      Ec2Cloud::Create({.region = "us-east-1",
                        .endpoint = server.url(),
                        .pool = "mesos-a",
                        .on_demand_usd_per_hour = {{"c4.large", 0.1}}},
                       clock, &credentials);
  ASSERT_TRUE(cloud.ok()) << cloud.status();
  absl::StatusOr<PriceHistory> history = (*cloud)->prices().History(
      {.instance_type = "c4.large", .availability_zone = "us-east-1a"},
      clock.now - absl::Hours(1), clock.now);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->points.size(), 1u);
  EXPECT_DOUBLE_EQ(history->points[0].usd_per_hour, 0.03);
  EXPECT_DOUBLE_EQ(*(*cloud)->prices().OnDemandPrice("c4.large", "us-east-1"),
                   0.1);
  absl::StatusOr<Fleet> fleet = (*cloud)->instances().List();
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  EXPECT_TRUE(fleet->instances.empty());
}

}  // namespace
}  // namespace spotburst::ec2
