// The bounds on the work spotburstd takes on: calls in flight, the size of
// one Evaluate, and calls their client no longer waits for.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sidecar/config.h"
#include "sidecar_testing.h"

namespace spotburst::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A server whose Evaluate and ComputeBid calls wait, once admitted, until
// the test lets them go.
class HeldServer {
 public:
  explicit HeldServer(sidecar::SidecarOptions options) {
    options.policy_files = {{"exp1", Repo(kPolicyFile)}};
    server_ = StartServer(std::move(options));
    server_->policy_service().SetAdmittedHookForTest(
        [this](grpc::CallbackServerContext&) {
          // Calls after the first are let through at once.
          if (admitted_.HasBeenNotified()) return;
          admitted_.Notify();
          release_.WaitForNotification();
        });
    stub_ = v1::PolicyService::NewStub(PlainChannel(server_->port()));
  }
  ~HeldServer() {
    if (!release_.HasBeenNotified()) release_.Notify();
  }

  sidecar::SidecarServer& server() { return *server_; }
  v1::PolicyService::Stub& stub() { return *stub_; }
  absl::Notification& admitted() { return admitted_; }
  void Release() { release_.Notify(); }

 private:
  absl::Notification admitted_, release_;
  std::unique_ptr<sidecar::SidecarServer> server_;
  std::unique_ptr<v1::PolicyService::Stub> stub_;
};

v1::EvaluateRequest ExampleRequest() {
  v1::EvaluateRequest request;
  request.set_policy_name("exp1");
  *request.mutable_state() = ExampleStateProto();
  return request;
}

grpc::Status Evaluate(v1::PolicyService::Stub& stub,
                      const v1::EvaluateRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::EvaluateResponse response;
  return stub.Evaluate(&context, request, &response);
}

TEST(Limits, CallsPastMaxInflightAreRefusedAtOnceNamingTheLimit) {
  sidecar::SidecarOptions options;
  options.limits.max_inflight_calls = 1;
  HeldServer held(std::move(options));
  grpc::Status first;
  std::thread caller([&] { first = Evaluate(held.stub(), ExampleRequest()); });
  held.admitted().WaitForNotification();

  const grpc::Status second = Evaluate(held.stub(), ExampleRequest());
  EXPECT_EQ(second.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(second.error_message(),
              StartsWith("Evaluate: 1 Evaluate and ComputeBid calls are in "
                         "flight"));
  EXPECT_THAT(second.error_message(), HasSubstr("(max_inflight_calls)"));
  v1::ComputeBidRequest bid;
  bid.set_policy_name("exp1");
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ComputeBidResponse bid_response;
  const grpc::Status third =
      held.stub().ComputeBid(&context, bid, &bid_response);
  EXPECT_EQ(third.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(third.error_message(), StartsWith("ComputeBid: "));

  held.Release();
  caller.join();
  EXPECT_TRUE(first.ok()) << first.error_message();
  // The place is given back.
  EXPECT_TRUE(Evaluate(held.stub(), ExampleRequest()).ok());
  EXPECT_EQ(held.server().policy_service().inflight(), 0);
}

TEST(Limits, AFleetOrMarketListPastTheLimitIsRefusedNamingFieldAndLimit) {
  sidecar::SidecarOptions options;
  options.policy_files = {{"exp1", Repo(kPolicyFile)}};
  options.limits.max_fleet_instances = 5;
  options.limits.max_fleet_requests = 3;
  options.limits.max_markets = 2;
  auto server = StartServer(std::move(options));
  auto stub = v1::PolicyService::NewStub(PlainChannel(server->port()));

  // At the limits: evaluated.
  v1::EvaluateRequest request = ExampleRequest();
  v1::Fleet& fleet = *request.mutable_state()->mutable_fleet();
  while (fleet.instances_size() < 5) {
    v1::Instance& copy = *fleet.add_instances();
    copy = fleet.instances(0);
    copy.set_id(absl::StrCat("i-copy", fleet.instances_size()));
  }
  while (fleet.requests_size() < 3) {
    v1::SpotRequest& copy = *fleet.add_requests();
    copy = fleet.requests(0);
    copy.set_id(absl::StrCat("sir-copy", fleet.requests_size()));
  }
  const grpc::Status at_limits = Evaluate(*stub, request);
  EXPECT_TRUE(at_limits.ok()) << at_limits.error_message();

  v1::EvaluateRequest instances = request;
  *instances.mutable_state()->mutable_fleet()->add_instances() =
      fleet.instances(0);
  grpc::Status status = Evaluate(*stub, instances);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "state.fleet.instances: 6 instances; this daemon accepts at most "
            "5 per request (max_fleet_instances)");

  v1::EvaluateRequest requests = request;
  *requests.mutable_state()->mutable_fleet()->add_requests() =
      fleet.requests(0);
  status = Evaluate(*stub, requests);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              StartsWith("state.fleet.requests: 4 spot requests; this daemon "
                         "accepts at most 3 per request (max_fleet_requests)"));

  v1::EvaluateRequest markets = request;
  for (int i = 0; i < 2; ++i) {
    *markets.mutable_state()->add_markets() = request.state().markets(0);
  }
  status = Evaluate(*stub, markets);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              StartsWith("state.markets: 3 markets; this daemon accepts at "
                         "most 2 per request (max_markets)"));
}

