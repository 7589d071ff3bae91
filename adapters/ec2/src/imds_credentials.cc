// Instance-role credentials from the EC2 instance metadata service, IMDSv2:
// PUT a session token, then GET the role's name and its credentials with
// that token. No IMDSv1 fallback: a service that issues no token gives no
// credentials.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "credential_value.h"
#include "nlohmann/json.hpp"
#include "spotburst/ec2/credentials.h"
#include "spotburst/http/http_client.h"
#include "spotburst/internal/csv_fields.h"

namespace spotburst::ec2 {
namespace {

constexpr char kDisabledVariable[] = "AWS_EC2_METADATA_DISABLED";
constexpr char kEndpointVariable[] = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
constexpr char kTimeoutVariable[] = "AWS_METADATA_SERVICE_TIMEOUT";
constexpr char kDefaultEndpoint[] = "http://169.254.169.254";

constexpr char kTokenPath[] = "/latest/api/token";
constexpr char kRolePath[] = "/latest/meta-data/iam/security-credentials/";
constexpr char kTokenTtlHeader[] = "X-aws-ec2-metadata-token-ttl-seconds";
constexpr char kTokenHeader[] = "X-aws-ec2-metadata-token";
constexpr int64_t kTokenTtlSeconds = 21600;  // the most IMDS grants
// A token is not used in its last minute, so that it cannot lapse in flight.
constexpr absl::Duration kTokenMargin = absl::Minutes(1);
// botocore's windows: refresh when less than 15 minutes remain; while more
// than 10 remain, a failed refresh keeps the credentials held.
constexpr absl::Duration kRefreshBefore = absl::Minutes(15);
constexpr absl::Duration kRequiredBefore = absl::Minutes(10);
// A credentials document is well under a kilobyte.
constexpr size_t kMaxDocumentBytes = 64 << 10;

// Debian's abseil has its own string_view, not std::string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

std::string_view Lookup(const Environment& env, std::string_view name) {
  const auto it = env.find(name);
  return it == env.end() ? std::string_view() : std::string_view(it->second);
}

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// Printable ASCII without spaces: what a token, a header value, may be.
bool IsPrintableWord(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c > ' ' && c < 0x7f; });
}

// IAM role names: 1 to 64 of letters, digits and +=,.@_-.
bool IsRoleName(std::string_view s) {
  return !s.empty() && s.size() <= 64 &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                  std::string_view("+=,.@_-").find(c) != std::string_view::npos;
         });
}

absl::Status StatusForHttp(int status, std::string message) {
  if (status == 401 || status == 403) {
    return absl::PermissionDeniedError(message);
  }
  if (status == 404) return absl::NotFoundError(message);
  if (status == 429 || status >= 500) return absl::UnavailableError(message);
  return absl::UnknownError(message);
}

class ImdsProvider final : public CredentialsProvider {
 public:
  ImdsProvider(const Environment& env, http::HttpClient& http) : http_(http) {
    disabled_ =
        absl::EqualsIgnoreCase(Sv(Lookup(env, kDisabledVariable)), "true");
    if (const std::string_view endpoint = Lookup(env, kEndpointVariable);
        !endpoint.empty()) {
      endpoint_ = std::string(endpoint);
      while (endpoint_.ends_with('/')) endpoint_.pop_back();
      if (!(endpoint_.starts_with("http://") ||
            endpoint_.starts_with("https://")) ||
          endpoint_.size() > 256 || !IsPrintableWord(endpoint_)) {
        config_ = absl::InvalidArgumentError(
            absl::StrCat("environment: ", kEndpointVariable,
                         ": not an http:// or https:// URL of at most 256 "
                         "characters"));
      }
    }
    if (const std::string_view timeout = Lookup(env, kTimeoutVariable);
        !timeout.empty()) {
      double seconds = 0;
      if (!absl::SimpleAtod(Sv(timeout), &seconds) || !(seconds > 0) ||
          seconds > 3600) {
        config_ = absl::InvalidArgumentError(
            absl::StrCat("environment: ", kTimeoutVariable,
                         ": not a number of seconds in (0, 3600]"));
      } else {
        timeout_ = absl::Seconds(seconds);
      }
    }
  }

