// PolicyService end to end over loopback: the plans clients get equal the
// library's, and bad requests get the promised codes and field paths.
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "sidecar_testing.h"
#include "spotburst/internal/policy_proto.h"

namespace spotburst::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class PolicyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sidecar::SidecarOptions options;
    options.policy_files = {{"exp1", Repo(kPolicyFile)}};
    options.max_request_bytes = 64 << 10;
    server_ = StartServer(std::move(options));
    ASSERT_NE(server_, nullptr);
    stub_ = v1::PolicyService::NewStub(PlainChannel(server_->port()));
  }

  v1::Policy ExamplePolicyProto() {
    absl::StatusOr<Policy> policy = LoadPolicyFile(Repo(kPolicyFile));
    EXPECT_TRUE(policy.ok()) << policy.status();
    return internal::PolicyToProto(*policy);
  }

  grpc::Status Evaluate(const v1::EvaluateRequest& request,
                        v1::EvaluateResponse& response) {
    grpc::ClientContext context;
    SetDeadline(context);
    return stub_->Evaluate(&context, request, &response);
  }

  // A request with the example policy inline and the example state.
  v1::EvaluateRequest GoodRequest() {
    v1::EvaluateRequest request;
    *request.mutable_policy() = ExamplePolicyProto();
    *request.mutable_state() = ExampleStateProto();
    return request;
  }

  void ExpectRejected(const v1::EvaluateRequest& request, grpc::StatusCode code,
                      const std::string& message) {
    v1::EvaluateResponse response;
    const grpc::Status status = Evaluate(request, response);
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_THAT(status.error_message(), StartsWith(message));
    EXPECT_FALSE(response.has_plan());
  }

  std::unique_ptr<sidecar::SidecarServer> server_;
  std::unique_ptr<v1::PolicyService::Stub> stub_;
};

TEST_F(PolicyServiceTest, EvaluateGivesTheLibrarysPlanForEveryPolicySource) {
  const std::string expected = LibraryPlanJson(kPolicyFile, ExampleState());
  v1::EvaluateRequest inline_policy = GoodRequest();
  v1::EvaluateRequest by_name = GoodRequest();
  by_name.set_policy_name("exp1");
  v1::EvaluateRequest as_text = GoodRequest();
  as_text.set_policy_text(ReadAll(Repo(kPolicyFile)));

  std::string revision;
  for (const v1::EvaluateRequest* request :
       {&inline_policy, &by_name, &as_text}) {
    v1::EvaluateResponse response;
    ASSERT_TRUE(Evaluate(*request, response).ok());
    EXPECT_EQ(WirePlanJson(response.plan()), expected);
    EXPECT_THAT(response.decision_id(), StartsWith("d-"));
    EXPECT_FALSE(response.recorded());  // no decision log
    // One policy, one revision, however it was sent.
    if (revision.empty()) revision = response.policy_revision();
    EXPECT_EQ(response.policy_revision(), revision);
    EXPECT_EQ(revision.size(), 16u);
  }
}

TEST_F(PolicyServiceTest, EchoesTheCallersDecisionId) {
  v1::EvaluateRequest request = GoodRequest();
  request.set_decision_id("tick-42");
  v1::EvaluateResponse response;
  ASSERT_TRUE(Evaluate(request, response).ok());
  EXPECT_EQ(response.decision_id(), "tick-42");
}

TEST_F(PolicyServiceTest, DecisionIdsAreMadeUniqueFromOneProcessPrefix) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    v1::EvaluateResponse response;
    ASSERT_TRUE(Evaluate(GoodRequest(), response).ok());
    ids.push_back(response.decision_id());
  }
  for (const std::string& id : ids) {
    EXPECT_THAT(id, ::testing::MatchesRegex("d-[0-9a-f]{32}"));
    // One prefix per process; the counter part differs.
    EXPECT_EQ(id.substr(0, 18), ids[0].substr(0, 18));
  }
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_NE(ids[1], ids[2]);
}

