// Static credentials: the environment, the shared credentials file and the
// chain over them. The environment is a value here; the process's own is
// never changed. Secrets are distinctive strings, and no error may hold one.
#include "spotburst/ec2/credentials.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/http/http_client.h"
#include "testing/status_matchers.h"

namespace spotburst::ec2 {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret[] = "SeCrEtQQ/never+shown0123456789abcdefghij";
constexpr char kToken[] = "ToKeNZZsessiontokenneveranywhere0123456789==";
constexpr char kFileSecret[] = "FiLeSeCrEtXX/also+never/shown0123456789ab";

// Fails the test when `status` holds any secret or a piece of one.
void ExpectNoSecret(const absl::Status& status) {
  for (const char* secret : {kSecret, kToken, kFileSecret}) {
    EXPECT_THAT(std::string(status.message()),
                Not(HasSubstr(std::string(secret).substr(0, 8))))
        << status;
  }
}

absl::Time At(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

// No instance metadata service: every call fails as a refused connection.
class NoServiceHttpClient final : public http::HttpClient {
 public:
  absl::StatusOr<http::HttpResponse> Send(const http::HttpRequest&) override {
    return absl::UnavailableError("connection refused");
  }
};

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = ::testing::TempDir() + "credentials_test_" +
            std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(home_);
    std::filesystem::create_directories(home_ + "/.aws");
    env_["HOME"] = home_;
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  // Writes ~/.aws/credentials.
  void WriteCredentials(const std::string& text) {
    std::ofstream(home_ + "/.aws/credentials", std::ios::binary) << text;
  }

  absl::StatusOr<AwsCredentials> FromFile() {
    absl::StatusOr<AwsCredentials> c = CredentialsFromSharedFile(env_);
    ExpectNoSecret(c.status());
    return c;
  }

  CredentialsChain Chain() { return DefaultCredentialsChain(env_, no_imds_); }

  std::string home_;
  Environment env_;
  NoServiceHttpClient no_imds_;
};

TEST_F(CredentialsTest, EnvironmentWithTokenAndExpiration) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT";
  env_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  env_["AWS_SESSION_TOKEN"] = kToken;
  env_["AWS_SECURITY_TOKEN"] = "OlderTokenLosesToTheNewName";
  env_["AWS_CREDENTIAL_EXPIRATION"] = "2024-05-02T15:21:07Z";
  absl::StatusOr<AwsCredentials> c = CredentialsFromEnvironment(env_);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIAENVIRONMENT");
  EXPECT_EQ(c->secret_access_key, kSecret);
  EXPECT_EQ(c->session_token, kToken);
  EXPECT_EQ(c->expiration, At(2024, 5, 2, 15, 21, 7));
  EXPECT_EQ(c->source, "environment");

  // Other RFC 3339 forms, and the older token name alone.
  env_.erase("AWS_SESSION_TOKEN");
  env_["AWS_CREDENTIAL_EXPIRATION"] = "2024-05-02T17:21:07.5+02:00";
  c = CredentialsFromEnvironment(env_);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->session_token, "OlderTokenLosesToTheNewName");
  EXPECT_EQ(c->expiration, At(2024, 5, 2, 15, 21, 7) + absl::Milliseconds(500));
}

TEST_F(CredentialsTest, EnvironmentLongTermKeysNeverExpire) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT";
  env_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  env_["AWS_SESSION_TOKEN"] = "";  // empty is unset
  absl::StatusOr<AwsCredentials> c = CredentialsFromEnvironment(env_);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->session_token, "");
  EXPECT_EQ(c->expiration, absl::InfiniteFuture());
}

