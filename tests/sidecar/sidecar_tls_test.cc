// TLS and mutual TLS with certificates made by openssl in the test: a TLS
// client is served, a plaintext one (or one without a client certificate,
// under mutual TLS) is refused.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sidecar_testing.h"
#include "test_certificates.h"

namespace spotburst::testing {
namespace {

std::shared_ptr<grpc::Channel> TlsChannel(int port, const Certificates& c,
                                          bool with_client_cert) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadAll(c.server_cert);
  if (with_client_cert) {
    options.pem_cert_chain = ReadAll(c.client_cert);
    options.pem_private_key = ReadAll(c.client_key);
  }
  grpc::ChannelArguments arguments;
  arguments.SetSslTargetNameOverride("localhost");
  return grpc::CreateCustomChannel(Address(port), grpc::SslCredentials(options),
                                   arguments);
}

grpc::Status Ping(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = v1::PolicyService::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(context);
  v1::PingResponse response;
  return stub->Ping(&context, {}, &response);
}

class SidecarTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certificates_ = new Certificates(MakeCertificates());
  }
  static void TearDownTestSuite() { delete certificates_; }
  static Certificates* certificates_;
};
Certificates* SidecarTlsTest::certificates_ = nullptr;

TEST_F(SidecarTlsTest, ServesTlsClientsAndRefusesPlaintext) {
  const Certificates& c = *certificates_;
  sidecar::SidecarOptions options;
  options.tls = {.cert_file = c.server_cert, .key_file = c.server_key};
  auto server = StartServer(std::move(options));
  ASSERT_NE(server, nullptr);

  EXPECT_TRUE(Ping(TlsChannel(server->port(), c, false)).ok());
  EXPECT_EQ(Ping(PlainChannel(server->port())).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(SidecarTlsTest, MutualTlsRefusesClientsWithoutACertificate) {
  const Certificates& c = *certificates_;
  sidecar::SidecarOptions options;
  options.tls = {.cert_file = c.server_cert,
                 .key_file = c.server_key,
                 .client_ca_file = c.ca_cert};
  auto server = StartServer(std::move(options));
  ASSERT_NE(server, nullptr);

  EXPECT_TRUE(Ping(TlsChannel(server->port(), c, true)).ok());
  EXPECT_EQ(Ping(TlsChannel(server->port(), c, false)).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Ping(PlainChannel(server->port())).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(SidecarTlsTest, MissingKeyFileIsRefusedAtStartNamingTheOption) {
  sidecar::SidecarOptions options;
  options.listen = "127.0.0.1:0";
  options.tls.cert_file = certificates_->server_cert;
  absl::StatusOr<std::unique_ptr<sidecar::SidecarServer>> server =
      sidecar::SidecarServer::Start(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(server.status().message(),
            "tls.key_file: required with tls.cert_file");

  options.tls.key_file = certificates_->dir + "/absent.key";
  server = sidecar::SidecarServer::Start(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(server.status().message()),
              ::testing::StartsWith("tls.key_file: cannot read"));
}

}  // namespace
}  // namespace spotburst::testing
