// QueryClient: one EC2 Query API call, signed, retried where that is safe,
// with its answer parsed.
//
// Each call is a POST of form-encoded parameters (Action, Version and the
// action's own), signed with SigV4 for the client's region. Throttling
// (RequestLimitExceeded), server errors and broken connections are retried
// with exponential backoff and full jitter until the retry budget, which
// must stay shorter than the evaluation interval: a call that cannot get
// through gives up for this tick rather than delay the next one. Launches
// are safe to retry because they carry a ClientToken. Credentials EC2
// refuses (AuthFailure) are reloaded once; every other error fails at once,
// classified as ec2_error.h says.
//
//   QueryClient ec2(*http, credentials, Clock::Real(), {.region =
//   "us-east-1"}); SPOTBURST_ASSIGN_OR_RETURN(
//       std::unique_ptr<pugi::xml_document> answer,
//       ec2.Call("DescribeInstances", {{"Filter.1.Name", "tag:pool"}, ...}));
#ifndef SPOTBURST_EC2_QUERY_CLIENT_H_
#define SPOTBURST_EC2_QUERY_CLIENT_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pugixml.hpp"
#include "sigv4.h"
#include "spotburst/clock.h"
#include "spotburst/ec2/credentials.h"
#include "spotburst/http/http_client.h"

namespace spotburst::ec2 {

inline constexpr char kEc2ApiVersion[] = "2016-11-15";

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct QueryClientOptions {
  std::string region;
  // "https://ec2.<region>.amazonaws.com/" when empty; set it for tests and
  // EC2-compatible clouds ("http://127.0.0.1:8080/").
  std::string endpoint;
  // One attempt, connecting included.
  absl::Duration attempt_timeout = absl::Seconds(10);
  // All attempts of one call, waits between them included.
  absl::Duration retry_budget = absl::Seconds(20);
  int max_attempts = 5;
  // Backoff before retry i: uniform in [0, min(cap, base * 2^(i-1))].
  absl::Duration backoff_base = absl::Milliseconds(200);
  absl::Duration backoff_cap = absl::Seconds(5);
  // Seeds the jitter (fixed in tests).
  uint64_t jitter_seed = std::random_device{}();
};

// "https://ec2.us-east-1.amazonaws.com/"; China regions end in .com.cn.
std::string EndpointForRegion(std::string_view region);

class QueryClient {
 public:
  // `http`, `credentials` and `clock` are borrowed and must outlive this.
  // InvalidArgument (at the first call) for an endpoint that is not
  // http(s)://host[:port]/.
  QueryClient(http::HttpClient& http, CredentialsProvider& credentials,
              Clock& clock, QueryClientOptions options);
  QueryClient(const QueryClient&) = delete;
  QueryClient& operator=(const QueryClient&) = delete;

  // The answer of `action`. Errors carry the failure cause and EC2's code
  // (launch_failure.h) and name the action, never a secret or a parameter
  // value.
  absl::StatusOr<std::unique_ptr<pugi::xml_document>> Call(
      std::string_view action, const QueryParams& params);

  // Attempts made by all calls so far, and how many of them were retries.
  int64_t attempts() const;
  int64_t retries() const;
  const QueryClientOptions& options() const { return options_; }

 private:
  struct Attempt;
  Attempt Try(std::string_view action, const std::string& body);
  absl::Duration Backoff(int retry);

  http::HttpClient& http_;
  CredentialsProvider& credentials_;
  Clock& clock_;
  const QueryClientOptions options_;
  std::string url_;
  std::string host_;  // host[:port] as the Host header carries it
  absl::Status endpoint_error_;
  Signer signer_;
  mutable absl::Mutex mu_;
  std::mt19937_64 jitter_ ABSL_GUARDED_BY(mu_);
  int64_t attempts_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t retries_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace spotburst::ec2

#endif  // SPOTBURST_EC2_QUERY_CLIENT_H_
