#include "zookeeper_url.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace spotburst::mesos {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kField[] = "mesos.zookeeper";

TEST(ParseZooKeeperUrlTest, ReadsServersAndPath) {
  const absl::StatusOr<ZooKeeperUrl> url =
      ParseZooKeeperUrl("zk://zk1:2181,10.0.0.2:2182,zk3/mesos", kField);
  ASSERT_THAT(url, IsOk());
  EXPECT_EQ(url->servers, "zk1:2181,10.0.0.2:2182,zk3:2181");
  EXPECT_EQ(url->path, "/mesos");
  EXPECT_EQ(url->credentials, "");

  const absl::StatusOr<ZooKeeperUrl> nested =
      ParseZooKeeperUrl(" zk://[::1]:2181/clusters/a/mesos/ ", kField);
  ASSERT_THAT(nested, IsOk());
  EXPECT_EQ(nested->servers, "[::1]:2181");
  EXPECT_EQ(nested->path, "/clusters/a/mesos");
}

TEST(ParseZooKeeperUrlTest, TakesDigestCredentials) {
  const absl::StatusOr<ZooKeeperUrl> url =
      ParseZooKeeperUrl("zk://ops:s3cr/et@zk1:2181,zk2:2181/mesos", kField);
  ASSERT_THAT(url, IsOk());
  EXPECT_EQ(url->credentials, "ops:s3cr/et");
  EXPECT_EQ(url->servers, "zk1:2181,zk2:2181");
  EXPECT_EQ(url->path, "/mesos");
}

TEST(ParseZooKeeperUrlTest, NamesTheSettingAndTheProblem) {
  EXPECT_THAT(ParseZooKeeperUrl("http://zk1:2181/mesos", kField),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("mesos.zookeeper: \"http://\": give zk://")));
  EXPECT_THAT(ParseZooKeeperUrl("zk1:2181/mesos", kField),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a ZooKeeper URL")));
  EXPECT_THAT(
      ParseZooKeeperUrl("zk://zk1:2181", kField),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no group path")));
  EXPECT_THAT(
      ParseZooKeeperUrl("zk://zk1:2181/", kField),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no group path")));
  EXPECT_THAT(ParseZooKeeperUrl("zk://zk1:2181/mesos//x", kField),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"/mesos//x\" is not a ZooKeeper path")));
  EXPECT_THAT(ParseZooKeeperUrl("zk://zk1:2181/a/../b", kField),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a ZooKeeper path")));
  EXPECT_THAT(ParseZooKeeperUrl("zk://zk1:2181,,zk2/mesos", kField),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"\" is not host:port")));
  EXPECT_THAT(ParseZooKeeperUrl("zk://zk1:99999/mesos", kField),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"zk1:99999\" is not host:port")));
  EXPECT_THAT(ParseZooKeeperUrl("zk:///mesos", kField),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no ZooKeeper host")));
}

TEST(ParseZooKeeperUrlTest, NeverEchoesThePassword) {
  for (const char* text : {
           "zk://ops:hunter2@zk1:99999/mesos",  // bad port
           "zk://ops:hunter2@zk1:2181",         // no path
           "zk://ops:hunter2@zk 1/mesos",       // bad host
           "zk://hunter2@zk1:2181/mesos",       // no user:password
           "zk://:hunter2@zk1:2181/mesos",      // no user
           "ops:hunter2@zk1:2181/mesos",        // no scheme
           "ops:hunter2://zk1:2181/mesos",      // what looks like one
       }) {
    const absl::Status status = ParseZooKeeperUrl(text, kField).status();
    EXPECT_THAT(status,
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(kField)))
        << text;
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr("hunter2")))
        << text;
  }
  EXPECT_THAT(ParseZooKeeperUrl("zk://hunter2@zk1:2181/mesos", kField),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must be user:password")));
}

TEST(ParseZooKeeperUrlTest, NeverQuotesUnboundedInput) {
  const std::string host(5000, 'h');
  const absl::Status status =
      ParseZooKeeperUrl("zk://" + host + "!/mesos", kField).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("is not host:port")));
  EXPECT_LT(status.message().size(), 300u);
}

}  // namespace
}  // namespace spotburst::mesos