  absl::StatusOr<AwsCredentials> Get(absl::Time now) override {
    if (disabled_) {
      return absl::NotFoundError(absl::StrCat(
          "instance metadata service: disabled by ", kDisabledVariable));
    }
    if (!config_.ok()) return config_;
    absl::MutexLock lock(&mu_);
    if (held_ && now < held_->expiration - kRefreshBefore) return *held_;
    absl::StatusOr<AwsCredentials> fresh = Fetch(now);
    if (fresh.ok() && fresh->expiration <= now) {
      fresh = absl::FailedPreconditionError(
          absl::StrCat("credentials from ", fresh->source, " expired at ",
                       FormatUtc(fresh->expiration)));
    }
    if (fresh.ok()) {
      held_ = *fresh;
      return fresh;
    }
    if (held_ && now < held_->expiration - kRequiredBefore) return *held_;
    return fresh.status();
  }

  void Invalidate() override {
    absl::MutexLock lock(&mu_);
    held_.reset();
  }

 private:
  std::string Where() const {
    return absl::StrCat("instance metadata service at ", endpoint_);
  }

  absl::StatusOr<AwsCredentials> Fetch(absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    absl::StatusOr<std::string> role_list = MetadataGet(kRolePath, now);
    if (!role_list.ok()) return role_list.status();
    // One role per instance; the first line names it.
    std::string_view role(*role_list);
    role = role.substr(0, role.find('\n'));
    if (role.ends_with('\r')) role.remove_suffix(1);
    if (!IsRoleName(role)) {
      return absl::UnknownError(absl::StrCat(Where(), ": GET ", kRolePath,
                                             ": HTTP 200 but not a role name"));
    }
    const std::string role_path = absl::StrCat(kRolePath, Sv(role));
    absl::StatusOr<std::string> document = MetadataGet(role_path, now);
    if (!document.ok()) return document.status();
    return ParseDocument(*document, role_path, role);
  }

