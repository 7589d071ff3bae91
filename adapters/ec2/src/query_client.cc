// Signing, sending and retrying EC2 Query API calls.
#include "query_client.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ec2_error.h"
#include "spotburst/launch_failure.h"

namespace spotburst::ec2 {
namespace {

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

// Splits "scheme://host[:port]/..." into the URL to post to and the Host
// header; the port stays only when it is not the scheme's default.
absl::Status ParseEndpoint(const std::string& endpoint, std::string& url,
                           std::string& host) {
  std::string_view rest = endpoint;
  std::string_view scheme;
  for (std::string_view s : {"https://", "http://"}) {
    if (rest.substr(0, s.size()) == s) {
      scheme = s;
      rest.remove_prefix(s.size());
    }
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (scheme.empty() || authority.empty() ||
      authority.find_first_of("@?# ") != std::string_view::npos ||
      (slash != std::string_view::npos && rest.substr(slash) != "/")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "EC2 endpoint \"", Sv(endpoint.substr(0, 100)),
        "\": must be http(s)://host[:port]/ (the Query API's path is /)"));
  }
  const std::string_view default_port = scheme == "https://" ? ":443" : ":80";
  if (authority.size() > default_port.size() &&
      authority.substr(authority.size() - default_port.size()) ==
          default_port) {
    authority.remove_suffix(default_port.size());
  }
  host = std::string(authority);
  url = absl::StrCat(Sv(scheme), Sv(rest.substr(0, slash)), "/");
  return absl::OkStatus();
}

}  // namespace

std::string EndpointForRegion(std::string_view region) {
  const bool china = region.substr(0, 3) == "cn-";
  return absl::StrCat("https://ec2.", Sv(region), ".amazonaws.com",
                      china ? ".cn" : "", "/");
}

struct QueryClient::Attempt {
  absl::StatusOr<std::unique_ptr<pugi::xml_document>> result;
  Retry retry = Retry::kNo;
};

QueryClient::QueryClient(http::HttpClient& http,
                         CredentialsProvider& credentials, Clock& clock,
                         QueryClientOptions options)
    : http_(http),
      credentials_(credentials),
      clock_(clock),
      options_(std::move(options)),
      signer_(options_.region, "ec2"),
      jitter_(options_.jitter_seed) {
  endpoint_error_ = ParseEndpoint(options_.endpoint.empty()
                                      ? EndpointForRegion(options_.region)
                                      : options_.endpoint,
                                  url_, host_);
}

int64_t QueryClient::attempts() const {
  absl::MutexLock lock(&mu_);
  return attempts_;
}

int64_t QueryClient::retries() const {
  absl::MutexLock lock(&mu_);
  return retries_;
}

absl::Duration QueryClient::Backoff(int retry) {
  absl::Duration ceiling = options_.backoff_base;
  for (int i = 1; i < retry && ceiling < options_.backoff_cap; ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, options_.backoff_cap);
  absl::MutexLock lock(&mu_);
  std::uniform_real_distribution<double> fraction(0.0, 1.0);
  return ceiling * fraction(jitter_);
}

QueryClient::Attempt QueryClient::Try(std::string_view action,
                                      const std::string& body) {
  {
    absl::MutexLock lock(&mu_);
    ++attempts_;
  }
  const absl::Time now = clock_.Now();
  absl::StatusOr<AwsCredentials> credentials = credentials_.Get(now);
  if (!credentials.ok()) {
    return {.result = WithFailureCause(
                absl::Status(credentials.status().code(),
                             absl::StrCat("EC2 ", Sv(action), ": credentials: ",
                                          credentials.status().message())),
                FailureCause::kAuth)};
  }
  HttpRequestToSign to_sign{.method = "POST",
                            .host = host_,
                            .path = "/",
                            .headers = {{"Content-Type", kFormContentType}},
                            .body = body};
  absl::StatusOr<std::vector<http::HttpHeader>> added =
      signer_.Sign(to_sign, *credentials, now);
  if (!added.ok()) {
    return {.result = absl::Status(added.status().code(),
                                   absl::StrCat("EC2 ", Sv(action), ": ",
                                                added.status().message()))};
  }
  absl::StatusOr<std::vector<http::HttpHeader>> headers =
      HeadersToSend(to_sign, AmzDate(now), credentials->session_token);
  if (!headers.ok()) return {.result = headers.status()};
  for (http::HttpHeader& h : *added) {
    if (h.name == "Authorization") headers->push_back(std::move(h));
  }
  absl::StatusOr<http::HttpResponse> response =
      http_.Send({.method = "POST",
                  .url = url_,
                  .headers = *std::move(headers),
                  .body = body,
                  .timeout = options_.attempt_timeout});
  if (!response.ok()) {
    // The call may or may not have reached EC2: safe to send again, since
    // launches carry their ClientToken and the rest are idempotent.
    return {.result = WithFailureCause(
                absl::Status(response.status().code(),
                             absl::StrCat("EC2 ", Sv(action), ": ",
                                          response.status().message())),
                FailureCause::kUnavailable),
            .retry = Retry::kWithBackoff};
  }
  if (response->status != 200) {
    const Ec2Error error = ParseErrorResponse(response->status, response->body);
    return {.result = ToStatus(error, action), .retry = RetryOf(error)};
  }
  auto doc = std::make_unique<pugi::xml_document>();
  const pugi::xml_parse_result parsed =
      doc->load_buffer(response->body.data(), response->body.size());
  if (!parsed) {
    return {.result = absl::DataLossError(absl::StrCat(
                "EC2 ", Sv(action), ": unreadable answer: ",
                parsed.description(), " at byte ", parsed.offset))};
  }
  const std::string expected = absl::StrCat(Sv(action), "Response");
  if (doc->document_element().name() != expected) {
    return {.result = absl::DataLossError(absl::StrCat(
                "EC2 ", Sv(action), ": answer is <",
                std::string(doc->document_element().name()).substr(0, 64),
                ">, not <", expected, ">"))};
  }
  return {.result = std::move(doc)};
}

absl::StatusOr<std::unique_ptr<pugi::xml_document>> QueryClient::Call(
    std::string_view action, const QueryParams& params) {
  if (!endpoint_error_.ok()) return endpoint_error_;
  QueryParams all = {{"Action", std::string(action)},
                     {"Version", kEc2ApiVersion}};
  all.insert(all.end(), params.begin(), params.end());
  const std::string body = FormEncode(all);
  const absl::Time deadline = clock_.Now() + options_.retry_budget;
  bool reloaded = false;
  for (int attempt = 1;; ++attempt) {
    Attempt result = Try(action, body);
    if (result.result.ok() || result.retry == Retry::kNo) {
      return std::move(result.result);
    }
    if (result.retry == Retry::kWithNewCredentials) {
      if (reloaded) return std::move(result.result);
      reloaded = true;
      credentials_.Invalidate();
    }
    const absl::Duration wait = result.retry == Retry::kWithBackoff
                                    ? Backoff(attempt)
                                    : absl::ZeroDuration();
    if (attempt >= options_.max_attempts || clock_.Now() + wait > deadline) {
      const absl::Status& last = result.result.status();
      return WithFailureCause(
          absl::Status(last.code(),
                       absl::StrCat(last.message(), " (gave up after ", attempt,
                                    " attempt(s))")),
          FailureCauseOf(last), ProviderCodeOf(last));
    }
    {
      absl::MutexLock lock(&mu_);
      ++retries_;
    }
    clock_.SleepUntil(clock_.Now() + wait);
  }
}

}  // namespace spotburst::ec2
