// The rules of the v1 API that callers in any language rely on: no enum
// whose zero value means something, an omitted required enum refused with
// its field named, and raw price points accepted in place of statistics.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "sidecar_testing.h"
#include "spotburst/price_window.h"
#include "spotburst/v1/controller_service.grpc.pb.h"
#include "spotburst/v1/decision.pb.h"
#include "spotburst/v1/scenario.pb.h"
#include "spotburst/v1/sidecar_config.pb.h"

namespace spotburst::testing {
namespace {

using ::testing::EndsWith;
using ::testing::StartsWith;

void ExpectZeroIsUnspecified(const google::protobuf::EnumDescriptor& e) {
  const google::protobuf::EnumValueDescriptor* zero = e.FindValueByNumber(0);
  ASSERT_NE(zero, nullptr) << e.full_name();
  EXPECT_THAT(zero->name(), EndsWith("_UNSPECIFIED")) << e.full_name();
}

void ExpectZeroIsUnspecified(const google::protobuf::Descriptor& message) {
  for (int i = 0; i < message.enum_type_count(); ++i) {
    ExpectZeroIsUnspecified(*message.enum_type(i));
  }
  for (int i = 0; i < message.nested_type_count(); ++i) {
    ExpectZeroIsUnspecified(*message.nested_type(i));
  }
}

TEST(V1Api, EveryEnumsZeroValueIsUnspecified) {
  // One message of each file: naming it links the file in.
  const google::protobuf::FileDescriptor* const kFiles[] = {
      v1::ClusterState::descriptor()->file(),
      v1::Plan::descriptor()->file(),
      v1::Policy::descriptor()->file(),
      v1::MarketScenario::descriptor()->file(),
      v1::Decision::descriptor()->file(),
      v1::EvaluateRequest::descriptor()->file(),
      v1::GetStatusRequest::descriptor()->file(),
      v1::TlsConfig::descriptor()->file()};
  int enums = 0;
  for (const google::protobuf::FileDescriptor* file : kFiles) {
    EXPECT_THAT(file->name(), StartsWith("spotburst/v1/"));
    for (int i = 0; i < file->enum_type_count(); ++i) {
      ExpectZeroIsUnspecified(*file->enum_type(i));
      ++enums;
    }
    for (int i = 0; i < file->message_type_count(); ++i) {
      ExpectZeroIsUnspecified(*file->message_type(i));
    }
  }
  EXPECT_GE(enums, 7);  // the five state and plan enums, and two services'
}

class V1ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sidecar::SidecarOptions options;
    options.policy_files = {{"exp1", Repo(kPolicyFile)}};
    server_ = StartServer(std::move(options));
    ASSERT_NE(server_, nullptr);
    stub_ = v1::PolicyService::NewStub(PlainChannel(server_->port()));
  }

  grpc::Status Evaluate(const v1::EvaluateRequest& request,
                        v1::EvaluateResponse& response) {
    grpc::ClientContext context;
    SetDeadline(context);
    return stub_->Evaluate(&context, request, &response);
  }

  grpc::Status ComputeBid(const v1::ComputeBidRequest& request,
                          v1::ComputeBidResponse& response) {
    grpc::ClientContext context;
    SetDeadline(context);
    return stub_->ComputeBid(&context, request, &response);
  }

  static v1::EvaluateRequest Request() {
    v1::EvaluateRequest request;
    request.set_policy_name("exp1");
    *request.mutable_state() = ExampleStateProto();
    return request;
  }