TEST_F(PolicyServiceTest, CppClientExamplePrintsTheLibrarysPlan) {
  RunResult client = RunProgram(
      {SPOTBURST_CLIENT_EXAMPLE_PATH, "--target=" + Address(server_->port()),
       "--policy=" + Repo(kPolicyFile), "--state=" + Repo(kStateFile)});
  ASSERT_EQ(client.exit_code, 0) << client.err;
  EXPECT_EQ(client.out, LibraryPlanJson(kPolicyFile, ExampleState()) + "\n");
}

TEST_F(PolicyServiceTest, PythonClientGetsTheLibrarysPlan) {
  RunResult client =
      RunProgram({"/usr/bin/python3", Repo("examples/client_python/client.py"),
                  "--stubs=" SPOTBURST_PYTHON_STUBS_DIR,
                  "--target=" + Address(server_->port()), "--policy_name=exp1",
                  "--state=" + Repo(kStateFile)});
  ASSERT_EQ(client.exit_code, 0) << client.err;
  // Python writes numbers its own way; compare what the JSON means.
  absl::StatusOr<Evaluation> plan = ParsePlanJson(client.out);
  ASSERT_TRUE(plan.ok()) << plan.status() << "\n" << client.out;
  EXPECT_EQ(PlanToJson(plan->plan, plan->state),
            LibraryPlanJson(kPolicyFile, ExampleState()));
}

TEST_F(PolicyServiceTest, PythonClientReportsTheStatusOfABadRequest) {
  RunResult client =
      RunProgram({"/usr/bin/python3", Repo("examples/client_python/client.py"),
                  "--stubs=" SPOTBURST_PYTHON_STUBS_DIR,
                  "--target=" + Address(server_->port()),
                  "--policy_name=missing", "--state=" + Repo(kStateFile)});
  EXPECT_EQ(client.exit_code, 1);
  EXPECT_THAT(client.err, HasSubstr("NOT_FOUND: policy_name: no policy named"));
}

TEST_F(PolicyServiceTest, MissingPolicyIsInvalidArgument) {
  v1::EvaluateRequest request = GoodRequest();
  request.clear_policy();
  ExpectRejected(request, grpc::StatusCode::INVALID_ARGUMENT,
                 "policy: required");
}

TEST_F(PolicyServiceTest, MissingStateIsInvalidArgument) {
  v1::EvaluateRequest request = GoodRequest();
  request.clear_state();
  ExpectRejected(request, grpc::StatusCode::INVALID_ARGUMENT,
                 "state: required");
  request = GoodRequest();
  request.mutable_state()->clear_now();
  ExpectRejected(request, grpc::StatusCode::INVALID_ARGUMENT,
                 "state.now: required");
}

TEST_F(PolicyServiceTest, NegativeResourcesAreInvalidArgumentWithThePath) {
  v1::EvaluateRequest request = GoodRequest();
  request.mutable_state()->mutable_cluster()->mutable_used()->set_cpus(-3);
  ExpectRejected(request, grpc::StatusCode::INVALID_ARGUMENT,
                 "state.cluster.used.cpus: -3 must be >= 0");
}

TEST_F(PolicyServiceTest, NanPriceIsInvalidArgumentWithThePath) {
  v1::EvaluateRequest request = GoodRequest();
  request.mutable_state()->mutable_markets(0)->mutable_stats()->set_current_usd(
      std::numeric_limits<double>::quiet_NaN());
  ExpectRejected(request, grpc::StatusCode::INVALID_ARGUMENT,
                 "state.markets[0].stats.current_usd: nan must be a finite");
}

TEST_F(PolicyServiceTest, UnknownStrategyIsInvalidArgumentNotNotFound) {
  v1::EvaluateRequest request = GoodRequest();
  request.mutable_policy()->mutable_bidding()->set_strategy("acme.nope");
  ExpectRejected(request, grpc::StatusCode::INVALID_ARGUMENT,
                 "policy.bidding.strategy: unknown bidding strategy");
  request = GoodRequest();
  request.mutable_policy()->mutable_scaling()->set_strategy("acme.nope");
  ExpectRejected(request, grpc::StatusCode::INVALID_ARGUMENT,
                 "policy.scaling.strategy: unknown scaling strategy");
}

