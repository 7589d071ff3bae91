// AWS credentials for the EC2 adapter, and where they come from.
//
// Static sources, in the order the default chain tries them (botocore's):
//   1. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional
//      AWS_SESSION_TOKEN (or the older AWS_SECURITY_TOKEN) and
//      AWS_CREDENTIAL_EXPIRATION (RFC 3339, e.g. 2024-05-02T15:21:07Z);
//   2. the shared credentials file: AWS_SHARED_CREDENTIALS_FILE, else
//      $HOME/.aws/credentials; profile AWS_DEFAULT_PROFILE, else
//      AWS_PROFILE, else "default":
//        [burst]
//        aws_access_key_id = AKIA...
//        aws_secret_access_key = ...
//        aws_session_token = ...   (optional; aws_security_token also read)
// Instance-role credentials (IMDS) will be one more CredentialsProvider.
//
//   CredentialsChain chain = DefaultCredentialsChain(ProcessEnvironment());
//   SPOTBURST_ASSIGN_OR_RETURN(AwsCredentials credentials,
//                              chain.Get(absl::Now()));
//
// Secrets stay out of every message: AwsCredentials prints as its access key
// id and source only, and errors name the variable, file, line and key but
// never a value or a line of the file.
#ifndef SPOTBURST_EC2_CREDENTIALS_H_
#define SPOTBURST_EC2_CREDENTIALS_H_

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace spotburst::ec2 {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  // When temporary credentials stop working; InfiniteFuture for static keys.
  absl::Time expiration = absl::InfiniteFuture();
  // Where they came from: "environment",
  // "shared credentials file ~/.aws/credentials profile burst".
  std::string source;

  // "AKIDEXAMPLE from environment", never the secret or the token, for
  // absl::StrFormat("%s", ...) (Debian's abseil 20220623 predates
  // AbslStringify) and for streams, gtest's printer included.
  friend absl::FormatConvertResult<absl::FormatConversionCharSet::kString>
  AbslFormatConvert(const AwsCredentials& c, const absl::FormatConversionSpec&,
                    absl::FormatSink* sink) {
    sink->Append(c.access_key_id);
    sink->Append(" from ");
    sink->Append(c.source);
    return {true};
  }
  friend std::ostream& operator<<(std::ostream& os, const AwsCredentials& c) {
    return os << c.access_key_id << " from " << c.source;
  }
};

// Environment variables by name, passed in so that tests and embedders
// decide what the process environment would say.
using Environment = std::map<std::string, std::string, std::less<>>;

// The process's environment, read now.
Environment ProcessEnvironment();

// From AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (an empty variable
// counts as unset). NotFound when neither is set; InvalidArgument naming
// the variable when only one is, or when AWS_CREDENTIAL_EXPIRATION is not
// an RFC 3339 time.
absl::StatusOr<AwsCredentials> CredentialsFromEnvironment(
    const Environment& env);

// From the profile of the shared credentials file that `env` selects.
// NotFound when the file or the profile does not exist (naming them);
// InvalidArgument "<file>:<line>: ..." for a malformed line, a key or
// profile given twice, or a profile without a key id or secret.
absl::StatusOr<AwsCredentials> CredentialsFromSharedFile(
    const Environment& env);

// One source of credentials.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // NotFound when this source has none (a chain then tries the next);
  // FailedPrecondition when they expired by `now`; any other error means
  // the source is there but broken.
  virtual absl::StatusOr<AwsCredentials> Get(absl::Time now) = 0;
};

// Reads the environment or the file again at every Get.
std::unique_ptr<CredentialsProvider> EnvironmentProvider(Environment env);
std::unique_ptr<CredentialsProvider> SharedFileProvider(Environment env);

// Tries providers in order; the first that has credentials wins. An error
// other than NotFound stops the search: credentials that are set but broken
// are not silently replaced by the next source's.
class CredentialsChain final : public CredentialsProvider {
 public:
  explicit CredentialsChain(
      std::vector<std::unique_ptr<CredentialsProvider>> providers);
  // NotFound with every place looked at when none has credentials.
  absl::StatusOr<AwsCredentials> Get(absl::Time now) override;

 private:
  std::vector<std::unique_ptr<CredentialsProvider>> providers_;
};

// The environment, then the shared credentials file.
CredentialsChain DefaultCredentialsChain(const Environment& env);

}  // namespace spotburst::ec2

#endif  // SPOTBURST_EC2_CREDENTIALS_H_
