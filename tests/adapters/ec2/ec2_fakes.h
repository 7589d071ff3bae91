// Test doubles for the EC2 adapter's unit tests: a clock that moves only
// when slept on, fixed credentials, and an http::HttpClient that answers from a
// script and records what was sent.
#ifndef SPOTBURST_TESTS_ADAPTERS_EC2_EC2_FAKES_H_
#define SPOTBURST_TESTS_ADAPTERS_EC2_EC2_FAKES_H_

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "spotburst/clock.h"
#include "spotburst/ec2/credentials.h"
#include "spotburst/http/http_client.h"

namespace spotburst::ec2::testing {

inline constexpr char kTestSecret[] =
    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

class FakeClock final : public Clock {
 public:
  absl::Time Now() const override { return now; }
  void SleepUntil(absl::Time deadline) override {
    slept += std::max(deadline - now, absl::ZeroDuration());
    now = std::max(now, deadline);
  }
  absl::Time now = absl::FromUnixSeconds(1440938160);  // 2015-08-30T12:36:00Z
  absl::Duration slept;
};

class StaticCredentials final : public CredentialsProvider {
 public:
  absl::StatusOr<AwsCredentials> Get(absl::Time) override {
    ++gets;
    return AwsCredentials{.access_key_id = "AKIDEXAMPLE",
                          .secret_access_key = kTestSecret,
                          .session_token = token,
                          .source = "test"};
  }
  void Invalidate() override { ++invalidations; }
  std::string token;
  int gets = 0;
  int invalidations = 0;
};

class ScriptedHttp final : public http::HttpClient {
 public:
  absl::StatusOr<http::HttpResponse> Send(
      const http::HttpRequest& request) override {
    sent.push_back(request);
    if (script.empty()) return absl::InternalError("script ran out");
    absl::StatusOr<http::HttpResponse> next = script.front();
    script.pop_front();
    return next;
  }
  std::deque<absl::StatusOr<http::HttpResponse>> script;
  std::vector<http::HttpRequest> sent;
};

// An EC2 answer of `action` with `inner` inside its root element.
inline http::HttpResponse Answer(const std::string& action,
                                 const std::string& inner = "") {
  return {.status = 200,
          .body = "<" + action +
                  "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                  "<requestId>r-1</requestId>" +
                  inner + "</" + action + "Response>"};
}

inline http::HttpResponse ErrorAnswer(int status, const std::string& code) {
  return {.status = status,
          .body = "<Response><Errors><Error><Code>" + code +
                  "</Code><Message>m</Message></Error></Errors>"
                  "<RequestID>x</RequestID></Response>"};
}

// The form parameters of a sent body, decoded: name -> value.
inline std::vector<std::pair<std::string, std::string>> FormParams(
    const std::string& body) {
  auto decode = [](std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(
            std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  };
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view pair : absl::StrSplit(body, '&')) {
    const size_t eq = pair.find('=');
    out.push_back(
        {decode(std::string_view(pair.data(), eq)),
         decode(std::string_view(pair.data() + eq + 1, pair.size() - eq - 1))});
  }
  return out;
}

inline std::string Param(const std::string& body, const std::string& name) {
  for (const auto& [key, value] : FormParams(body)) {
    if (key == name) return value;
  }
  return "<absent>";
}

}  // namespace spotburst::ec2::testing

#endif  // SPOTBURST_TESTS_ADAPTERS_EC2_EC2_FAKES_H_