  void ExpectInvalid(const v1::EvaluateRequest& request,
                     const std::string& message) {
    v1::EvaluateResponse response;
    const grpc::Status status = Evaluate(request, response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << status.error_message();
    EXPECT_THAT(status.error_message(), StartsWith(message));
    EXPECT_FALSE(response.has_plan());
  }

  std::unique_ptr<sidecar::SidecarServer> server_;
  std::unique_ptr<v1::PolicyService::Stub> stub_;
};

TEST_F(V1ApiTest, AnOmittedRequiredEnumIsRefusedNamingTheField) {
  ASSERT_GT(Request().state().fleet().instances_size(), 0);
  ASSERT_GT(Request().state().fleet().requests_size(), 0);

  v1::EvaluateRequest request = Request();
  request.mutable_state()
      ->mutable_fleet()
      ->mutable_instances(0)
      ->clear_lifecycle();
  ExpectInvalid(request,
                "state.fleet.instances[0].lifecycle: required, but missing or "
                "LIFECYCLE_UNSPECIFIED");

  request = Request();
  request.mutable_state()->mutable_fleet()->mutable_instances(0)->clear_state();
  ExpectInvalid(request, "state.fleet.instances[0].state: required");

  request = Request();
  request.mutable_state()->mutable_fleet()->mutable_requests(0)->clear_state();
  ExpectInvalid(request, "state.fleet.requests[0].state: required");
}

TEST_F(V1ApiTest, AnEngineStateWithoutSupplyModeIsAFreshStartOnSpot) {
  v1::EvaluateRequest request = Request();
  request.mutable_state()->mutable_engine()->clear_supply_mode();
  v1::EvaluateResponse response;
  ASSERT_TRUE(Evaluate(request, response).ok());
  // Plans always say which mode they are in.
  EXPECT_EQ(response.plan().supply_mode(), v1::SUPPLY_MODE_SPOT);
  EXPECT_EQ(response.plan().next_state().supply_mode(), v1::SUPPLY_MODE_SPOT);
  for (const v1::Action& action : response.plan().actions()) {
    EXPECT_NE(action.kind(), v1::ACTION_KIND_UNSPECIFIED);
  }
}

// A changing price over the last day, given as points, newest first (as
// EC2's DescribeSpotPriceHistory lists them).
std::vector<PricePoint> NewestFirstHistory(absl::Time now) {
  std::vector<PricePoint> points;
  for (int i = 0; i < 40; ++i) {
    points.push_back({.time = now - absl::Minutes(37 * i + 5),
                      .usd_per_hour = 0.02 + 0.0013 * ((i * 7) % 11)});
  }
  return points;
}

void SetHistory(const std::vector<PricePoint>& points, v1::MarketView& view) {
  view.clear_stats();
  view.clear_price_history();
  for (const PricePoint& p : points) {
    v1::PricePoint& out = *view.add_price_history();
    out.mutable_time()->set_seconds(absl::ToUnixSeconds(p.time));
    out.set_usd_per_hour(p.usd_per_hour);
  }
}

TEST_F(V1ApiTest, RawPricePointsGiveThePlanOfTheirWindowsStatistics) {
  const StateWithTime example = ExampleState();
  absl::StatusOr<Policy> policy = LoadPolicyFile(Repo(kPolicyFile));
  ASSERT_TRUE(policy.ok()) << policy.status();
  const std::vector<PricePoint> history = NewestFirstHistory(example.now);

  // What a caller with its own window would send.
  std::vector<PricePoint> in_order = history;
  std::reverse(in_order.begin(), in_order.end());
  PriceWindow window(policy->bidding.price_window);
  for (const PricePoint& p : in_order) {
    ASSERT_TRUE(window.Add(p.time, p.usd_per_hour).ok());
  }
  v1::EvaluateRequest with_stats = Request();
  *with_stats.mutable_state()->mutable_markets(0)->mutable_stats() =
      internal::ToProto(window.Stats(example.now));

  v1::EvaluateRequest with_points = Request();
  SetHistory(history, *with_points.mutable_state()->mutable_markets(0));

  v1::EvaluateResponse from_stats;
  v1::EvaluateResponse from_points;
  ASSERT_TRUE(Evaluate(with_stats, from_stats).ok());
  const grpc::Status status = Evaluate(with_points, from_points);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(WirePlanJson(from_points.plan()), WirePlanJson(from_stats.plan()));
  // The window's latest point decides the current price.
  EXPECT_DOUBLE_EQ(from_points.plan().current_price_usd(),
                   history.front().usd_per_hour);

  v1::ComputeBidRequest bid_from_points;
  bid_from_points.set_policy_name("exp1");
  *bid_from_points.mutable_market() = with_points.state().markets(0);
  *bid_from_points.mutable_now() = with_points.state().now();
  bid_from_points.set_strategy("mean");
  v1::ComputeBidRequest bid_from_stats = bid_from_points;
  *bid_from_stats.mutable_market() = with_stats.state().markets(0);
  v1::ComputeBidResponse a;
  v1::ComputeBidResponse b;
  ASSERT_TRUE(ComputeBid(bid_from_points, a).ok());
  ASSERT_TRUE(ComputeBid(bid_from_stats, b).ok());
  EXPECT_DOUBLE_EQ(a.quote_usd_per_hour(), b.quote_usd_per_hour());
  EXPECT_DOUBLE_EQ(a.quote_usd_per_hour(), window.Stats(example.now).mean_usd);
}

TEST_F(V1ApiTest, BadPricePointsAreRefusedNamingThePoint) {
  const StateWithTime example = ExampleState();
  const std::vector<PricePoint> history = NewestFirstHistory(example.now);

  v1::EvaluateRequest request = Request();
  v1::MarketView& market = *request.mutable_state()->mutable_markets(0);
  SetHistory(history, market);
  market.mutable_price_history(3)->set_usd_per_hour(-0.5);
  ExpectInvalid(request,
                "state.markets[0].price_history[3].usd_per_hour: -0.5 must be "
                ">= 0");

  SetHistory(history, market);
  market.mutable_price_history(2)->clear_time();
  ExpectInvalid(request, "state.markets[0].price_history[2].time: required");

  SetHistory(history, market);
  market.mutable_price_history(1)->mutable_time()->set_seconds(
      absl::ToUnixSeconds(example.now + absl::Hours(1)));
  ExpectInvalid(request, "state.markets[0].price_history[1].time: ");

  SetHistory(history, market);
  *market.add_price_history() = market.price_history(4);
  market.mutable_price_history(40)->set_usd_per_hour(0.9);
  ExpectInvalid(request, "state.markets[0].price_history[40]: two prices at");

  SetHistory(history, market);
  market.mutable_stats()->set_points(3);
  ExpectInvalid(request,
                "state.markets[0]: both stats and price_history given");
}

}  // namespace
}  // namespace spotburst::testing