TEST_F(CredentialsTest, EnvironmentErrorsNameTheVariable) {
  EXPECT_THAT(CredentialsFromEnvironment(env_),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("environment: AWS_ACCESS_KEY_ID and "
                                 "AWS_SECRET_ACCESS_KEY not set")));
  env_["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT";
  EXPECT_THAT(CredentialsFromEnvironment(env_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "environment: AWS_SECRET_ACCESS_KEY: not set, but "
                       "AWS_ACCESS_KEY_ID is"));
  env_["AWS_ACCESS_KEY_ID"] = "";
  env_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  absl::StatusOr<AwsCredentials> c = CredentialsFromEnvironment(env_);
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kInvalidArgument,
                          "environment: AWS_ACCESS_KEY_ID: not set, but "
                          "AWS_SECRET_ACCESS_KEY is"));
  ExpectNoSecret(c.status());

  env_["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT";
  env_["AWS_CREDENTIAL_EXPIRATION"] = "tomorrow " + std::string(kToken);
  c = CredentialsFromEnvironment(env_);
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("environment: AWS_CREDENTIAL_EXPIRATION: "
                                    "not an RFC 3339 time")));
  ExpectNoSecret(c.status());

  env_.erase("AWS_CREDENTIAL_EXPIRATION");
  env_["AWS_SECRET_ACCESS_KEY"] = std::string(kSecret) + " # pasted comment";
  c = CredentialsFromEnvironment(env_);
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kInvalidArgument,
                          "environment: AWS_SECRET_ACCESS_KEY: holds "
                          "whitespace"));
  ExpectNoSecret(c.status());
  env_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  env_["AWS_SECURITY_TOKEN"] = std::string(kToken) + "\n";
  c = CredentialsFromEnvironment(env_);
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("environment: AWS_SECURITY_TOKEN: holds "
                                    "control")));
  ExpectNoSecret(c.status());
}

TEST_F(CredentialsTest, FileDefaultProfileUnderHome) {
  WriteCredentials(
      "\xEF\xBB\xBF# written by aws configure\r\n"
      "[default]\r\n"
      "aws_access_key_id = AKIADEFAULT\r\n"
      "aws_secret_access_key = " +
      std::string(kFileSecret) +
      "\r\n"
      "region = us-east-1\r\n"
      "\r\n"
      "[burst]\r\n"
      "aws_access_key_id = AKIABURST\r\n");
  absl::StatusOr<AwsCredentials> c = FromFile();
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIADEFAULT");
  EXPECT_EQ(c->secret_access_key, kFileSecret);
  EXPECT_EQ(c->session_token, "");
  EXPECT_EQ(c->expiration, absl::InfiniteFuture());
  EXPECT_EQ(c->source,
            "shared credentials file ~/.aws/credentials profile default");
}

TEST_F(CredentialsTest, FileProfileChosenByTheEnvironment) {
  WriteCredentials(
      "[default]\n"
      "aws_access_key_id=AKIADEFAULT\n"
      "aws_secret_access_key=DefaultSecret\n"
      "[burst]\n"
      "  ; the spot account\n"
      "  AWS_Access_Key_ID :  AKIABURST  \n"
      "\taws_secret_access_key\t=\t" +
      std::string(kFileSecret) +
      "\n"
      "aws_session_token = " +
      kToken +
      "\n"
      "[ci]\n"
      "aws_access_key_id = AKIACI\n"
      "aws_secret_access_key = CiSecret\n"
      "aws_security_token = CiOlderToken\n");
  env_["AWS_PROFILE"] = "burst";
  absl::StatusOr<AwsCredentials> c = FromFile();
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIABURST");
  EXPECT_EQ(c->secret_access_key, kFileSecret);
  EXPECT_EQ(c->session_token, kToken);
  EXPECT_EQ(c->source,
            "shared credentials file ~/.aws/credentials profile burst");

  env_["AWS_DEFAULT_PROFILE"] = "ci";  // checked before AWS_PROFILE
  c = FromFile();
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIACI");
  EXPECT_EQ(c->session_token, "CiOlderToken");

  env_["AWS_DEFAULT_PROFILE"] = "nightly";
  EXPECT_THAT(FromFile(), StatusIs(absl::StatusCode::kNotFound,
                                   "~/.aws/credentials: no profile nightly"));
  env_["AWS_DEFAULT_PROFILE"] = std::string(5000, 'p');
  EXPECT_THAT(FromFile(), StatusIs(absl::StatusCode::kNotFound,
                                   HasSubstr("(4936 more bytes)")));
}

