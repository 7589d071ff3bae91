// HttpClient: one HTTP exchange at a time, for the adapters that talk to a
// service: EC2's Query API and instance metadata service, the Mesos
// masters, Marathon.
//
// An interface so that the adapters' clients can be tested against
// scripted answers, and an embedder can bring its own transport;
// NewCurlHttpClient is the real one
// (libcurl: connection reuse, connect and total timeouts, proxies from the
// usual environment variables, a cap on the response size, TLS verified
// against the system's CA certificates or a CA file of the caller's).
// Redirects are answers: a client never follows one by itself, so a
// caller reads the Location of a 307 (a Mesos master's) and decides.
//
//   std::unique_ptr<HttpClient> http = NewCurlHttpClient({});
//   SPOTBURST_ASSIGN_OR_RETURN(
//       HttpResponse response,
//       http->Send({.method = "POST", .url =
//       "https://ec2.us-east-1.amazonaws.com/",
//                   .headers = headers, .body = body}));
#ifndef SPOTBURST_HTTP_HTTP_CLIENT_H_
#define SPOTBURST_HTTP_HTTP_CLIENT_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace spotburst::http {

struct HttpHeader {
  std::string name;
  std::string value;
  bool operator==(const HttpHeader&) const = default;
};

struct HttpRequest {
  std::string method = "GET";  // "GET", "PUT", "POST"
  // "https://ec2.us-east-1.amazonaws.com/", "http://127.0.0.1:8080/".
  std::string url;
  // Sent as given, in order; the client adds none that would change a
  // signature (it sends no Expect, and never rewrites Host or
  // Content-Type).
  std::vector<HttpHeader> headers;
  std::string body;
  // The whole exchange, connecting included; zero: the client's default.
  absl::Duration timeout = absl::ZeroDuration();
};

struct HttpResponse {
  int status = 0;  // 200, 403, 503, ...
  // Names as received; look them up case-insensitively.
  std::vector<HttpHeader> headers;
  std::string body;
};

class HttpClient {
 public:
  HttpClient() = default;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  virtual ~HttpClient() = default;

  // Any HTTP status is a response, not an error. Errors: Unavailable when
  // the peer cannot be reached or the connection breaks before a whole
  // response (naming the host, never the body or a header value);
  // DeadlineExceeded when the timeout passes; ResourceExhausted when the
  // response is larger than the client allows; InvalidArgument for a
  // malformed URL; FailedPrecondition when the client's CA file cannot be
  // read.
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

struct CurlOptions {
  absl::Duration connect_timeout = absl::Seconds(3);
  // Default for requests that set no timeout of their own.
  absl::Duration timeout = absl::Seconds(10);
  size_t max_response_bytes = 64 << 20;
  // HTTPS peers are verified (certificate chain and host name) against
  // the CA certificates in this PEM file alone, e.g. a private CA of the
  // Mesos masters; empty: against the system's.
  std::string ca_file;
};

// Safe to call from several threads (one exchange at a time; connections
// are kept and reused between calls).
std::unique_ptr<HttpClient> NewCurlHttpClient(CurlOptions options);

}  // namespace spotburst::http

#endif  // SPOTBURST_HTTP_HTTP_CLIENT_H_
