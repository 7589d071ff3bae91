// NewCurlHttpClient against a loopback server
// (tests/testing/fake_http_server.py): what is sent arrives exactly,
// what comes back is read whole, connections are reused, redirects come
// back to the caller, HTTPS is verified against the CA file given, and
// each failure gets its documented code, naming the host and no header
// value or body.
#include <stdlib.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spotburst/http/http_client.h"
#include "testing/fake_http_server.h"
#include "testing/run_program.h"
#include "testing/status_matchers.h"

namespace spotburst::http {
namespace {

using ::spotburst::testing::FakeHttpServer;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::ProgramResult;
using ::spotburst::testing::RefusingPort;
using ::spotburst::testing::RunProgram;
using ::spotburst::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// The value of the response header `name`, looked up case-insensitively.
std::string Header(const HttpResponse& response, const std::string& name) {
  for (const HttpHeader& header : response.headers) {
    if (absl::EqualsIgnoreCase(header.name, name)) return header.value;
  }
  return "(none)";
}

// The request as the server received it.
nlohmann::json Echoed(const absl::StatusOr<HttpResponse>& response) {
  EXPECT_THAT(response, IsOk());
  if (!response.ok()) return nullptr;
  EXPECT_EQ(response->status, 200);
  return nlohmann::json::parse(response->body);
}

// Headers received, as [name, value] pairs in the order they came.
std::vector<HttpHeader> ReceivedHeaders(const nlohmann::json& echo) {
  std::vector<HttpHeader> headers;
  for (const auto& h : echo["headers"]) headers.push_back({h[0], h[1]});
  return headers;
}

class CurlHttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A proxy of the machine running the tests must not carry loopback
    // requests.
    for (const char* variable :
         {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
          "no_proxy", "NO_PROXY"}) {
      unsetenv(variable);
    }
    ASSERT_FALSE(server_.url().empty());
  }

  std::string Url(const std::string& path) const {
    return server_.url() + path;
  }

  FakeHttpServer server_;
  std::unique_ptr<HttpClient> http_ = NewCurlHttpClient({});
};

TEST_F(CurlHttpClientTest, StatusBodyAndHeadersComeBack) {
  absl::StatusOr<HttpResponse> response =
      http_->Send({.url = Url("/status/418")});
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 418);
  EXPECT_EQ(response->body, "status 418");
  // Trimmed at both ends, inner spaces kept; names as the server sent them.
  EXPECT_EQ(Header(*response, "x-fake"), "a  b");
  EXPECT_EQ(Header(*response, "Content-Length"), "10");
  bool named_as_sent = false;
  for (const HttpHeader& header : response->headers) {
    named_as_sent |= header.name == "X-Fake";
  }
  EXPECT_TRUE(named_as_sent);
}

TEST_F(CurlHttpClientTest, AnyStatusIsAResponseAndRedirectsAreNotFollowed) {
  for (int status : {204, 400, 403, 500, 503}) {
    absl::StatusOr<HttpResponse> response =
        http_->Send({.url = Url("/status/" + std::to_string(status))});
    ASSERT_THAT(response, IsOk());
    EXPECT_EQ(response->status, status);
  }
  absl::StatusOr<HttpResponse> response =
      http_->Send({.url = Url("/redirect")});
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(Header(*response, "Location"), "/echo");
}

TEST_F(CurlHttpClientTest, AMastersRedirectComesBackToTheCaller) {
  // A Mesos master's 307 with a protocol-relative Location: the caller
  // reads the leader from it; the client goes nowhere by itself.
  absl::StatusOr<HttpResponse> response =
      http_->Send({.url = Url("/redirect/307")});
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 307);
  EXPECT_EQ(
      Header(*response, "Location"),
      "//" + server_.url().substr(std::string("http://").size()) + "/echo");
  const nlohmann::json requests = server_.Stats()["requests"];
  EXPECT_EQ(requests["/redirect/307"], 1);
  EXPECT_FALSE(requests.contains("/echo")) << requests.dump();
}