TEST_F(PolicyServiceTest, OutOfRangePolicyValueNamesItsPath) {
  v1::EvaluateRequest request = GoodRequest();
  request.mutable_policy()->mutable_scaling()->set_burst_point(1.5);
  ExpectRejected(request, grpc::StatusCode::INVALID_ARGUMENT,
                 "policy.scaling.burst_point: 1.5 is out of range");
  request = GoodRequest();
  request.mutable_policy()->mutable_instance()->clear_type();
  ExpectRejected(request, grpc::StatusCode::INVALID_ARGUMENT,
                 "policy.instance.type: required");
}

TEST_F(PolicyServiceTest, PolicyTextErrorsNameTheLine) {
  v1::EvaluateRequest request = GoodRequest();
  request.set_policy_text("name: x\nscaling:\n  burst_point: 2\n");
  ExpectRejected(request, grpc::StatusCode::INVALID_ARGUMENT,
                 "policy_text:3: scaling.burst_point");
}

TEST_F(PolicyServiceTest, PolicyFieldsFromANewerSchemaAreRefused) {
  v1::EvaluateRequest request = GoodRequest();
  v1::CostPolicy& cost = *request.mutable_policy()->mutable_cost();
  cost.GetReflection()->MutableUnknownFields(&cost)->AddVarint(99, 1);
  ExpectRejected(request, grpc::StatusCode::INVALID_ARGUMENT,
                 "policy.cost: unknown field number 99");
}

TEST_F(PolicyServiceTest, UnknownPolicyNameIsNotFoundListingTheLoaded) {
  v1::EvaluateRequest request = GoodRequest();
  request.set_policy_name("prod");
  ExpectRejected(request, grpc::StatusCode::NOT_FOUND,
                 "policy_name: no policy named \"prod\" is loaded (loaded: "
                 "exp1)");
}

TEST_F(PolicyServiceTest, NoMarketForTheTypeIsFailedPrecondition) {
  v1::EvaluateRequest request = GoodRequest();
  request.mutable_state()->clear_markets();
  ExpectRejected(request, grpc::StatusCode::FAILED_PRECONDITION,
                 "state.markets: no price data for c4.large");
}

TEST_F(PolicyServiceTest, LongDecisionIdIsInvalidArgument) {
  v1::EvaluateRequest request = GoodRequest();
  request.set_decision_id(std::string(129, 'x'));
  ExpectRejected(request, grpc::StatusCode::INVALID_ARGUMENT,
                 "decision_id: 129 bytes, at most 128 allowed");
}

TEST_F(PolicyServiceTest, OversizedRequestIsResourceExhausted) {
  v1::EvaluateRequest request = GoodRequest();
  request.set_policy_text(std::string(100 << 10, '#'));  // limit: 64 KiB
  ExpectRejected(request, grpc::StatusCode::RESOURCE_EXHAUSTED, "");
}

TEST_F(PolicyServiceTest, ServerKeepsServingAfterBadRequests) {
  v1::EvaluateRequest bad = GoodRequest();
  bad.mutable_state()->mutable_cluster()->mutable_queued()->set_mem_mib(
      -std::numeric_limits<double>::infinity());
  ExpectRejected(bad, grpc::StatusCode::INVALID_ARGUMENT,
                 "state.cluster.queued.mem_mib");
  v1::EvaluateResponse response;
  EXPECT_TRUE(Evaluate(GoodRequest(), response).ok());
}

TEST_F(PolicyServiceTest, HealthReportsServing) {
  auto health =
      grpc::health::v1::Health::NewStub(PlainChannel(server_->port()));
  for (const char* service : {"", "spotburst.v1.PolicyService"}) {
    grpc::ClientContext context;
    SetDeadline(context);
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(),
              grpc::health::v1::HealthCheckResponse::SERVING);
  }
}

