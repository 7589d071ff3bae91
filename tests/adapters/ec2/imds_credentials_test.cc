// Instance-role credentials from the instance metadata service, against a
// loopback server playing IMDSv2 (tests/testing/fake_http_server.py):
// token first, then the role and its credentials with the token; cached
// until 15 minutes before they expire; times come from Get(now) only.
// Secrets are distinctive strings, and no error may hold one.
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spotburst/ec2/credentials.h"
#include "spotburst/http/http_client.h"
#include "testing/fake_http_server.h"
#include "testing/status_matchers.h"

namespace spotburst::ec2 {
namespace {

using ::spotburst::testing::FakeHttpServer;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::RefusingPort;
using ::spotburst::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret[] = "ImDsSeCrEt/never+shown0123456789abcdefghij";
constexpr char kToken[] = "ImDsToKeNsessiontokenneveranywhere0123456789==";
constexpr char kRolePath[] = "/latest/meta-data/iam/security-credentials/";
constexpr char kRole[] = "burst-role";

absl::Time At(int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(2024, 5, 2, h, mi, s),
                         absl::UTCTimeZone());
}

nlohmann::json Document(const std::string& key_id,
                        const std::string& expiration) {
  return {{"Code", "Success"},          {"LastUpdated", "2024-05-02T09:00:00Z"},
          {"Type", "AWS-HMAC"},         {"AccessKeyId", key_id},
          {"SecretAccessKey", kSecret}, {"Token", kToken},
          {"Expiration", expiration}};
}

// Fails the test when `status` holds a secret or a piece of one.
void ExpectNoSecret(const absl::Status& status) {
  for (const char* secret : {kSecret, kToken}) {
    EXPECT_THAT(std::string(status.message()),
                Not(HasSubstr(std::string(secret).substr(0, 8))))
        << status;
  }
}

class ImdsCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* variable :
         {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
          "no_proxy", "NO_PROXY"}) {
      unsetenv(variable);
    }
    ASSERT_FALSE(server_.url().empty());
    env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = server_.url();
    Serve(Document("ASIAFIRST", "2024-05-02T15:00:00Z"));
  }

  void Serve(const nlohmann::json& document) {
    server_.Command({{"imds", {{"credentials", document}}}});
  }
  void Script(const nlohmann::json& imds) { server_.Command({{"imds", imds}}); }

  // The provider's answer at `now`, checked for secrets in its error.
  absl::StatusOr<AwsCredentials> Get(absl::Time now) {
    if (provider_ == nullptr)
      provider_ = InstanceMetadataProvider(env_, *http_);
    absl::StatusOr<AwsCredentials> c = provider_->Get(now);
    ExpectNoSecret(c.status());
    return c;
  }

  int TokenPuts() { return server_.Stats()["token_puts"]; }
  int Gets(const std::string& path) {
    const nlohmann::json gets = server_.Stats()["gets"];
    return gets.contains(path) ? gets[path].get<int>() : 0;
  }

  std::string Prefix() const {
    return "instance metadata service at " + server_.url() + ": ";
  }

  FakeHttpServer server_;
  Environment env_;
  std::unique_ptr<http::HttpClient> http_ = http::NewCurlHttpClient({});
  std::unique_ptr<CredentialsProvider> provider_;
};

TEST_F(ImdsCredentialsTest, TokenThenRoleThenCredentials) {
  absl::StatusOr<AwsCredentials> c = Get(At(12, 0));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "ASIAFIRST");
  EXPECT_EQ(c->secret_access_key, kSecret);
  EXPECT_EQ(c->session_token, kToken);
  EXPECT_EQ(c->expiration, At(15, 0));
  EXPECT_EQ(c->source,
            "instance metadata service " + server_.url() + " role burst-role");

  const nlohmann::json stats = server_.Stats();
  EXPECT_EQ(stats["token_puts"], 1);
  EXPECT_EQ(stats["last_ttl"], "21600");
  EXPECT_EQ(Gets(kRolePath), 1);
  EXPECT_EQ(Gets(std::string(kRolePath) + kRole), 1);
}

TEST_F(ImdsCredentialsTest, KeepsCredentialsUntil15MinutesBeforeExpiry) {
  ASSERT_THAT(Get(At(12, 0)), IsOk());
  Serve(Document("ASIASECOND", "2024-05-02T21:00:00Z"));

  // 15 min and 1 s before 15:00: still the first, and no call made.
  absl::StatusOr<AwsCredentials> c = Get(At(14, 44, 59));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "ASIAFIRST");
  EXPECT_EQ(Gets(std::string(kRolePath) + kRole), 1);

  c = Get(At(14, 45));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "ASIASECOND");
  EXPECT_EQ(Gets(std::string(kRolePath) + kRole), 2);
  // The session token of 12:00 was still good.
  EXPECT_EQ(TokenPuts(), 1);

  // At 20:45 the token of 12:00 (6 hours) has lapsed: a new one first.
  Serve(Document("ASIATHIRD", "2024-05-03T03:00:00Z"));
  c = Get(At(20, 45));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "ASIATHIRD");
  EXPECT_EQ(TokenPuts(), 2);
}