TEST_F(CurlHttpClientTest, PostBodyBytesArriveExactly) {
  std::string body;
  for (int c = 0; c < 256; ++c) body.push_back(static_cast<char>(c));
  body += "Action=RunInstances&Name=\xe2\x82\xac\xc3\xbc";  // UTF-8 too
  body += std::string("\0\0end", 5);
  const nlohmann::json echo = Echoed(
      http_->Send({.method = "POST", .url = Url("/echo"), .body = body}));
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["body_hex"], absl::BytesToHexString(body));

  const nlohmann::json put = Echoed(
      http_->Send({.method = "PUT", .url = Url("/echo"), .body = "put body"}));
  EXPECT_EQ(put["method"], "PUT");
  EXPECT_EQ(put["body_hex"], absl::BytesToHexString("put body"));
}

TEST_F(CurlHttpClientTest, RequestHeadersArriveAsGiven) {
  // What a signed Query API request carries: nothing may be rewritten.
  const std::vector<HttpHeader> sent = {
      {"Host", "ec2.us-east-1.amazonaws.com"},
      {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
      {"X-Amz-Date", "20240502T152107Z"},
      {"X-Empty", ""},
      {"Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240502/..."}};
  // A body large enough that libcurl would ask for 100-continue.
  const std::string body(2 << 20, 'b');
  const nlohmann::json echo = Echoed(http_->Send(
      {.method = "POST", .url = Url("/echo"), .headers = sent, .body = body}));
  EXPECT_EQ(echo["body_hex"].get<std::string>().size(), 2 * body.size());
  const std::vector<HttpHeader> received = ReceivedHeaders(echo);
  // In order, each once, with nothing added between them that a signature
  // covers; no Expect at all.
  std::vector<HttpHeader> given;
  for (const HttpHeader& header : received) {
    EXPECT_FALSE(absl::EqualsIgnoreCase(header.name, "Expect")) << header.value;
    for (const HttpHeader& s : sent) {
      if (absl::EqualsIgnoreCase(header.name, s.name)) given.push_back(header);
    }
  }
  EXPECT_EQ(given, sent);

  // Without a Content-Type of its own, a body goes without one: libcurl's
  // form type is not added behind the caller's back.
  const nlohmann::json bare =
      Echoed(http_->Send({.method = "PUT", .url = Url("/echo"), .body = "x"}));
  for (const HttpHeader& header : ReceivedHeaders(bare)) {
    EXPECT_FALSE(absl::EqualsIgnoreCase(header.name, "Content-Type"))
        << header.value;
    EXPECT_FALSE(absl::EqualsIgnoreCase(header.name, "Expect")) << header.value;
  }
}

TEST_F(CurlHttpClientTest, ConsecutiveRequestsShareOneConnection) {
  const nlohmann::json first = Echoed(http_->Send({.url = Url("/echo")}));
  const nlohmann::json second = Echoed(
      http_->Send({.method = "POST", .url = Url("/echo"), .body = "x=1"}));
  EXPECT_EQ(first["connection"], second["connection"]);
  EXPECT_EQ(first["client_port"], second["client_port"]);
  EXPECT_EQ(server_.Stats()["connections"], 1);
}

TEST_F(CurlHttpClientTest, ConcurrentCallersAllGetTheirOwnAnswer) {
  std::vector<std::thread> threads;
  std::vector<std::string> bodies(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string body =
            "thread " + std::to_string(t) + " call " + std::to_string(i);
        absl::StatusOr<HttpResponse> response =
            http_->Send({.method = "POST", .url = Url("/echo"), .body = body});
        if (!response.ok()) {
          bodies[t] = response.status().ToString();
          return;
        }
        const nlohmann::json echo = nlohmann::json::parse(response->body);
        if (echo["body_hex"] != absl::BytesToHexString(body)) {
          bodies[t] = "wrong answer to " + body;
          return;
        }
      }
      bodies[t] = "ok";
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& result : bodies) EXPECT_EQ(result, "ok");
}

TEST_F(CurlHttpClientTest, ServerThatNeverAnswersTimesOut) {
  // The server holds the connection open without a word; the client's own
  // timeout ends the call.
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> response =
      http_->Send({.url = Url("/hang"), .timeout = absl::Milliseconds(200)});
  EXPECT_THAT(response, StatusIs(absl::StatusCode::kDeadlineExceeded,
                                 HasSubstr("HTTP GET " + server_.url())));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));  // not the 10 s default

  // The client default applies to a request without a timeout of its own.
  std::unique_ptr<HttpClient> quick =
      NewCurlHttpClient({.timeout = absl::Milliseconds(200)});
  EXPECT_THAT(quick->Send({.url = Url("/hang")}),
              StatusIs(absl::StatusCode::kDeadlineExceeded, ::testing::_));
  // And the client still works afterwards.
  EXPECT_THAT(quick->Send({.url = Url("/status/200")}), IsOk());
}