TEST_F(PolicyServiceTest, ComputeBidAppliesTheCapAndSaysSo) {
  v1::ComputeBidRequest request;
  request.set_policy_name("exp1");
  *request.mutable_market() = ExampleStateProto().markets(0);
  request.mutable_market()->mutable_stats()->set_max_usd(0.08);
  *request.mutable_now() = ExampleStateProto().now();
  request.set_strategy("high");  // 10 x max 0.08 > max bid 0.5
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ComputeBidResponse response;
  ASSERT_TRUE(stub_->ComputeBid(&context, request, &response).ok());
  EXPECT_EQ(response.strategy(), "high");
  EXPECT_DOUBLE_EQ(response.bid_usd_per_hour(), 0.5);
  EXPECT_GT(response.quote_usd_per_hour(), 0.5);
  ASSERT_EQ(response.adjustments_size(), 1);
  EXPECT_EQ(response.adjustments(0).code(), "bid-capped");
}

TEST_F(PolicyServiceTest, ComputeBidNamesTheBadMarketField) {
  v1::ComputeBidRequest request;
  request.set_policy_name("exp1");
  *request.mutable_market() = ExampleStateProto().markets(0);
  request.mutable_market()->mutable_stats()->set_min_usd(-1);
  *request.mutable_now() = ExampleStateProto().now();
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ComputeBidResponse response;
  const grpc::Status status = stub_->ComputeBid(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("market.stats.min_usd: -1"));
}

TEST_F(PolicyServiceTest, ValidatePolicyAnswersInTheResponse) {
  v1::ValidatePolicyRequest request;
  *request.mutable_policy() = ExamplePolicyProto();
  request.mutable_policy()->mutable_scaling()->set_min_instances(20);
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ValidatePolicyResponse response;
  ASSERT_TRUE(stub_->ValidatePolicy(&context, request, &response).ok());
  EXPECT_FALSE(response.valid());
  EXPECT_THAT(response.error(), StartsWith("policy.scaling.min_instances: 20"));

  grpc::ClientContext again;
  SetDeadline(again);
  request.set_policy_text(ReadAll(Repo(kPolicyFile)));
  ASSERT_TRUE(stub_->ValidatePolicy(&again, request, &response).ok());
  EXPECT_TRUE(response.valid()) << response.error();
  EXPECT_EQ(response.effective_policy().billing().model(), "hourly");
}

TEST_F(PolicyServiceTest, ListStrategiesNamesTheBuiltins) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ListStrategiesResponse response;
  ASSERT_TRUE(stub_->ListStrategies(&context, {}, &response).ok());
  std::vector<std::string> bidding;
  for (const v1::Strategy& s : response.bidding()) bidding.push_back(s.name());
  EXPECT_THAT(bidding, ::testing::IsSupersetOf(
                           {"current-plus", "minimum", "mean", "on-demand"}));
  ASSERT_GE(response.scaling_size(), 2);
  EXPECT_FALSE(response.scaling(0).description().empty());
}

// Tools such as grpcurl discover the API by reflection. Debian ships no
// reflection stubs, so this speaks grpc.reflection.v1alpha in raw bytes:
// list_services (field 7) and file_containing_symbol (field 4).
TEST_F(PolicyServiceTest, ReflectionDescribesTheServices) {
  const std::string script = R"(
import sys, grpc
channel = grpc.insecure_channel(sys.argv[1])
call = channel.stream_stream(
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
def field(number, text):
    data = text.encode()
    return bytes([number << 3 | 2, len(data)]) + data
requests = [field(7, ""), field(4, "grpc.health.v1.Health"),
            field(4, "spotburst.v1.PolicyService")]
for response in call(iter(requests), timeout=10):
    sys.stdout.write(response.decode("latin-1") + "\n")
)";
  RunResult result =
      RunProgram({"/usr/bin/python3", "-c", script, Address(server_->port())});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("spotburst.v1.PolicyService"));
  EXPECT_THAT(result.out, HasSubstr("grpc.health.v1.Health"));
  // The files that define them, so a tool can build requests.
  EXPECT_THAT(result.out, HasSubstr("grpc/health/v1/health.proto"));
  EXPECT_THAT(result.out, HasSubstr("spotburst/v1/policy_service.proto"));
  EXPECT_THAT(result.out, HasSubstr("EvaluateRequest"));
}

TEST_F(PolicyServiceTest, PingAnswers) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::PingResponse response;
  EXPECT_TRUE(stub_->Ping(&context, {}, &response).ok());
}

}  // namespace
}  // namespace spotburst::testing