  // The session token, from the last PUT while it lasts.
  absl::StatusOr<std::string> Token(absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!token_.empty() && now < token_expiry_ - kTokenMargin) return token_;
    token_.clear();
    absl::StatusOr<http::HttpResponse> response = http_.Send(
        {.method = "PUT",
         .url = absl::StrCat(endpoint_, kTokenPath),
         .headers = {{kTokenTtlHeader, absl::StrCat(kTokenTtlSeconds)}},
         .timeout = timeout_});
    if (!response.ok()) {
      // Nothing answers there: this is no EC2 instance (or IMDS is off).
      if (absl::IsUnavailable(response.status()) ||
          absl::IsDeadlineExceeded(response.status())) {
        return absl::NotFoundError(
            absl::StrCat("no instance metadata service at ", endpoint_, " (",
                         response.status().message(), ")"));
      }
      return response.status();
    }
    const std::string what = absl::StrCat(Where(), ": PUT ", kTokenPath,
                                          ": HTTP ", response->status);
    if (response->status != 200) {
      return StatusForHttp(response->status,
                           absl::StrCat(what, " (no IMDSv2 session token)"));
    }
    if (response->body.empty() || response->body.size() > 4096 ||
        !IsPrintableWord(response->body)) {
      return absl::UnknownError(
          absl::StrCat(what,
                       " but the token is not printable ASCII of 1 to "
                       "4096 characters"));
    }
    token_ = std::move(response->body);
    token_expiry_ = now + absl::Seconds(kTokenTtlSeconds);
    return token_;
  }

  // The body of a 200 answer to GET `path`. A 401 means the token lapsed
  // or was revoked: one new token, one more try.
  absl::StatusOr<std::string> MetadataGet(const std::string& path,
                                          absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (int attempt = 0;; ++attempt) {
      absl::StatusOr<std::string> token = Token(now);
      if (!token.ok()) return token.status();
      absl::StatusOr<http::HttpResponse> response =
          http_.Send({.method = "GET",
                      .url = absl::StrCat(endpoint_, path),
                      .headers = {{kTokenHeader, *token}},
                      .timeout = timeout_});
      if (!response.ok()) {
        return absl::Status(response.status().code(),
                            absl::StrCat(Where(), ": GET ", path, ": ",
                                         response.status().message()));
      }
      if (response->status == 200) return std::move(response->body);
      if (response->status == 401 && attempt == 0) {
        token_.clear();
        continue;
      }
      std::string message =
          absl::StrCat(Where(), ": GET ", path, ": HTTP ", response->status);
      if (response->status == 404 && path == kRolePath) {
        absl::StrAppend(&message, " (the instance has no IAM role)");
      }
      return StatusForHttp(response->status, std::move(message));
    }
  }

  // The role's JSON document; errors name the field, never a value.
  absl::StatusOr<AwsCredentials> ParseDocument(const std::string& body,
                                               const std::string& path,
                                               std::string_view role) {
    const std::string what =
        absl::StrCat(Where(), ": GET ", path, ": HTTP 200 but ");
    if (body.size() > kMaxDocumentBytes) {
      return absl::UnknownError(absl::StrCat(what, "the body is ", body.size(),
                                             " bytes, more than ",
                                             kMaxDocumentBytes));
    }
    const nlohmann::json doc =
        nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) {
      return absl::UnknownError(absl::StrCat(
          what, "the body is not a JSON object (", body.size(), " bytes)"));
    }
    if (const auto code = doc.find("Code");
        code != doc.end() &&
        !(code->is_string() && code->get<std::string>() == "Success")) {
      return absl::UnavailableError(
          absl::StrCat(what, "its Code is not Success"));
    }
    const auto field = [&](const char* name) -> const std::string* {
      const auto it = doc.find(name);
      return it != doc.end() && it->is_string()
                 ? it->get_ptr<const std::string*>()
                 : nullptr;
    };
    AwsCredentials credentials{.source =
                                   absl::StrCat("instance metadata service ",
                                                endpoint_, " role ", Sv(role))};
    const struct {
      const char* name;
      CredentialPart part;
      std::string* out;
    } parts[] = {
        {"AccessKeyId", CredentialPart::kAccessKeyId,
         &credentials.access_key_id},
        {"SecretAccessKey", CredentialPart::kSecretAccessKey,
         &credentials.secret_access_key},
        {"Token", CredentialPart::kSessionToken, &credentials.session_token}};
    for (const auto& [name, part, out] : parts) {
      const std::string* value = field(name);
      if (value == nullptr) {
        return absl::UnknownError(
            absl::StrCat(what, name, " is missing or not a string"));
      }
      if (std::string problem = CredentialValueProblem(part, *value);
          !problem.empty()) {
        return absl::UnknownError(absl::StrCat(what, name, ": ", problem));
      }
      *out = *value;
    }
    const std::string* expiration = field("Expiration");
    if (expiration == nullptr ||
        !internal::ParseUtcTimestamp(*expiration, &credentials.expiration)) {
      return absl::UnknownError(
          absl::StrCat(what,
                       "Expiration is not an RFC 3339 time such as "
                       "2024-05-02T15:21:07Z"));
    }
    return credentials;
  }

  http::HttpClient& http_;
  bool disabled_ = false;
  std::string endpoint_ = kDefaultEndpoint;
  absl::Duration timeout_ = absl::Seconds(1);
  absl::Status config_;  // a bad variable, reported at every Get

  absl::Mutex mu_;
  std::optional<AwsCredentials> held_ ABSL_GUARDED_BY(mu_);
  std::string token_ ABSL_GUARDED_BY(mu_);  // empty: none
  absl::Time token_expiry_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<CredentialsProvider> InstanceMetadataProvider(
    const Environment& env, http::HttpClient& http) {
  return std::make_unique<ImdsProvider>(env, http);
}

}  // namespace spotburst::ec2