TEST_F(ImdsCredentialsTest,
       FailedRefreshKeepsCredentialsWhileMoreThan10MinLeft) {
  ASSERT_THAT(Get(At(12, 0)), IsOk());
  Script({{"credentials_status", 500}});
  absl::StatusOr<AwsCredentials> c = Get(At(14, 47));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "ASIAFIRST");
  EXPECT_EQ(Gets(std::string(kRolePath) + kRole), 2);  // it did try
  EXPECT_THAT(Get(At(14, 50)),
              StatusIs(absl::StatusCode::kUnavailable,
                       Prefix() + "GET " + kRolePath + kRole + ": HTTP 500"));
}

TEST_F(ImdsCredentialsTest, MetadataCallsNeedTheToken) {
  ASSERT_THAT(Get(At(12, 0)), IsOk());
  // The service forgets the token (as after its restart): the 401 gets a
  // new token and the call is made again.
  server_.Command({{"revoke_tokens", true}});
  provider_->Invalidate();
  ASSERT_THAT(Get(At(12, 5)), IsOk());
  EXPECT_EQ(TokenPuts(), 2);
  EXPECT_EQ(Gets(kRolePath), 3);  // 1, then 1 refused and 1 more

  // A service that refuses every token: one new token, then the error.
  Script({{"reject_tokens", true}});
  provider_->Invalidate();
  EXPECT_THAT(Get(At(12, 10)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       Prefix() + "GET " + kRolePath + ": HTTP 401"));
  EXPECT_EQ(TokenPuts(), 3);
  EXPECT_EQ(Gets(kRolePath), 5);
}

TEST_F(ImdsCredentialsTest, InvalidateFetchesAgain) {
  ASSERT_THAT(Get(At(12, 0)), IsOk());
  Serve(Document("ASIASECOND", "2024-05-02T21:00:00Z"));
  EXPECT_EQ(Get(At(12, 1))->access_key_id, "ASIAFIRST");
  provider_->Invalidate();
  EXPECT_EQ(Get(At(12, 2))->access_key_id, "ASIASECOND");
  EXPECT_EQ(TokenPuts(), 1);
}

TEST_F(ImdsCredentialsTest,
       DefaultChainEndsWithTheInstanceRoleAndForwardsInvalidate) {
  const std::string home =
      ::testing::TempDir() + "imds_home_" + std::to_string(getpid());
  std::filesystem::create_directories(home);
  env_["HOME"] = home;  // no ~/.aws/credentials
  CredentialsChain chain = DefaultCredentialsChain(env_, *http_);
  absl::StatusOr<AwsCredentials> c = chain.Get(At(12, 0));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "ASIAFIRST");
  Serve(Document("ASIASECOND", "2024-05-02T21:00:00Z"));
  EXPECT_EQ(chain.Get(At(12, 1))->access_key_id, "ASIAFIRST");
  chain.Invalidate();
  EXPECT_EQ(chain.Get(At(12, 2))->access_key_id, "ASIASECOND");
  std::filesystem::remove_all(home);
}

TEST_F(ImdsCredentialsTest, NoRoleIsNotFound) {
  Script({{"role", nullptr}});
  EXPECT_THAT(Get(At(12, 0)),
              StatusIs(absl::StatusCode::kNotFound,
                       Prefix() + "GET " + kRolePath +
                           ": HTTP 404 (the instance has no IAM role)"));
  Script({{"role", kRole}, {"credentials_status", 404}});
  EXPECT_THAT(Get(At(12, 0)),
              StatusIs(absl::StatusCode::kNotFound,
                       Prefix() + "GET " + kRolePath + kRole + ": HTTP 404"));
}

TEST_F(ImdsCredentialsTest, RefusedTokenIsAnErrorNamingThePut) {
  Script({{"token_status", 403}});
  EXPECT_THAT(Get(At(12, 0)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       Prefix() + "PUT /latest/api/token: HTTP 403 (no IMDSv2 "
                                  "session token)"));
  EXPECT_EQ(Gets(kRolePath), 0);  // no IMDSv1 fallback
}

