// Certificates for the TLS tests, made by openssl in a temporary directory:
// a self-signed server certificate for localhost and 127.0.0.1, and a client
// certificate signed by a test CA (for mutual TLS).
#ifndef SPOTBURST_TESTS_SIDECAR_TEST_CERTIFICATES_H_
#define SPOTBURST_TESTS_SIDECAR_TEST_CERTIFICATES_H_

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sidecar_testing.h"

namespace spotburst::testing {

struct Certificates {
  std::string dir;
  std::string server_cert, server_key;           // self-signed, CN=localhost
  std::string ca_cert, client_cert, client_key;  // client signed by the CA
};

inline void Openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult result = RunProgram(argv);
  ASSERT_EQ(result.exit_code, 0) << result.err;
}

inline Certificates MakeCertificates() {
  Certificates c;
  c.dir = MakeTempDir();
  c.server_cert = c.dir + "/server.crt";
  c.server_key = c.dir + "/server.key";
  c.ca_cert = c.dir + "/ca.crt";
  const std::string ca_key = c.dir + "/ca.key";
  c.client_cert = c.dir + "/client.crt";
  c.client_key = c.dir + "/client.key";
  const std::string csr = c.dir + "/client.csr";
  Openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
           "-subj", "/CN=localhost", "-addext",
           "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", c.server_key,
           "-out", c.server_cert});
  Openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
           "-subj", "/CN=spotburst test CA", "-keyout", ca_key, "-out",
           c.ca_cert});
  Openssl({"req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj",
           "/CN=spotburst test client", "-keyout", c.client_key, "-out", csr});
  Openssl({"x509", "-req", "-in", csr, "-CA", c.ca_cert, "-CAkey", ca_key,
           "-CAcreateserial", "-days", "1", "-out", c.client_cert});
  return c;
}

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_SIDECAR_TEST_CERTIFICATES_H_