TEST_F(CurlHttpClientTest, RefusedConnectionIsUnavailable) {
  const RefusingPort port;
  absl::StatusOr<HttpResponse> response =
      http_->Send({.method = "POST",
                   .url = port.url() + "/secret-path?q=1",
                   .headers = {{"Authorization", "never-in-an-error"}},
                   .body = "never-in-an-error-either"});
  EXPECT_THAT(response,
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("HTTP POST " + port.url() + ":"),
                             Not(HasSubstr("never-in")),
                             Not(HasSubstr("secret-path")))));
}

TEST_F(CurlHttpClientTest, BrokenResponsesAreUnavailable) {
  for (const std::string path : {"/garbage", "/truncated"}) {
    SCOPED_TRACE(path);
    absl::StatusOr<HttpResponse> response = http_->Send({.url = Url(path)});
    EXPECT_THAT(response, StatusIs(absl::StatusCode::kUnavailable,
                                   AllOf(HasSubstr("HTTP GET " + server_.url()),
                                         Not(HasSubstr("only ten")))));
  }
}

TEST_F(CurlHttpClientTest, OversizedResponseIsResourceExhausted) {
  std::unique_ptr<HttpClient> small =
      NewCurlHttpClient({.max_response_bytes = 1000});
  absl::StatusOr<HttpResponse> at_limit =
      small->Send({.url = Url("/bytes/1000")});
  ASSERT_THAT(at_limit, IsOk());
  EXPECT_EQ(at_limit->body.size(), 1000u);
  // Known from Content-Length, and found only as the bytes arrive.
  for (const std::string path : {"/bytes/1001", "/stream/5000"}) {
    SCOPED_TRACE(path);
    EXPECT_THAT(small->Send({.url = Url(path)}),
                StatusIs(absl::StatusCode::kResourceExhausted,
                         "HTTP GET " + server_.url() +
                             ": response larger than 1000 bytes"));
  }
  EXPECT_THAT(small->Send({.url = Url("/stream/1000")}), IsOk());
}

TEST_F(CurlHttpClientTest, MalformedUrlIsInvalidArgument) {
  for (const std::string url :
       {"", "not a url", "ftp://example.com/", "http://", "file:///etc/passwd",
        "http://127.0.0.1:99999/"}) {
    SCOPED_TRACE(url);
    EXPECT_THAT(http_->Send({.url = url}),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("malformed URL")));
  }
}

TEST_F(CurlHttpClientTest, BadMethodOrHeaderIsRefusedWithoutItsValue) {
  EXPECT_THAT(http_->Send({.method = "get", .url = Url("/echo")}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("method must be upper-case letters")));
  absl::StatusOr<HttpResponse> response =
      http_->Send({.url = Url("/echo"),
                   .headers = {{"X-Amz-Security-Token",
                                "tok\r\nX-Injected: secretvalue"}}});
  EXPECT_THAT(response,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("request header X-Amz-Security-Token: "
                                       "the value holds a line break"),
                             Not(HasSubstr("secretvalue")))));
  EXPECT_THAT(
      http_->Send({.url = Url("/echo"), .headers = {{"Bad Name", "v"}}}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("not an HTTP token")));
  // Nothing reached the server.
  EXPECT_EQ(server_.Stats()["connections"], 0);
}

TEST_F(CurlHttpClientTest, ProxyComesFromTheEnvironment) {
  // libcurl's own rule: http_proxy for http:// URLs. The fake server plays
  // the proxy and sees the whole target URL.
  ASSERT_EQ(setenv("http_proxy", server_.url().c_str(), 1), 0);
  const nlohmann::json echo =
      Echoed(http_->Send({.url = "http://spotburst-proxied.invalid/echo"}));
  unsetenv("http_proxy");
  EXPECT_EQ(echo["target"], "http://spotburst-proxied.invalid/echo");
}

// Test certificates, made once with openssl: a CA, a server certificate
// it signed for 127.0.0.1, and another CA that signed nothing here.
struct Certificates {
  std::string ca;
  std::string other_ca;
  std::string server_cert;
  std::string server_key;
};

void Openssl(const std::string& arguments) {
  const ProgramResult result = RunProgram("/usr/bin/openssl " + arguments);
  ASSERT_EQ(result.exit_code, 0) << arguments << "\n" << result.output;
}

class CurlHttpClientTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string dir = ::testing::TempDir() + "/curl_tls_XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    certificates_ = new Certificates{.ca = dir + "/ca.crt",
                                     .other_ca = dir + "/other_ca.crt",
                                     .server_cert = dir + "/server.crt",
                                     .server_key = dir + "/server.key"};
    // EC keys: quick to make.
    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1";
    for (const auto& [name, cert] :
         {std::pair{"ca", certificates_->ca},
          std::pair{"other_ca", certificates_->other_ca}}) {
      Openssl("req -x509 -nodes -days 1" + key + " -subj /CN=spotburst-test-" +
              name + " -keyout " + dir + "/" + name + ".key -out " + cert);
    }
    Openssl("req -new -nodes" + key +
            " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
            " -keyout " +
            certificates_->server_key + " -out " + dir + "/server.csr");
    Openssl("x509 -req -days 1 -copy_extensions copy -in " + dir +
            "/server.csr -CA " + certificates_->ca + " -CAkey " + dir +
            "/ca.key -CAcreateserial -out " + certificates_->server_cert);
  }
  static void TearDownTestSuite() {
    delete certificates_;
    certificates_ = nullptr;
  }

  void SetUp() override {
    for (const char* variable : {"https_proxy", "HTTPS_PROXY", "all_proxy",
                                 "ALL_PROXY", "no_proxy", "NO_PROXY"}) {
      unsetenv(variable);
    }
    ASSERT_NE(certificates_, nullptr);
    server_ = std::make_unique<FakeHttpServer>(
        std::vector<std::string>{"--tls-cert", certificates_->server_cert,
                                 "--tls-key", certificates_->server_key});
    ASSERT_TRUE(server_->url().starts_with("https://")) << server_->url();
  }

  static Certificates* certificates_;
  std::unique_ptr<FakeHttpServer> server_;
};

Certificates* CurlHttpClientTlsTest::certificates_ = nullptr;

TEST_F(CurlHttpClientTlsTest, TrustsAServerSignedByTheCaFile) {
  std::unique_ptr<HttpClient> http =
      NewCurlHttpClient({.ca_file = certificates_->ca});
  const nlohmann::json echo = Echoed(http->Send(
      {.method = "POST", .url = server_->url() + "/echo", .body = "over tls"}));
  EXPECT_EQ(echo["body_hex"], absl::BytesToHexString("over tls"));
  // And again on the same connection.
  const nlohmann::json again =
      Echoed(http->Send({.url = server_->url() + "/echo"}));
  EXPECT_EQ(echo["connection"], again["connection"]);
}

TEST_F(CurlHttpClientTlsTest, RefusesAServerNoTrustedCaSigned) {
  // The system's certificates do not know the test CA, and another CA
  // file does not either: no exchange, and the server got no request.
  for (const std::string ca_file : {std::string(), certificates_->other_ca}) {
    SCOPED_TRACE(ca_file.empty() ? "system CAs" : ca_file);
    std::unique_ptr<HttpClient> http = NewCurlHttpClient({.ca_file = ca_file});
    EXPECT_THAT(http->Send({.url = server_->url() + "/echo"}),
                StatusIs(absl::StatusCode::kUnavailable,
                         HasSubstr("HTTP GET " + server_->url() + ":")));
  }
  EXPECT_FALSE(server_->Stats()["requests"].contains("/echo"));
}

TEST_F(CurlHttpClientTlsTest, RefusesACertificateForAnotherHost) {
  // The certificate names 127.0.0.1, not localhost.
  std::unique_ptr<HttpClient> http =
      NewCurlHttpClient({.ca_file = certificates_->ca});
  std::string url = server_->url();
  url.replace(url.find("127.0.0.1"), 9, "localhost");
  EXPECT_THAT(http->Send({.url = url + "/echo"}),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr(url)));
}

TEST_F(CurlHttpClientTlsTest, AnUnreadableCaFileIsTheCallersToFix) {
  const std::string missing = ::testing::TempDir() + "/no-such-ca.pem";
  std::unique_ptr<HttpClient> http = NewCurlHttpClient({.ca_file = missing});
  EXPECT_THAT(http->Send({.url = server_->url() + "/echo"}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("HTTP GET " + server_->url())));
}

}  // namespace
}  // namespace spotburst::http
