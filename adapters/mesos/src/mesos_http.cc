// HTTP to masters and Marathon with auth and bounded retries.
#include "mesos_http.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"

namespace spotburst::mesos {
namespace {

bool Retryable(const absl::StatusOr<http::HttpResponse>& answer) {
  if (!answer.ok()) {
    return absl::IsUnavailable(answer.status()) ||
           absl::IsDeadlineExceeded(answer.status());
  }
  return answer->status >= 500;
}

}  // namespace

std::optional<std::string> HeaderValue(const http::HttpResponse& response,
                                       std::string_view name) {
  for (const http::HttpHeader& header : response.headers) {
    if (absl::EqualsIgnoreCase(header.name, std::string(name))) {
      return header.value;
    }
  }
  return std::nullopt;
}

std::string BodyExcerpt(std::string_view body) {
  constexpr size_t kMax = 120;
  std::string out;
  for (char c : body.substr(0, kMax)) {
    out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  }
  absl::StripTrailingAsciiWhitespace(&out);
  if (body.size() > kMax) out += "...";
  return out;
}

absl::StatusOr<http::HttpResponse> MesosHttp::Get(
    const std::string& base, std::string_view path,
    const std::optional<BasicAuth>& auth, std::string_view what) {
  return Send({.method = "GET", .url = base + std::string(path)}, auth, what);
}

absl::StatusOr<http::HttpResponse> MesosHttp::PostJson(
    const std::string& base, std::string_view path, std::string body,
    const std::optional<BasicAuth>& auth, std::string_view what) {
  return Send({.method = "POST",
               .url = base + std::string(path),
               .headers = {{"Content-Type", "application/json"},
                           {"Accept", "application/json"}},
               .body = std::move(body)},
              auth, what);
}

absl::StatusOr<http::HttpResponse> MesosHttp::Send(
    http::HttpRequest request, const std::optional<BasicAuth>& auth,
    std::string_view what) {
  request.timeout = timeout_;
  if (auth.has_value()) {
    request.headers.push_back(
        {"Authorization",
         "Basic " + absl::Base64Escape(auth->user + ":" + auth->password)});
  }
  absl::StatusOr<http::HttpResponse> answer;
  for (int attempt = 0; attempt < max_attempts_; ++attempt) {
    if (attempt > 0) {
      // 100 ms, 200 ms, ...: long enough for a restarting peer, short
      // enough to stay within one evaluation.
      absl::SleepFor(absl::Milliseconds(100) * (1 << std::min(attempt - 1, 4)));
    }
    answer = client_.Send(request);
    if (!Retryable(answer)) break;
  }
  const std::string where =
      absl::StrFormat("%s %s %s", what, request.method, request.url);
  if (!answer.ok()) {
    return absl::Status(
        answer.status().code(),
        absl::StrFormat("%s: %s (after %d attempts)", where,
                        answer.status().message(), max_attempts_));
  }
  if (answer->status == 401 || answer->status == 403) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "%s: HTTP %d: %s", where, answer->status,
        auth.has_value() ? "the credentials were refused"
                         : "credentials are required (credentials file or "
                           "environment)"));
  }
  if (answer->status >= 500) {
    return absl::UnavailableError(absl::StrFormat(
        "%s: HTTP %d: %s (after %d attempts)", where, answer->status,
        BodyExcerpt(answer->body), max_attempts_));
  }
  return answer;
}

}  // namespace spotburst::mesos
