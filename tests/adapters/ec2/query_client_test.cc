// QueryClient against scripted HTTP answers: signing, retries within the
// budget, no retry where retrying cannot help, credentials reloaded once.
#include "query_client.h"

#include <string>
#include <vector>

#include "adapters/ec2/ec2_fakes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sigv4.h"
#include "spotburst/launch_failure.h"

namespace spotburst::ec2 {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using testing::FakeClock;
using testing::ScriptedHttp;
using testing::StaticCredentials;
constexpr const char* kSecret = testing::kTestSecret;

http::HttpResponse Ok(const std::string& action) {
  return testing::Answer(action);
}
http::HttpResponse Error(int status, const std::string& code) {
  return testing::ErrorAnswer(status, code);
}

std::string Header(const http::HttpRequest& r, const std::string& name) {
  for (const http::HttpHeader& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return "";
}

class QueryClientTest : public ::testing::Test {
 protected:
  QueryClient Make(QueryClientOptions options = {}) {
    options.region = "us-east-1";
    options.jitter_seed = 7;
    return QueryClient(http_, credentials_, clock_, std::move(options));
  }
  ScriptedHttp http_;
  StaticCredentials credentials_;
  FakeClock clock_;
};

TEST_F(QueryClientTest, PostsASignedFormBodyToTheRegionsEndpoint) {
  http_.script.push_back(Ok("DescribeInstances"));
  QueryClient client = Make();
  auto answer = client.Call(
      "DescribeInstances",
      {{"Filter.1.Name", "tag:pool"}, {"Filter.1.Value.1", "burst a/b"}});
  ASSERT_TRUE(answer.ok()) << answer.status();
  ASSERT_EQ(http_.sent.size(), 1u);
  const http::HttpRequest& sent = http_.sent[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://ec2.us-east-1.amazonaws.com/");
  EXPECT_EQ(
      sent.body,
      "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3Apool"
      "&Filter.1.Value.1=burst%20a%2Fb");
  EXPECT_EQ(Header(sent, "Host"), "ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(Header(sent, "Content-Type"), kFormContentType);
  EXPECT_EQ(Header(sent, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_THAT(Header(sent, "Authorization"),
              HasSubstr("Credential=AKIDEXAMPLE/20150830/us-east-1/ec2/"
                        "aws4_request, SignedHeaders=content-type;host;"
                        "x-amz-date, Signature="));
  // The same signature the signer gives for exactly these bytes.
  Signer signer("us-east-1", "ec2");
  auto expected = signer.Sign({.method = "POST",
                               .host = "ec2.us-east-1.amazonaws.com",
                               .headers = {{"Content-Type", kFormContentType}},
                               .body = sent.body},
                              *credentials_.Get(clock_.now), clock_.now);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(Header(sent, "Authorization"), expected->back().value);
  for (const http::HttpHeader& h : sent.headers) {
    EXPECT_THAT(h.value, Not(HasSubstr(kSecret)));
  }
}

TEST_F(QueryClientTest, SendsTheSessionTokenAndKeepsAnEndpointsPort) {
  credentials_.token = "TOKEN-abc";
  http_.script.push_back(Ok("DescribeInstances"));
  QueryClient client = Make({.endpoint = "http://127.0.0.1:8080/"});
  ASSERT_TRUE(client.Call("DescribeInstances", {}).ok());
  EXPECT_EQ(http_.sent[0].url, "http://127.0.0.1:8080/");
  EXPECT_EQ(Header(http_.sent[0], "Host"), "127.0.0.1:8080");
  EXPECT_EQ(Header(http_.sent[0], "X-Amz-Security-Token"), "TOKEN-abc");
  EXPECT_THAT(Header(http_.sent[0], "Authorization"),
              HasSubstr("x-amz-date;x-amz-security-token"));
}

TEST_F(QueryClientTest, RetriesThrottlingWithGrowingJitteredWaits) {
  http_.script = {
      Error(503, "RequestLimitExceeded"), Error(500, "InternalError"),
      absl::UnavailableError("connection reset"), Ok("RunInstances")};
  QueryClient client = Make({.backoff_base = absl::Milliseconds(100)});
  ASSERT_TRUE(client.Call("RunInstances", {{"ClientToken", "t-1"}}).ok());
  EXPECT_EQ(http_.sent.size(), 4u);
  EXPECT_EQ(client.retries(), 3);
  // Full jitter: each wait in [0, 100 ms * 2^(i-1)].
  EXPECT_LE(clock_.slept, absl::Milliseconds(100 + 200 + 400));
  // A retry sends the same body: the same ClientToken.
  EXPECT_EQ(http_.sent[0].body, http_.sent[3].body);
}

TEST_F(QueryClientTest, GivesUpWithinTheRetryBudget) {
  for (int i = 0; i < 20; ++i) {
    http_.script.push_back(Error(503, "RequestLimitExceeded"));
  }
  QueryClient client = Make({.retry_budget = absl::Seconds(2),
                             .max_attempts = 100,
                             .backoff_base = absl::Milliseconds(500),
                             .backoff_cap = absl::Seconds(1)});
  const absl::Time start = clock_.now;
  auto answer = client.Call("DescribeSpotPriceHistory", {});
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FailureCauseOf(answer.status()), FailureCause::kThrottled);
  EXPECT_THAT(answer.status().message(), HasSubstr("gave up after"));
  EXPECT_LE(clock_.now - start, absl::Seconds(2));
}

TEST_F(QueryClientTest, DoesNotRetryCapacityQuotaOrConfiguration) {
  for (const char* code :
       {"InsufficientInstanceCapacity", "MaxSpotInstanceCountExceeded",
        "InvalidParameterValue", "SignatureDoesNotMatch", "RequestExpired"}) {
    http_.sent.clear();
    http_.script = {Error(
        code == std::string("InsufficientInstanceCapacity") ? 500 : 400, code)};
    QueryClient client = Make();
    auto answer = client.Call("RunInstances", {});
    EXPECT_FALSE(answer.ok()) << code;
    EXPECT_EQ(http_.sent.size(), 1u) << code;
    EXPECT_EQ(ProviderCodeOf(answer.status()), code);
  }
}

TEST_F(QueryClientTest, ReloadsRefusedCredentialsOnceThenFails) {
  http_.script = {Error(401, "AuthFailure"), Ok("DescribeInstances")};
  QueryClient client = Make();
  EXPECT_TRUE(client.Call("DescribeInstances", {}).ok());
  EXPECT_EQ(credentials_.invalidations, 1);

  http_.script = {Error(401, "AuthFailure"), Error(401, "AuthFailure"),
                  Ok("DescribeInstances")};
  auto answer = client.Call("DescribeInstances", {});
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(FailureCauseOf(answer.status()), FailureCause::kAuth);
  EXPECT_EQ(credentials_.invalidations, 2);
  EXPECT_EQ(http_.script.size(), 1u);  // no third attempt
}

TEST_F(QueryClientTest, RefusesAnAnswerForAnotherActionOrNotXml) {
  http_.script = {Ok("TerminateInstances")};
  QueryClient client = Make();
  auto wrong = client.Call("RunInstances", {});
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(wrong.status().message(),
              HasSubstr("answer is <TerminateInstancesResponse>"));
  http_.script = {http::HttpResponse{.status = 200, .body = "not xml <"}};
  EXPECT_EQ(client.Call("RunInstances", {}).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(QueryClientTest, RefusesAnEndpointThatIsNotAHostAndSlash) {
  QueryClient client = Make({.endpoint = "ec2.example.com"});
  EXPECT_EQ(client.Call("DescribeInstances", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  QueryClient with_path = Make({.endpoint = "https://example.com/ec2"});
  EXPECT_EQ(with_path.Call("DescribeInstances", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(http_.sent.empty());
}

TEST(EndpointForRegion, FollowsTheRegionAndPartition) {
  EXPECT_EQ(EndpointForRegion("eu-central-1"),
            "https://ec2.eu-central-1.amazonaws.com/");
  EXPECT_EQ(EndpointForRegion("cn-north-1"),
            "https://ec2.cn-north-1.amazonaws.com.cn/");
}

}  // namespace
}  // namespace spotburst::ec2
