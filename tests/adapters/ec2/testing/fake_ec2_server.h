// The stateful EC2 test endpoint (tests/adapters/ec2/fake_ec2.py) as a
// child process, with its control API: prices, capacity, quotas, faults,
// its clock, and its state for assertions.
#ifndef SPOTBURST_TESTS_ADAPTERS_EC2_TESTING_FAKE_EC2_SERVER_H_
#define SPOTBURST_TESTS_ADAPTERS_EC2_TESTING_FAKE_EC2_SERVER_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spotburst/http/http_client.h"
#include "testing/child_process.h"

namespace spotburst::ec2::testing {

class FakeEc2Server {
 public:
  // Its clock starts at `now`; it accepts only `access_key`/`secret_key`.
  FakeEc2Server(absl::Time now, const std::string& access_key,
                const std::string& secret_key)
      : process_(
            {"/usr/bin/python3",
             std::string(SPOTBURST_SOURCE_DIR) +
                 "/tests/adapters/ec2/fake_ec2.py",
             "--port", "0", "--region", "us-east-1", "--access-key", access_key,
             "--secret-key", secret_key, "--now",
             absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now, absl::UTCTimeZone())}),
        http_(http::NewCurlHttpClient({})) {
    const std::optional<std::string> line = process_.ReadLine();
    const std::string prefix = "listening on ";
    if (line && line->rfind(prefix, 0) == 0) {
      url_ = line->substr(prefix.size()) + "/";
    }
    EXPECT_FALSE(url_.empty())
        << "fake_ec2.py did not start: " << line.value_or("(no line)");
  }

  // "http://127.0.0.1:PORT/".
  const std::string& url() const { return url_; }

  // POST /_control/<command>; the answer, or a failed expectation.
  nlohmann::json Control(const std::string& command,
                         const nlohmann::json& body) {
    absl::StatusOr<http::HttpResponse> response =
        http_->Send({.method = "POST",
                     .url = url_ + "_control/" + command,
                     .headers = {{"Content-Type", "application/json"}},
                     .body = body.dump()});
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return {};
    EXPECT_EQ(response->status, 200) << command << ": " << response->body;
    return nlohmann::json::parse(response->body, nullptr, false);
  }

  // GET /_state: instances, spot requests and the call log.
  nlohmann::json State() {
    absl::StatusOr<http::HttpResponse> response =
        http_->Send({.method = "GET", .url = url_ + "_state"});
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return {};
    return nlohmann::json::parse(response->body, nullptr, false);
  }

 private:
  spotburst::testing::ChildProcess process_;
  std::unique_ptr<http::HttpClient> http_;
  std::string url_;
};

}  // namespace spotburst::ec2::testing

#endif  // SPOTBURST_TESTS_ADAPTERS_EC2_TESTING_FAKE_EC2_SERVER_H_
