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
//   3. the instance metadata service (IMDSv2) of the EC2 instance this runs
//      on: the credentials of the instance's IAM role, cached until less
//      than 15 minutes remain before they expire. AWS_EC2_METADATA_DISABLED
//      =true turns it off; AWS_EC2_METADATA_SERVICE_ENDPOINT replaces
//      http://169.254.169.254; AWS_METADATA_SERVICE_TIMEOUT (seconds,
//      default 1) bounds each of its calls. Its answers are plain HTTP: with
//      an HTTP proxy in the environment, add 169.254.169.254 to no_proxy.
//
//   std::unique_ptr<http::HttpClient> http = http::NewCurlHttpClient({});
//   CredentialsChain chain = DefaultCredentialsChain(ProcessEnvironment(),
//                                                    *http);
//   SPOTBURST_ASSIGN_OR_RETURN(AwsCredentials credentials,
//                              chain.Get(absl::Now()));
//   ... and after an AuthFailure, chain.Invalidate() before the next Get.
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
#include "spotburst/http/http_client.h"

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
  // Forgets credentials kept from an earlier Get, so that the next one asks
  // the source again: for when the service refused them (AuthFailure).
  virtual void Invalidate() {}
};

// Reads the environment or the file again at every Get.
std::unique_ptr<CredentialsProvider> EnvironmentProvider(Environment env);
std::unique_ptr<CredentialsProvider> SharedFileProvider(Environment env);

// The instance role's credentials from the instance metadata service, over
// `http`, which must outlive the provider. Configured from `env` (see the
// top of this file). NotFound when disabled, when no service answers at the
// endpoint, or when the instance has no role; other errors name the path
// and the HTTP status, never a credential or the body. Keeps the
// credentials until less than 15 minutes remain (a failed refresh keeps
// them while more than 10 remain) and its session token for its 6 hours;
// a 401 gets a new token once.
std::unique_ptr<CredentialsProvider> InstanceMetadataProvider(
    const Environment& env, http::HttpClient& http);

// Tries providers in order; the first that has credentials wins. An error
// other than NotFound stops the search: credentials that are set but broken
// are not silently replaced by the next source's.
class CredentialsChain final : public CredentialsProvider {
 public:
  explicit CredentialsChain(
      std::vector<std::unique_ptr<CredentialsProvider>> providers);
  // NotFound with every place looked at when none has credentials.
  absl::StatusOr<AwsCredentials> Get(absl::Time now) override;
  // Every provider forgets what it kept.
  void Invalidate() override;

 private:
  std::vector<std::unique_ptr<CredentialsProvider>> providers_;
};

// The environment, then the shared credentials file, then the instance
// metadata service over `http`, which must outlive the chain.
CredentialsChain DefaultCredentialsChain(const Environment& env,
                                         http::HttpClient& http);

}  // namespace spotburst::ec2

#endif  // SPOTBURST_EC2_CREDENTIALS_H_
