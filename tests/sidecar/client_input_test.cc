// What the sidecar does with strings a client sends: names must be short
// and printable, and no error echoes a client's input whole.
#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "sidecar_testing.h"
#include "spotburst/internal/policy_proto.h"

namespace spotburst::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// gRPC's default limit for the metadata a client accepts is 8 KiB; status
// messages must stay well within it.
constexpr size_t kMaxMessage = 2048;

class ClientInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sidecar::SidecarOptions options;
    options.policy_files = {{"exp1", Repo(kPolicyFile)}};
    server_ = StartServer(std::move(options));
    ASSERT_NE(server_, nullptr);
    stub_ = v1::PolicyService::NewStub(PlainChannel(server_->port()));
  }

  grpc::Status Evaluate(const v1::EvaluateRequest& request) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::EvaluateResponse response;
    grpc::Status status = stub_->Evaluate(&context, request, &response);
    EXPECT_FALSE(response.has_plan());
    return status;
  }

  v1::EvaluateRequest ByName(const std::string& name) {
    v1::EvaluateRequest request;
    request.set_policy_name(name);
    *request.mutable_state() = ExampleStateProto();
    return request;
  }

  std::unique_ptr<sidecar::SidecarServer> server_;
  std::unique_ptr<v1::PolicyService::Stub> stub_;
};

TEST_F(ClientInputTest, ALongPolicyNameGetsTheRealErrorQuotingAShortPrefix) {
  const grpc::Status status = Evaluate(ByName(std::string(8000, 'a')));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(),
              StartsWith("policy_name: 8000 bytes, at most 128 allowed"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("\"" + std::string(64, 'a') + "\"...(8000 bytes)"));
  EXPECT_LT(status.error_message().size(), 300u);
}

TEST_F(ClientInputTest, PolicyNamesWithControlBytesAreRefused) {
  const grpc::Status status = Evaluate(ByName(std::string("exp1\0x", 6)));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(),
              StartsWith("policy_name: byte 4 is 0x00"));
  EXPECT_THAT(status.error_message(), HasSubstr("\"exp1\\x00x\""));
}

TEST_F(ClientInputTest, A900KilobytePolicyNameIsRefusedNamingTheField) {
  const grpc::Status status = Evaluate(ByName(std::string(900 << 10, 'n')));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message().substr(0, 200);
  EXPECT_THAT(status.error_message(),
              StartsWith("policy_name: 921600 bytes, at most 128 allowed"));
}

TEST_F(ClientInputTest, DecisionIdsAndStrategyNamesAreCheckedToo) {
  v1::EvaluateRequest request = ByName("exp1");
  request.set_decision_id("tick\n42");
  grpc::Status status = Evaluate(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              StartsWith("decision_id: byte 4 is 0x0a"));

  v1::ComputeBidRequest bid;
  bid.set_policy_name("exp1");
  *bid.mutable_market() = ExampleStateProto().markets(0);
  *bid.mutable_now() = ExampleStateProto().now();
  bid.set_strategy(std::string(10000, 's'));
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ComputeBidResponse response;
  status = stub_->ComputeBid(&context, bid, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              StartsWith("strategy: 10000 bytes, at most 128 allowed"));
}

// The engine's own messages quote what they were given (an unknown
// strategy name, say): the message a client gets is capped, and still says
// what and where.
TEST_F(ClientInputTest, MessagesBuiltFromLongInputAreCapped) {
  v1::EvaluateRequest request = ByName("exp1");
  absl::StatusOr<Policy> policy = LoadPolicyFile(Repo(kPolicyFile));
  ASSERT_TRUE(policy.ok()) << policy.status();
  *request.mutable_policy() = internal::PolicyToProto(*policy);
  request.mutable_policy()->mutable_bidding()->set_strategy(
      std::string(20000, 'k'));
  const grpc::Status status = Evaluate(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message().substr(0, 200);
  EXPECT_THAT(status.error_message(),
              StartsWith("policy.bidding.strategy: unknown bidding strategy"));
  EXPECT_LE(status.error_message().size(), kMaxMessage);
  EXPECT_THAT(status.error_message(), HasSubstr("...(truncated, "));

  // ValidatePolicy answers in its response, capped the same way.
  v1::ValidatePolicyRequest validate;
  *validate.mutable_policy() = request.policy();
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ValidatePolicyResponse response;
  ASSERT_TRUE(stub_->ValidatePolicy(&context, validate, &response).ok());
  EXPECT_FALSE(response.valid());
  EXPECT_THAT(response.error(), StartsWith("policy.bidding.strategy: "));
  EXPECT_LE(response.error().size(), kMaxMessage);
}

TEST_F(ClientInputTest, BytesThatAreNotTheRequestAreInvalidArgument) {
  for (const char* method : {"/spotburst.v1.PolicyService/Evaluate",
                             "/spotburst.v1.PolicyService/ComputeBid",
                             "/spotburst.v1.PolicyService/Ping"}) {
    const grpc::Status status =
        RawCall(server_->port(), method, std::string("\xff\xfe\x00junk", 7));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << method << ": " << status.error_message();
    EXPECT_THAT(status.error_message(),
                StartsWith("request: 7 bytes that are not a valid "
                           "spotburst.v1."));
  }
}

// A client calling a method this daemon does not serve (a typo, an old
// client, or bytes that are not gRPC at all) learns which.
TEST_F(ClientInputTest, AnUnknownMethodIsUnimplementedNamingIt) {
  const grpc::Status status =
      RawCall(server_->port(), "/spotburst.v1.PolicyService/Evaluat", "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("unknown method \"/spotburst.v1.PolicyService/"
                        "Evaluat\""));
  EXPECT_THAT(status.error_message(), HasSubstr("spotburst.v1.PolicyService"));
}

}  // namespace
}  // namespace spotburst::testing
