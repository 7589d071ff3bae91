// The C++ signer against botocore, the reference client: random requests
// (tests/adapters/ec2/botocore_sign.py) signed by both must give the same
// canonical request, string to sign, signature and Authorization header.
// Needs Debian's /usr/bin/python3 with python3-botocore; without them this
// fails rather than skips, so a machine that cannot check is noticed.
#include <unistd.h>

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sigv4.h"
#include "spotburst/ec2/credentials.h"
#include "testing/run_program.h"

namespace spotburst::ec2 {
namespace {

constexpr char kPython[] = "/usr/bin/python3";
constexpr char kInstallHint[] =
    "the botocore cross-check needs Debian's /usr/bin/python3 with botocore: "
    "apt-get install python3-botocore";
constexpr int kRequests = 1200;

struct Computed {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
  std::string authorization;
};

// What spotburst makes of one line's request.
absl::StatusOr<Computed> SignWithSpotburst(const nlohmann::json& line) {
  HttpRequestToSign request{.method = line["method"],
                            .host = line["host"],
                            .path = line["path"],
                            .query = line["query"]};
  for (const auto& header : line["headers"]) {
    request.headers.push_back({header[0], header[1]});
  }
  request.body = absl::HexStringToBytes(line["body_hex"].get<std::string>());
  const AwsCredentials credentials{
      .access_key_id = line["access_key_id"],
      .secret_access_key = line["secret_access_key"],
      .session_token = line["session_token"],
      .source = "botocore_sign.py"};
  const std::string region = line["region"];
  const std::string service = line["service"];
  const absl::Time now = absl::FromUnixSeconds(line["epoch"].get<int64_t>());

  // The steps as Sign runs them, then Sign itself.
  const std::string amz_date = AmzDate(now);
  absl::StatusOr<std::vector<http::HttpHeader>> headers =
      HeadersToSend(request, amz_date, credentials.session_token);
  if (!headers.ok()) return headers.status();
  Computed out;
  out.canonical_request = CanonicalRequest(request, *headers);
  out.string_to_sign =
      StringToSign(amz_date, CredentialScope(amz_date, region, service),
                   out.canonical_request);
  Signer signer(region, service);
  absl::StatusOr<std::vector<http::HttpHeader>> added =
      signer.Sign(request, credentials, now);
  if (!added.ok()) return added.status();
  for (const http::HttpHeader& header : *added) {
    if (header.name == "Authorization") out.authorization = header.value;
  }
  const size_t at = out.authorization.rfind("Signature=");
  if (at != std::string::npos)
    out.signature = out.authorization.substr(at + 10);
  return out;
}

TEST(SigV4BotocoreTest, RandomRequestsSignAsBotocoreSignsThem) {
  ASSERT_EQ(access(kPython, X_OK), 0) << kInstallHint;
  const std::string script = std::string(SPOTBURST_SOURCE_DIR) +
                             "/tests/adapters/ec2/botocore_sign.py";
  const testing::ProgramResult run =
      testing::RunProgram(std::string(kPython) + " " + script + " 20150830 " +
                          std::to_string(kRequests));
  ASSERT_EQ(run.exit_code, 0) << kInstallHint << "\n" << run.output;

  int compared = 0;
  std::istringstream lines(run.output);
  for (std::string text; std::getline(lines, text);) {
    if (text.empty()) continue;
    const nlohmann::json line = nlohmann::json::parse(text, nullptr, false);
    ASSERT_FALSE(line.is_discarded()) << "not JSON: " << text;
    const absl::StatusOr<Computed> ours = SignWithSpotburst(line);
    ASSERT_TRUE(ours.ok()) << ours.status() << "\ninputs: " << text;
    const auto same = [&](const std::string& field, const std::string& value) {
      return value == line[field].get<std::string>();
    };
    // The first mismatch, with everything needed to reproduce it.
    ASSERT_TRUE(same("canonical_request", ours->canonical_request))
        << "request " << compared << ": canonical requests differ\nours:\n"
        << ours->canonical_request << "\nbotocore:\n"
        << line["canonical_request"].get<std::string>() << "\ninputs: " << text;
    ASSERT_TRUE(same("string_to_sign", ours->string_to_sign))
        << "request " << compared << ": strings to sign differ\nours:\n"
        << ours->string_to_sign << "\ninputs: " << text;
    ASSERT_TRUE(same("signature", ours->signature))
        << "request " << compared << ": signatures differ\ninputs: " << text;
    ASSERT_TRUE(same("authorization", ours->authorization))
        << "request " << compared
        << ": Authorization differs\nours: " << ours->authorization
        << "\ninputs: " << text;
    ++compared;
  }
  EXPECT_EQ(compared, kRequests);
}

}  // namespace
}  // namespace spotburst::ec2
