#include "master_url.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace spotburst::mesos {
namespace {

using ::spotburst::testing::IsOkAndHolds;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(NormalizeMasterUrlTest, AddsSchemeAndDefaultPort) {
  EXPECT_THAT(NormalizeMasterUrl("m1.internal", "masters[0]"),
              IsOkAndHolds("http://m1.internal:5050"));
  EXPECT_THAT(NormalizeMasterUrl("10.20.0.11:5051", "masters[0]"),
              IsOkAndHolds("http://10.20.0.11:5051"));
  EXPECT_THAT(NormalizeMasterUrl("https://m1:8443/", "masters[0]"),
              IsOkAndHolds("https://m1:8443"));
  EXPECT_THAT(NormalizeMasterUrl(" http://[::1]:5050 ", "masters[0]"),
              IsOkAndHolds("http://[::1]:5050"));
}

TEST(NormalizeMasterUrlTest, RefusesWhatIsNotAMaster) {
  EXPECT_THAT(NormalizeMasterUrl("zk://h:2181/mesos", "masters[1]"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("masters[1]: \"zk://\"")));
  EXPECT_THAT(NormalizeMasterUrl("http://m1:5050/master", "masters[0]"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("without a path")));
  EXPECT_THAT(
      NormalizeMasterUrl("http://m1:0", "masters[0]"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("port 1-65535")));
  EXPECT_THAT(NormalizeMasterUrl("http://m1:99999", "masters[0]"),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(NormalizeMasterUrl("", "masters[0]"),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(NormalizeMasterUrl("m 1:5050", "masters[0]"),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

TEST(NormalizeMasterUrlTest, NeverEchoesAPassword) {
  const absl::Status status =
      NormalizeMasterUrl("http://ops:hunter2@m1:5050", "masters[0]").status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("credentials setting")));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("hunter2")));
}

TEST(LeaderUrlFromLocationTest, CompletesAProtocolRelativeLocation) {
  EXPECT_THAT(LeaderUrlFromLocation("//10.20.0.12:5050", "http"),
              IsOkAndHolds("http://10.20.0.12:5050"));
  EXPECT_THAT(LeaderUrlFromLocation("//mesos-m2.internal:5050", "https"),
              IsOkAndHolds("https://mesos-m2.internal:5050"));
  EXPECT_THAT(LeaderUrlFromLocation("http://m3:5050/", "https"),
              IsOkAndHolds("http://m3:5050"));
}

TEST(LeaderUrlFromLocationTest, RefusesAnythingElse) {
  EXPECT_THAT(LeaderUrlFromLocation("", "http"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not //host:port")));
  EXPECT_THAT(LeaderUrlFromLocation("//m3", "http"),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(LeaderUrlFromLocation("/master/redirect", "http"),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(LeaderUrlFromLocation("//m3:5050/master/state", "http"),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

}  // namespace
}  // namespace spotburst::mesos