TEST_F(CredentialsTest, FileFromAwsSharedCredentialsFile) {
  const std::string path = home_ + "/elsewhere.ini";
  std::ofstream(path) << "[default]\naws_access_key_id = AKIAOTHER\n"
                         "aws_secret_access_key = OtherSecret\n";
  env_["AWS_SHARED_CREDENTIALS_FILE"] = path;
  absl::StatusOr<AwsCredentials> c = FromFile();
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIAOTHER");
  EXPECT_EQ(c->source, "shared credentials file " + path + " profile default");

  env_["AWS_SHARED_CREDENTIALS_FILE"] = "~/elsewhere.ini";
  c = FromFile();
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIAOTHER");

  env_["AWS_SHARED_CREDENTIALS_FILE"] = home_ + "/missing.ini";
  EXPECT_THAT(FromFile(), StatusIs(absl::StatusCode::kNotFound,
                                   home_ + "/missing.ini: no such file"));
  env_["AWS_SHARED_CREDENTIALS_FILE"] = home_;  // a directory
  EXPECT_THAT(FromFile(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                   HasSubstr("not a regular file")));
}

TEST_F(CredentialsTest, FileNotFound) {
  EXPECT_THAT(FromFile(), StatusIs(absl::StatusCode::kNotFound,
                                   "~/.aws/credentials: no such file"));
  env_.erase("HOME");
  EXPECT_THAT(FromFile(),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("neither AWS_SHARED_CREDENTIALS_FILE nor "
                                 "HOME is set")));
}

TEST_F(CredentialsTest, FileErrorsNameFileLineProfileAndKey) {
  env_["AWS_PROFILE"] = "burst";
  const std::string secret_line =
      "aws_secret_access_key = " + std::string(kFileSecret) + "\n";
  const struct {
    std::string text;
    std::string error;
  } cases[] = {
      {"[default]\n" + secret_line + "\n# spot\n\n\n[burst]\n" + secret_line,
       "~/.aws/credentials:7: profile burst: aws_access_key_id: missing"},
      {"[burst]\naws_access_key_id = AKIABURST\nregion = us-east-1\n",
       "~/.aws/credentials:1: profile burst: aws_secret_access_key: missing"},
      // A secret pasted on a line of its own: its number only.
      {"[burst]\naws_access_key_id = AKIABURST\n" + std::string(kFileSecret) +
           "\n",
       "~/.aws/credentials:3: malformed line: neither [profile] nor key = "
       "value"},
      {"[burst\n",
       "~/.aws/credentials:1: malformed line: a section must be "
       "[name]"},
      {"[]\n", "~/.aws/credentials:1: empty profile name"},
      {"[burst]\n = " + std::string(kFileSecret) + "\n",
       "~/.aws/credentials:2: malformed line: no key before '='"},
      {secret_line,
       "~/.aws/credentials:1: key = value before the first "
       "[profile]"},
      {"[burst]\naws_access_key_id = AKIABURST\n" + secret_line +
           "aws_secret_access_key = Another\n",
       "~/.aws/credentials:4: profile burst: aws_secret_access_key: given "
       "again (first on line 3)"},
      {"[burst]\naws_access_key_id = AKIABURST\n" + secret_line + "[burst]\n",
       "~/.aws/credentials:4: profile burst: given again (first on line 1)"},
      // configparser would keep "; rotated" in the value.
      {"[burst]\naws_access_key_id = AKIABURST\naws_secret_access_key = " +
           std::string(kFileSecret) + " ; rotated\n",
       "~/.aws/credentials:3: profile burst: aws_secret_access_key: holds "
       "whitespace (comments go on lines of their own)"},
      {"[burst]\naws_access_key_id = AKIA-BURST\n" + secret_line,
       "~/.aws/credentials:2: profile burst: aws_access_key_id: holds "
       "characters other than letters and digits"},
      {"[burst]\naws_access_key_id =\n" + secret_line,
       "~/.aws/credentials:2: profile burst: aws_access_key_id: empty"},
      {"[burst]\naws_access_key_id = AKIABURST\n" + secret_line +
           "aws_session_token = \"" + kToken + "\x7f\"\n",
       "~/.aws/credentials:4: profile burst: aws_session_token: holds control "
       "or non-ASCII characters"},
  };
  for (const auto& [text, error] : cases) {
    SCOPED_TRACE(error);
    WriteCredentials(text);
    EXPECT_THAT(FromFile(),
                StatusIs(absl::StatusCode::kInvalidArgument, error));
  }
}