TEST(Limits, PricePointsPastTheLimitAreRefusedInEvaluateAndComputeBid) {
  sidecar::SidecarOptions options;
  options.policy_files = {{"exp1", Repo(kPolicyFile)}};
  options.limits.max_price_points = 3;
  auto server = StartServer(std::move(options));
  auto stub = v1::PolicyService::NewStub(PlainChannel(server->port()));

  v1::EvaluateRequest request = ExampleRequest();
  v1::MarketView& market = *request.mutable_state()->mutable_markets(0);
  market.clear_stats();
  const int64_t now = request.state().now().seconds();
  for (int i = 0; i < 3; ++i) {
    v1::PricePoint& point = *market.add_price_history();
    point.mutable_time()->set_seconds(now - 600 * (i + 1));
    point.set_usd_per_hour(0.03 + 0.001 * i);
  }
  const grpc::Status at_limit = Evaluate(*stub, request);
  EXPECT_TRUE(at_limit.ok()) << at_limit.error_message();

  *market.add_price_history() = market.price_history(0);
  grpc::Status status = Evaluate(*stub, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "state.markets[].price_history: 4 price points; this daemon "
            "accepts at most 3 per request (max_price_points)");

  v1::ComputeBidRequest bid;
  bid.set_policy_name("exp1");
  *bid.mutable_market() = market;
  *bid.mutable_now() = request.state().now();
  v1::ComputeBidResponse response;
  grpc::ClientContext context;
  status = stub->ComputeBid(&context, bid, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              StartsWith("market.price_history: 4 price points"));
}

// A call whose deadline passes while it waits is abandoned: no plan is made
// and nothing is recorded, so the decision log shows only what clients were
// told.
TEST(Limits, ACallPastItsDeadlineIsNeitherEvaluatedNorRecorded) {
  const std::string dir = MakeTempDir();
  sidecar::SidecarOptions options;
  options.policy_files = {{"exp1", Repo(kPolicyFile)}};
  options.decision_log.path = dir + "/decisions.jsonl";
  auto server = StartServer(std::move(options));
  // Holds the call until the server's own deadline for it has passed.
  server->policy_service().SetAdmittedHookForTest(
      [](grpc::CallbackServerContext& context) {
        while (std::chrono::system_clock::now() <= context.deadline()) {
          std::this_thread::sleep_until(context.deadline() +
                                        std::chrono::milliseconds(1));
        }
      });
  auto stub = v1::PolicyService::NewStub(PlainChannel(server->port()));
  grpc::ClientContext context;
  SetDeadline(context, absl::Milliseconds(200));
  v1::EvaluateResponse response;
  const grpc::Status status =
      stub->Evaluate(&context, ExampleRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);

  server->Shutdown(absl::Now() + absl::Seconds(10));  // waits for the call
  EXPECT_EQ(server->decision_log()->stats().recorded, 0);
  EXPECT_EQ(ReadAll(dir + "/decisions.jsonl"), "");
}

TEST(Limits, ACancelledCallIsNeitherEvaluatedNorRecorded) {
  const std::string dir = MakeTempDir();
  sidecar::SidecarOptions options;
  options.policy_files = {{"exp1", Repo(kPolicyFile)}};
  options.decision_log.path = dir + "/decisions.jsonl";
  auto server = StartServer(std::move(options));
  absl::Notification admitted;
  // Holds the call until the server has seen the client cancel it.
  server->policy_service().SetAdmittedHookForTest(
      [&](grpc::CallbackServerContext& context) {
        admitted.Notify();
        const absl::Time give_up = absl::Now() + absl::Seconds(10);
        while (!context.IsCancelled() && absl::Now() < give_up) {
          absl::SleepFor(absl::Milliseconds(1));
        }
      });
  auto stub = v1::PolicyService::NewStub(PlainChannel(server->port()));
  grpc::ClientContext context;
  SetDeadline(context);
  v1::EvaluateResponse response;
  grpc::Status status;
  std::thread caller(
      [&] { status = stub->Evaluate(&context, ExampleRequest(), &response); });
  admitted.WaitForNotification();
  context.TryCancel();
  caller.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);

  server->Shutdown(absl::Now() + absl::Seconds(10));  // waits for the call
  EXPECT_EQ(server->decision_log()->stats().recorded, 0);
  EXPECT_EQ(ReadAll(dir + "/decisions.jsonl"), "");
}

TEST(Limits, TheConfigFileSetsThemAndNamesABadOne) {
  sidecar::SidecarOptions options;
  ASSERT_TRUE(sidecar::ApplyConfigText("max_inflight_calls: 4\n"
                                       "max_fleet_instances: 200\n"
                                       "max_fleet_requests: 100\n"
                                       "max_markets: 10\n"
                                       "max_price_points: 500\n"
                                       "grpc_memory_bytes: 268435456\n",
                                       "spotburstd.yaml", "", options)
                  .ok());
  EXPECT_EQ(options.limits.max_inflight_calls, 4);
  EXPECT_EQ(options.limits.max_fleet_instances, 200);
  EXPECT_EQ(options.limits.max_fleet_requests, 100);
  EXPECT_EQ(options.limits.max_markets, 10);
  EXPECT_EQ(options.limits.max_price_points, 500);
  EXPECT_EQ(options.grpc_memory_bytes, 268435456);
  EXPECT_TRUE(options.Validate().ok());

  const absl::Status bad =
      sidecar::ApplyConfigText("listen: 127.0.0.1:0\nmax_inflight_calls: 0\n",
                               "spotburstd.yaml", "", options);
  EXPECT_THAT(bad.message(),
              HasSubstr("spotburstd.yaml:2: max_inflight_calls"));
  options = {};
  options.limits.max_fleet_instances = 0;
  EXPECT_THAT(options.Validate().message(),
              HasSubstr("max_fleet_instances: 0 is out of range"));
}

}  // namespace
}  // namespace spotburst::testing
