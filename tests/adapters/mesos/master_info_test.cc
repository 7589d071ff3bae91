#include "master_info.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace spotburst::mesos {
namespace {

using ::spotburst::testing::IsOkAndHolds;
using ::spotburst::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kNode[] = "json.info_0000000011";

// What a Mesos 1.x master writes.
constexpr char kMasterInfo[] = R"json({
  "address": {"hostname": "mesos-m1.internal", "ip": "10.20.0.11",
              "port": 5050},
  "hostname": "mesos-m1.internal",
  "id": "5c3bd2a2-0a0e-4c33-9b8e-0d6a6f2b8e10",
  "ip": 184554506, "pid": "master@10.20.0.11:5050", "port": 5050,
  "version": "1.11.0",
  "capabilities": [{"type": "AGENT_UPDATE"}, {"type": "AGENT_DRAINING"}]
})json";

TEST(ParseMasterInfoTest, PrefersTheAddressIp) {
  EXPECT_THAT(ParseMasterInfo(kMasterInfo, kNode),
              IsOkAndHolds("http://10.20.0.11:5050"));
  EXPECT_THAT(ParseMasterInfo(kMasterInfo, kNode, "https"),
              IsOkAndHolds("https://10.20.0.11:5050"));
}

TEST(ParseMasterInfoTest, TakesTheAddressHostnameWithoutAnIp) {
  EXPECT_THAT(ParseMasterInfo(
                  R"({"address": {"hostname": "m2.internal", "port": 5051},
              "ip": 184554506, "port": 5050})",
                  kNode),
              IsOkAndHolds("http://m2.internal:5051"));
}

TEST(ParseMasterInfoTest, BracketsAnIpv6Address) {
  EXPECT_THAT(ParseMasterInfo(
                  R"({"address": {"ip": "fd00::11", "port": 5050}})", kNode),
              IsOkAndHolds("http://[fd00::11]:5050"));
}

TEST(ParseMasterInfoTest, DecodesThePackedIpOfOlderMasters) {
  // Network byte order: the first octet is the lowest byte.
  EXPECT_THAT(ParseMasterInfo(R"({"ip": 16777343, "port": 5050})", kNode),
              IsOkAndHolds("http://127.0.0.1:5050"));
  EXPECT_THAT(ParseMasterInfo(R"({"ip": 169978048, "port": 5050,
                                  "hostname": "m3"})",
                              kNode),
              IsOkAndHolds("http://192.168.33.10:5050"));
  EXPECT_THAT(ParseMasterInfo(R"({"hostname": "m3", "port": 5052})", kNode),
              IsOkAndHolds("http://m3:5052"));
}

TEST(ParseMasterInfoTest, FallsBackToThePid) {
  EXPECT_THAT(
      ParseMasterInfo(R"({"pid": "master@10.0.0.7:5050", "id": "x"})", kNode),
      IsOkAndHolds("http://10.0.0.7:5050"));
  // An address without a port is not enough.
  EXPECT_THAT(ParseMasterInfo(R"({"address": {"ip": "10.0.0.8"},
                                  "pid": "master@10.0.0.9:5050"})",
                              kNode),
              IsOkAndHolds("http://10.0.0.9:5050"));
}

TEST(ParseMasterInfoTest, NamesTheNodeAndTheField) {
  EXPECT_THAT(ParseMasterInfo(
                  R"({"address": {"ip": "10.0.0.1", "port": 70000}})", kNode),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr(kNode), HasSubstr("address.port"))));
  EXPECT_THAT(ParseMasterInfo(R"({"address": {"ip": 7, "port": 5050}})", kNode),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr(kNode), HasSubstr("address.ip is not a "
                                                         "string"))));
  EXPECT_THAT(
      ParseMasterInfo(R"({"address": {"ip": "10.0.0.1 x", "port": 5050}})",
                      kNode),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("address.ip \"10.0.0.1 x\" is not a host name")));
  EXPECT_THAT(ParseMasterInfo(R"({"ip": -1, "port": 5050})", kNode),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ip")));
  EXPECT_THAT(ParseMasterInfo(R"({"pid": "10.0.0.7:5050"})", kNode),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("is not master@IP:PORT")));
  EXPECT_THAT(
      ParseMasterInfo(R"({"id": "x", "version": "1.11.0"})", kNode),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr(kNode), HasSubstr("has no master address"))));
}

TEST(ParseMasterInfoTest, RefusesWhatIsNotJson) {
  // The binary protobuf of an "info_" node.
  const std::string binary("\x0a\x24\x35\x63\x33\x62\x10\x8a\xa0", 9);
  EXPECT_THAT(
      ParseMasterInfo(binary, "info_0000000003"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("info_0000000003"), HasSubstr("is not JSON"))));
  EXPECT_THAT(ParseMasterInfo("[1, 2]", kNode),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a JSON object")));
  EXPECT_THAT(
      ParseMasterInfo("", kNode),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not JSON")));
}

TEST(ParseMasterInfoTest, NeverQuotesUnboundedData) {
  const std::string host(5000, 'a');
  const absl::Status status =
      ParseMasterInfo(R"({"pid": "master@)" + host + R"(:x"})", kNode).status();
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("pid")));
  EXPECT_LT(status.message().size(), 300u);
}

TEST(ParseMasterInfoTest, RefusesAnUnknownScheme) {
  EXPECT_THAT(
      ParseMasterInfo(kMasterInfo, kNode, "ftp"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("http or https")));
}

}  // namespace
}  // namespace spotburst::mesos