TEST_F(ImdsCredentialsTest, DisabledAsksNothing) {
  env_["AWS_EC2_METADATA_DISABLED"] = "TRUE";
  EXPECT_THAT(Get(At(12, 0)), StatusIs(absl::StatusCode::kNotFound,
                                       "instance metadata service: disabled by "
                                       "AWS_EC2_METADATA_DISABLED"));
  EXPECT_EQ(TokenPuts(), 0);
}

TEST_F(ImdsCredentialsTest, NoServiceAtTheEndpointIsNotFound) {
  const RefusingPort port;
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = port.url() + "/";
  EXPECT_THAT(Get(At(12, 0)),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("no instance metadata service at " +
                                 port.url() + " (")));
}

TEST_F(ImdsCredentialsTest, ServiceThatNeverAnswersIsNotFoundAfterItsTimeout) {
  Script({{"hang", true}});
  env_["AWS_METADATA_SERVICE_TIMEOUT"] = "0.2";
  EXPECT_THAT(Get(At(12, 0)),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("no instance metadata service at " +
                                 server_.url() + " (")));
}

TEST_F(ImdsCredentialsTest, BadDocumentsAreErrorsWithoutTheirContent) {
  const std::string role = std::string(kRolePath) + kRole;
  const std::string what = Prefix() + "GET " + role + ": HTTP 200 but ";
  nlohmann::json no_token = Document("ASIAX", "2024-05-02T15:00:00Z");
  no_token.erase("Token");
  nlohmann::json numeric_secret = Document("ASIAX", "2024-05-02T15:00:00Z");
  numeric_secret["SecretAccessKey"] = 12345;
  nlohmann::json spaced_secret = Document("ASIAX", "2024-05-02T15:00:00Z");
  spaced_secret["SecretAccessKey"] = std::string(kSecret) + " more";
  nlohmann::json failed = Document("ASIAX", "2024-05-02T15:00:00Z");
  failed["Code"] = std::string("Failure ") + kSecret;
  const std::string truncated =
      Document("ASIAX", "2024-05-02T15:00:00Z").dump().substr(0, 120);
  const struct {
    nlohmann::json script;
    std::string error;
  } cases[] = {
      {{{"body", truncated}},
       what + "the body is not a JSON object (120 bytes)"},
      {{{"body", "[\"" + std::string(kSecret) + "\"]"}},
       what + "the body is not a JSON object (46 bytes)"},
      {{{"credentials", no_token}}, what + "Token is missing or not a string"},
      {{{"credentials", numeric_secret}},
       what + "SecretAccessKey is missing or not a string"},
      {{{"credentials", spaced_secret}},
       what + "SecretAccessKey: holds whitespace"},
      {{{"credentials", Document("ASIAX", "tomorrow")}},
       what + "Expiration is not an RFC 3339 time such as "
              "2024-05-02T15:21:07Z"},
  };
  for (const auto& [script, error] : cases) {
    SCOPED_TRACE(error);
    Script(script);
    EXPECT_THAT(Get(At(12, 0)), StatusIs(absl::StatusCode::kUnknown, error));
    Script({{"body", nullptr}});
  }
  // The service says it has none to give now.
  Script({{"credentials", failed}});
  EXPECT_THAT(Get(At(12, 0)), StatusIs(absl::StatusCode::kUnavailable,
                                       what + "its Code is not Success"));
  Script({{"role", "not a role\nsecond"}});
  EXPECT_THAT(Get(At(12, 0)), StatusIs(absl::StatusCode::kUnknown,
                                       Prefix() + "GET " + kRolePath +
                                           ": HTTP 200 but not a role name"));
}

TEST_F(ImdsCredentialsTest, ExpiredCredentialsAreRefused) {
  Serve(Document("ASIAOLD", "2024-05-02T11:00:00Z"));
  EXPECT_THAT(
      Get(At(12, 0)),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               "credentials from instance metadata service " + server_.url() +
                   " role burst-role expired at 2024-05-02T11:00:00Z"));
}

TEST_F(ImdsCredentialsTest, BadSettingsNameTheirVariable) {
  env_["AWS_METADATA_SERVICE_TIMEOUT"] = "soon";
  EXPECT_THAT(Get(At(12, 0)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "environment: AWS_METADATA_SERVICE_TIMEOUT: not a "
                       "number of seconds in (0, 3600]"));
  env_.erase("AWS_METADATA_SERVICE_TIMEOUT");
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "169.254.169.254";
  provider_.reset();
  EXPECT_THAT(Get(At(12, 0)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("AWS_EC2_METADATA_SERVICE_ENDPOINT: not an "
                                 "http:// or https:// URL")));
  EXPECT_EQ(TokenPuts(), 0);
}

}  // namespace
}  // namespace spotburst::ec2