TEST_F(CredentialsTest, PrintsOnlyTheKeyIdAndSource) {
  const AwsCredentials c{.access_key_id = "AKIAPRINT",
                         .secret_access_key = kSecret,
                         .session_token = kToken,
                         .source = "environment"};
  std::ostringstream streamed;
  streamed << c;
  EXPECT_EQ(streamed.str(), "AKIAPRINT from environment");
  EXPECT_EQ(absl::StrFormat("%s", c), "AKIAPRINT from environment");
  EXPECT_EQ(::testing::PrintToString(c), "AKIAPRINT from environment");
}

TEST_F(CredentialsTest, ChainTakesTheFirstSourceThatHasCredentials) {
  WriteCredentials(
      "[default]\naws_access_key_id = AKIAFILE\n"
      "aws_secret_access_key = " +
      std::string(kFileSecret) + "\n");
  const absl::Time now = At(2024, 5, 2, 15, 0, 0);
  absl::StatusOr<AwsCredentials> c = Chain().Get(now);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIAFILE");

  env_["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT";
  env_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  c = Chain().Get(now);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIAENVIRONMENT");

  // Set but broken stops the search: no silent switch of account.
  env_.erase("AWS_SECRET_ACCESS_KEY");
  c = Chain().Get(now);
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("AWS_SECRET_ACCESS_KEY: not set")));

  env_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  env_["AWS_SESSION_TOKEN"] = kToken;
  env_["AWS_CREDENTIAL_EXPIRATION"] = "2024-05-02T14:59:59Z";
  c = Chain().Get(now);
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kFailedPrecondition,
                          "credentials from environment expired at "
                          "2024-05-02T14:59:59Z"));
  ExpectNoSecret(c.status());
  env_["AWS_CREDENTIAL_EXPIRATION"] = "2024-05-02T15:00:01Z";
  EXPECT_THAT(Chain().Get(now), IsOk());
}

TEST_F(CredentialsTest, ChainNotFoundListsEveryPlace) {
  absl::StatusOr<AwsCredentials> c = Chain().Get(absl::Now());
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kNotFound,
                          "no AWS credentials found; looked in environment: "
                          "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not "
                          "set; ~/.aws/credentials: no such file; no "
                          "instance metadata service at "
                          "http://169.254.169.254 (connection refused)"));
  WriteCredentials(
      "[default]\naws_access_key_id = AKIAFILE\n"
      "aws_secret_access_key = FileSecret\n");
  env_["AWS_PROFILE"] = "burst";
  EXPECT_THAT(Chain().Get(absl::Now()),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("; ~/.aws/credentials: no profile burst")));
}

TEST_F(CredentialsTest, ProcessEnvironmentIsTheProcesssOwn) {
  const char* path = std::getenv("PATH");
  ASSERT_NE(path, nullptr);
  const Environment env = ProcessEnvironment();
  ASSERT_TRUE(env.contains("PATH"));
  EXPECT_EQ(env.at("PATH"), path);
}

}  // namespace
}  // namespace spotburst::ec2
