// Credentials from the environment, the providers and the chain. The
// shared credentials file is read in shared_credentials_file.cc, the
// instance metadata service in imds_credentials.cc.
#include "spotburst/ec2/credentials.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "credential_value.h"
#include "spotburst/internal/csv_fields.h"

extern char** environ;

namespace spotburst::ec2 {
namespace {

constexpr char kAccessKeyId[] = "AWS_ACCESS_KEY_ID";
constexpr char kSecretAccessKey[] = "AWS_SECRET_ACCESS_KEY";
constexpr char kSessionToken[] = "AWS_SESSION_TOKEN";
constexpr char kSecurityToken[] = "AWS_SECURITY_TOKEN";  // the older name
constexpr char kExpiration[] = "AWS_CREDENTIAL_EXPIRATION";

// Debian's abseil has its own string_view, not std::string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

// An unset variable and an empty one mean the same, as for botocore.
std::string_view Lookup(const Environment& env, std::string_view name) {
  const auto it = env.find(name);
  return it == env.end() ? std::string_view() : std::string_view(it->second);
}

absl::Status EnvError(std::string_view variable, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("environment: ", Sv(variable), ": ", Sv(problem)));
}

absl::StatusOr<AwsCredentials> Unexpired(
    absl::StatusOr<AwsCredentials> credentials, absl::Time now) {
  if (credentials.ok() && credentials->expiration <= now) {
    return absl::FailedPreconditionError(absl::StrCat(
        "credentials from ", credentials->source, " expired at ",
        absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", credentials->expiration,
                         absl::UTCTimeZone())));
  }
  return credentials;
}

class EnvironmentSource final : public CredentialsProvider {
 public:
  explicit EnvironmentSource(Environment env) : env_(std::move(env)) {}
  absl::StatusOr<AwsCredentials> Get(absl::Time now) override {
    return Unexpired(CredentialsFromEnvironment(env_), now);
  }

 private:
  const Environment env_;
};

class SharedFileSource final : public CredentialsProvider {
 public:
  explicit SharedFileSource(Environment env) : env_(std::move(env)) {}
  absl::StatusOr<AwsCredentials> Get(absl::Time now) override {
    return Unexpired(CredentialsFromSharedFile(env_), now);
  }

 private:
  const Environment env_;
};

}  // namespace

Environment ProcessEnvironment() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(text.substr(0, eq), text.substr(eq + 1));
  }
  return env;
}

absl::StatusOr<AwsCredentials> CredentialsFromEnvironment(
    const Environment& env) {
  const std::string_view key_id = Lookup(env, kAccessKeyId);
  const std::string_view secret = Lookup(env, kSecretAccessKey);
  if (key_id.empty() && secret.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "environment: ", kAccessKeyId, " and ", kSecretAccessKey, " not set"));
  }
  if (secret.empty()) {
    return EnvError(kSecretAccessKey,
                    absl::StrCat("not set, but ", kAccessKeyId, " is"));
  }
  if (key_id.empty()) {
    return EnvError(kAccessKeyId,
                    absl::StrCat("not set, but ", kSecretAccessKey, " is"));
  }
  AwsCredentials credentials{.access_key_id = std::string(key_id),
                             .secret_access_key = std::string(secret),
                             .source = "environment"};
  std::string_view token_variable = kSessionToken;
  std::string_view token = Lookup(env, kSessionToken);
  if (token.empty()) {
    token_variable = kSecurityToken;
    token = Lookup(env, kSecurityToken);
  }
  const struct {
    std::string_view variable;
    CredentialPart part;
    std::string_view value;
  } parts[] = {{kAccessKeyId, CredentialPart::kAccessKeyId, key_id},
               {kSecretAccessKey, CredentialPart::kSecretAccessKey, secret},
               {token_variable, CredentialPart::kSessionToken, token}};
  for (const auto& [variable, part, value] : parts) {
    if (part == CredentialPart::kSessionToken && value.empty()) continue;
    if (std::string problem = CredentialValueProblem(part, value);
        !problem.empty()) {
      return EnvError(variable, problem);
    }
  }
  credentials.session_token = std::string(token);
  if (const std::string_view expiration = Lookup(env, kExpiration);
      !expiration.empty() &&
      !internal::ParseUtcTimestamp(expiration, &credentials.expiration)) {
    return EnvError(kExpiration,
                    "not an RFC 3339 time such as 2024-05-02T15:21:07Z");
  }
  return credentials;
}

std::unique_ptr<CredentialsProvider> EnvironmentProvider(Environment env) {
  return std::make_unique<EnvironmentSource>(std::move(env));
}

std::unique_ptr<CredentialsProvider> SharedFileProvider(Environment env) {
  return std::make_unique<SharedFileSource>(std::move(env));
}

CredentialsChain::CredentialsChain(
    std::vector<std::unique_ptr<CredentialsProvider>> providers)
    : providers_(std::move(providers)) {}

absl::StatusOr<AwsCredentials> CredentialsChain::Get(absl::Time now) {
  std::vector<std::string> looked;
  for (const auto& provider : providers_) {
    absl::StatusOr<AwsCredentials> credentials = provider->Get(now);
    if (!absl::IsNotFound(credentials.status())) return credentials;
    looked.push_back(std::string(credentials.status().message()));
  }
  return absl::NotFoundError(absl::StrCat(
      "no AWS credentials found; looked in ", absl::StrJoin(looked, "; ")));
}

void CredentialsChain::Invalidate() {
  for (const auto& provider : providers_) provider->Invalidate();
}

CredentialsChain DefaultCredentialsChain(const Environment& env,
                                         http::HttpClient& http) {
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(EnvironmentProvider(env));
  providers.push_back(SharedFileProvider(env));
  providers.push_back(InstanceMetadataProvider(env, http));
  return CredentialsChain(std::move(providers));
}

}  // namespace spotburst::ec2
