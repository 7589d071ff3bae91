// SigV4 against the published vectors: the AWS test suite cases (A-D and
// more), the AWS General Reference examples (E: IAM ListUsers, F: the
// signing-key chain) and an EC2-shaped request (G) reproduced with botocore.
#include "sigv4.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "crypto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/ec2/credentials.h"
#include "testing/status_matchers.h"

namespace spotburst::ec2 {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKeyId[] = "AKIDEXAMPLE";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kAmzDate[] = "20150830T123600Z";
constexpr char kEmptyHash[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

absl::Time SuiteTime() {
  return absl::FromCivil(absl::CivilSecond(2015, 8, 30, 12, 36, 0),
                         absl::UTCTimeZone());
}

AwsCredentials SuiteCredentials(std::string token = "") {
  return {.access_key_id = kKeyId,
          .secret_access_key = kSecret,
          .session_token = std::move(token),
          .source = "test"};
}

HttpRequestToSign Get(std::string path = "/", std::string query = "") {
  return {.method = "GET",
          .host = "example.amazonaws.com",
          .path = std::move(path),
          .query = std::move(query)};
}

// Every step for `request` at the suite's time, as Sign runs them.
struct Steps {
  std::string canonical_request;
  std::string string_to_sign;
  std::string authorization;  // from Signer::Sign
  std::vector<http::HttpHeader> added;
};

Steps Compute(const HttpRequestToSign& request, std::string_view region,
              std::string_view service, std::string token = "") {
  Steps steps;
  absl::StatusOr<std::vector<http::HttpHeader>> headers =
      HeadersToSend(request, kAmzDate, token);
  EXPECT_THAT(headers, IsOk());
  if (!headers.ok()) return steps;
  steps.canonical_request = CanonicalRequest(request, *headers);
  steps.string_to_sign =
      StringToSign(kAmzDate, CredentialScope(kAmzDate, region, service),
                   steps.canonical_request);
  Signer signer{std::string(region), std::string(service)};
  absl::StatusOr<std::vector<http::HttpHeader>> added =
      signer.Sign(request, SuiteCredentials(token), SuiteTime());
  EXPECT_THAT(added, IsOk());
  if (!added.ok()) return steps;
  steps.added = *added;
  for (const http::HttpHeader& header : *added) {
    if (header.name == "Authorization") steps.authorization = header.value;
  }
  return steps;
}

std::string SignatureOf(const std::string& authorization) {
  const size_t at = authorization.find("Signature=");
  return at == std::string::npos ? "" : authorization.substr(at + 10);
}

std::string Lines(const std::vector<std::string>& lines) {
  return absl::StrJoin(lines, "\n");
}

TEST(SigV4Test, VectorAGetVanilla) {
  const Steps steps = Compute(Get(), "us-east-1", "service");
  EXPECT_EQ(steps.canonical_request,
            Lines({"GET", "/", "", "host:example.amazonaws.com",
                   "x-amz-date:20150830T123600Z", "", "host;x-amz-date",
                   kEmptyHash}));
  EXPECT_EQ(Sha256Hex(steps.canonical_request),
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(steps.string_to_sign,
            Lines({"AWS4-HMAC-SHA256", "20150830T123600Z",
                   "20150830/us-east-1/service/aws4_request",
                   "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c252929"
                   "27e63"}));
  EXPECT_EQ(steps.authorization,
            "AWS4-HMAC-SHA256 "
            "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature="
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_THAT(
      steps.added,
      ElementsAre(http::HttpHeader{"X-Amz-Date", "20150830T123600Z"},
                  http::HttpHeader{"Authorization", steps.authorization}));
}

TEST(SigV4Test, VectorBQuerySortedByName) {
  const Steps steps =
      Compute(Get("/", "Param2=value2&Param1=value1"), "us-east-1", "service");
  EXPECT_EQ(steps.canonical_request,
            Lines({"GET", "/", "Param1=value1&Param2=value2",
                   "host:example.amazonaws.com", "x-amz-date:20150830T123600Z",
                   "", "host;x-amz-date", kEmptyHash}));
  EXPECT_EQ(Sha256Hex(steps.canonical_request),
            "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0");
  EXPECT_EQ(SignatureOf(steps.authorization),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
  EXPECT_THAT(steps.authorization, HasSubstr("SignedHeaders=host;x-amz-date,"));
}

TEST(SigV4Test, VectorCFormBody) {
  HttpRequestToSign request = Get();
  request.method = "POST";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = "Param1=value1";
  const Steps steps = Compute(request, "us-east-1", "service");
  EXPECT_EQ(
      steps.canonical_request,
      Lines({"POST", "/", "", "content-type:application/x-www-form-urlencoded",
             "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "",
             "content-type;host;x-amz-date",
             "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24"
             "d0b6e"}));
  EXPECT_EQ(Sha256Hex(steps.canonical_request),
            "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281");
  EXPECT_EQ(steps.authorization,
            "AWS4-HMAC-SHA256 "
            "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature="
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

TEST(SigV4Test, VectorDSessionTokenIsSigned) {
  const std::string token =
      "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
  const Steps steps = Compute(Get(), "us-east-1", "service", token);
  EXPECT_EQ(
      steps.canonical_request,
      Lines({"GET", "/", "", "host:example.amazonaws.com",
             "x-amz-date:20150830T123600Z", "x-amz-security-token:" + token, "",
             "host;x-amz-date;x-amz-security-token", kEmptyHash}));
  EXPECT_EQ(Sha256Hex(steps.canonical_request),
            "067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b");
  EXPECT_EQ(SignatureOf(steps.authorization),
            "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
  EXPECT_THAT(steps.authorization,
              HasSubstr("SignedHeaders=host;x-amz-date;x-amz-security-token,"));
  EXPECT_THAT(
      steps.added,
      ElementsAre(http::HttpHeader{"X-Amz-Date", "20150830T123600Z"},
                  http::HttpHeader{"X-Amz-Security-Token", token},
                  http::HttpHeader{"Authorization", steps.authorization}));
}

TEST(SigV4Test, VectorEIamListUsers) {
  HttpRequestToSign request = Get("/", "Action=ListUsers&Version=2010-05-08");
  request.host = "iam.amazonaws.com";
  request.headers = {{"Content-Type", kFormContentType}};
  const Steps steps = Compute(request, "us-east-1", "iam");
  EXPECT_EQ(steps.canonical_request,
            Lines({"GET", "/", "Action=ListUsers&Version=2010-05-08",
                   "content-type:application/x-www-form-urlencoded; "
                   "charset=utf-8",
                   "host:iam.amazonaws.com", "x-amz-date:20150830T123600Z", "",
                   "content-type;host;x-amz-date", kEmptyHash}));
  EXPECT_EQ(Sha256Hex(steps.canonical_request),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(steps.string_to_sign,
            Lines({"AWS4-HMAC-SHA256", "20150830T123600Z",
                   "20150830/us-east-1/iam/aws4_request",
                   "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7"
                   "e1a59"}));
  EXPECT_EQ(
      HexEncode(DeriveSigningKey(kSecret, "20150830", "us-east-1", "iam")),
      "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  EXPECT_EQ(SignatureOf(steps.authorization),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(SigV4Test, VectorFSigningKeyChain) {
  const std::string k_date =
      HmacSha256(absl::StrCat("AWS4", kSecret), "20120215");
  const std::string k_region = HmacSha256(k_date, "us-east-1");
  const std::string k_service = HmacSha256(k_region, "iam");
  const std::string k_signing = HmacSha256(k_service, "aws4_request");
  EXPECT_EQ(HexEncode(k_date),
            "969fbb94feb542b71ede6f87fe4d5fa29c789342b0f407474670f0c2489e0a0d");
  EXPECT_EQ(HexEncode(k_region),
            "69daa0209cd9c5ff5c8ced464a696fd4252e981430b10e3d3fd8e2f197d7a70c");
  EXPECT_EQ(HexEncode(k_service),
            "f72cfd46f26bc4643f06a11eabb6c0ba18780c19a8da0c31ace671265e3c87fa");
  EXPECT_EQ(HexEncode(k_signing),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  EXPECT_EQ(DeriveSigningKey(kSecret, "20120215", "us-east-1", "iam"),
            k_signing);
}

TEST(SigV4Test, VectorGEc2DescribeSpotPriceHistory) {
  const std::string body = FormEncode({{"Action", "DescribeSpotPriceHistory"},
                                       {"Version", "2016-11-15"},
                                       {"InstanceType.1", "m5.large"},
                                       {"ProductDescription.1", "Linux/UNIX"},
                                       {"StartTime", "2015-08-30T12:00:00Z"},
                                       {"MaxResults", "100"}});
  EXPECT_EQ(
      body,
      "Action=DescribeSpotPriceHistory&Version=2016-11-15&InstanceType.1="
      "m5.large&ProductDescription.1=Linux%2FUNIX&StartTime=2015-08-30T12%"
      "3A00%3A00Z&MaxResults=100");
  EXPECT_EQ(body.size(), 158u);
  const HttpRequestToSign request{
      .method = "POST",
      .host = "ec2.us-east-1.amazonaws.com",
      .path = "/",
      .headers = {{"Content-Type", kFormContentType}},
      .body = body};
  const Steps steps = Compute(request, "us-east-1", "ec2");
  EXPECT_EQ(
      steps.canonical_request,
      Lines({"POST", "/", "",
             "content-type:application/x-www-form-urlencoded; "
             "charset=utf-8",
             "host:ec2.us-east-1.amazonaws.com", "x-amz-date:20150830T123600Z",
             "", "content-type;host;x-amz-date",
             "3d1d722cd06289996c57bbe0b95b5c18a093e1649550a57dd053c9364ef"
             "40b7d"}));
  EXPECT_EQ(Sha256Hex(steps.canonical_request),
            "9ac689376c700d5463882a3bf3fbd39862ad41f67f9c37b28a377dc399ad03d6");
  EXPECT_EQ(
      HexEncode(DeriveSigningKey(kSecret, "20150830", "us-east-1", "ec2")),
      "f683de3415e2edd5bd3ecba80fa9f855f4018470ccc66c03bb658895fef3aed2");
  EXPECT_EQ(steps.authorization,
            "AWS4-HMAC-SHA256 "
            "Credential=AKIDEXAMPLE/20150830/us-east-1/ec2/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature="
            "9c13cbc1af9f5d6207049ce19754a1fc497959dea733514bffca61b91c4a929e");
}

// More cases of the AWS test suite, by their signatures.
TEST(SigV4Test, SuiteHeaderRules) {
  HttpRequestToSign duplicate = Get();
  duplicate.headers = {{"My-Header1", "value2"},
                       {"My-Header1", "value2"},
                       {"My-Header1", "value1"}};
  Steps steps = Compute(duplicate, "us-east-1", "service");
  EXPECT_THAT(steps.canonical_request,
              HasSubstr("\nmy-header1:value2,value2,value1\n"));
  EXPECT_EQ(SignatureOf(steps.authorization),
            "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");

  HttpRequestToSign trim = Get();
  trim.headers = {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}};
  steps = Compute(trim, "us-east-1", "service");
  EXPECT_THAT(steps.canonical_request,
              HasSubstr("\nmy-header1:value1\nmy-header2:\"a b c\"\n"));
  EXPECT_EQ(SignatureOf(steps.authorization),
            "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
}

TEST(SigV4Test, SuiteFoldedHeaderIsJoinedButNotSent) {
  // get-header-value-multiline: canonical form only; a line break in a
  // header to send is refused (it would end the header on the wire).
  HttpRequestToSign request = Get();
  const std::vector<http::HttpHeader> headers = {
      {"Host", "example.amazonaws.com"},
      {"My-Header1", "value1\n  value2\n     value3"},
      {"X-Amz-Date", kAmzDate}};
  const std::string canonical = CanonicalRequest(request, headers);
  EXPECT_THAT(canonical, HasSubstr("\nmy-header1:value1 value2 value3\n"));
  const std::string key =
      DeriveSigningKey(kSecret, "20150830", "us-east-1", "service");
  EXPECT_EQ(
      SignatureHex(
          key, StringToSign(kAmzDate,
                            CredentialScope(kAmzDate, "us-east-1", "service"),
                            canonical)),
      "cfd34249e4b1c8d6b91ef74165d41a32e5fab3306300901bb65a51a73575eefd");

  request.headers = {headers[1]};
  Signer signer("us-east-1", "service");
  EXPECT_THAT(
      signer.Sign(request, SuiteCredentials(), SuiteTime()),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("\"My-Header1\""), HasSubstr("line break"),
                     Not(HasSubstr("value2")))));
}

TEST(SigV4Test, SuiteQueryRules) {
  struct Case {
    std::string query;
    std::string signature;
  };
  const std::string unreserved =
      "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const Case cases[] = {
      // get-vanilla-query-order-key: same name, sorted by value, byte-wise.
      {"Param1=value2&Param1=Value1",
       "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"},
      // get-vanilla-query-order-value
      {"Param1=value2&Param1=value1",
       "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"},
      // get-vanilla-query-unreserved
      {unreserved + "=" + unreserved,
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      // get-vanilla-utf8-query: raw UTF-8 is encoded...
      {"\xE1\x88\xB4=bar",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      // ...and so signs as its percent-encoded form, in either hex case.
      {"%E1%88%B4=bar",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"%e1%88%b4=bar",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.query);
    EXPECT_EQ(
        SignatureOf(
            Compute(Get("/", c.query), "us-east-1", "service").authorization),
        c.signature);
  }
  const Steps steps =
      Compute(Get("/", "b&a=x%2fy&a=%20&c=1+2"), "us-east-1", "service");
  EXPECT_THAT(steps.canonical_request,
              HasSubstr("\na=%20&a=x%2Fy&b=&c=1%2B2\n"));
  // By name, then value: "a" before "a%20b" although '%' sorts before '='.
  EXPECT_THAT(Compute(Get("/", "a%20b=1&a=2"), "us-east-1", "service")
                  .canonical_request,
              HasSubstr("\na=2&a%20b=1\n"));
}

TEST(SigV4Test, SuitePathRules) {
  // get-utf8
  Steps steps = Compute(Get("/\xE1\x88\xB4"), "us-east-1", "service");
  EXPECT_THAT(steps.canonical_request, HasSubstr("GET\n/%E1%88%B4\n"));
  EXPECT_EQ(SignatureOf(steps.authorization),
            "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
  // normalize-path/get-slashes
  steps = Compute(Get("//example//"), "us-east-1", "service");
  EXPECT_THAT(steps.canonical_request, HasSubstr("GET\n/example/\n"));
  EXPECT_EQ(SignatureOf(steps.authorization),
            "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84");

  const struct {
    std::string path;
    std::string canonical;
  } paths[] = {
      {"", "/"},
      {"/example/..", "/"},
      {"/example1/example2/../..", "/"},
      {"/./", "/"},
      {"/./example", "/example"},
      {"/../a/./b/", "/a/b/"},
      {"/example space/", "/example%20space/"},
      // Encoded again, as every service but S3 wants it.
      {"/a%20b/c%2Fd", "/a%2520b/c%252Fd"},
      {"/~user/$x", "/~user/%24x"},
  };
  for (const auto& [path, canonical] : paths) {
    SCOPED_TRACE(path);
    EXPECT_THAT(Compute(Get(path), "us-east-1", "service").canonical_request,
                HasSubstr(absl::StrCat("GET\n", canonical, "\n")));
  }
}

TEST(SigV4Test, SuiteFormBodyWithCharset) {
  // post-x-www-form-urlencoded-parameters
  HttpRequestToSign request = Get();
  request.method = "POST";
  request.headers = {
      {"Content-Type", "application/x-www-form-urlencoded; charset=utf8"}};
  request.body = "Param1=value1";
  EXPECT_EQ(SignatureOf(Compute(request, "us-east-1", "service").authorization),
            "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe");
}

TEST(SigV4Test, HostKeepsItsPortAndProxyHeadersAreNotSigned) {
  HttpRequestToSign request = Get();
  request.method = "post";
  request.host = "localhost:8443";
  request.headers = {{"User-Agent", "spotburst"},
                     {"Connection", "keep-alive"},
                     {"X-Amzn-Trace-Id", "Root=1"},
                     {"X-Custom", "a"}};
  const Steps steps = Compute(request, "us-east-1", "ec2");
  EXPECT_TRUE(absl::StartsWith(steps.canonical_request, "POST\n"));
  EXPECT_THAT(steps.canonical_request, HasSubstr("\nhost:localhost:8443\n"));
  EXPECT_THAT(steps.authorization,
              HasSubstr("SignedHeaders=host;x-amz-date;x-custom,"));
}

TEST(SigV4Test, FormEncode) {
  EXPECT_EQ(FormEncode({}), "");
  EXPECT_EQ(FormEncode({{"b", "1"}, {"a", "2"}, {"b", "3"}}), "b=1&a=2&b=3");
  EXPECT_EQ(FormEncode({{"Filter.1.Name", "a b+c*d~e_f-g.h"}}),
            "Filter.1.Name=a%20b%2Bc%2Ad~e_f-g.h");
  EXPECT_EQ(FormEncode({{"k", "=&?/#%"}, {"e", ""}}),
            "k=%3D%26%3F%2F%23%25&e=");
  EXPECT_EQ(FormEncode({{"n\xC3\xA9", "\xE1\x88\xB4"}}), "n%C3%A9=%E1%88%B4");
}

TEST(SigV4Test, SignerDerivesTheKeyOncePerSecretAndDay) {
  Signer signer("us-east-1", "ec2");
  const std::string expected =
      DeriveSigningKey(kSecret, "20150830", "us-east-1", "ec2");
  EXPECT_EQ(signer.SigningKey(kSecret, "20150830"), expected);
  EXPECT_EQ(signer.SigningKey(kSecret, "20150830"), expected);
  EXPECT_EQ(signer.derivations(), 1);
  HttpRequestToSign request = Get();
  ASSERT_THAT(signer.Sign(request, SuiteCredentials(), SuiteTime()), IsOk());
  ASSERT_THAT(
      signer.Sign(request, SuiteCredentials(), SuiteTime() + absl::Hours(11)),
      IsOk());
  EXPECT_EQ(signer.derivations(), 1);

  // The next UTC day, or another secret, derives a new key.
  EXPECT_EQ(signer.SigningKey(kSecret, "20150831"),
            DeriveSigningKey(kSecret, "20150831", "us-east-1", "ec2"));
  EXPECT_EQ(signer.derivations(), 2);
  EXPECT_EQ(signer.SigningKey("another/secret", "20150831"),
            DeriveSigningKey("another/secret", "20150831", "us-east-1", "ec2"));
  EXPECT_EQ(signer.derivations(), 3);
  EXPECT_EQ(signer.SigningKey(kSecret, "20150831"),
            DeriveSigningKey(kSecret, "20150831", "us-east-1", "ec2"));
}

TEST(SigV4Test, TheSecretAppearsNowhere) {
  const std::string secret = "SECRETzzTopSecret+Value/Nowhere0123456789";
  const std::string token = "TOKENqqDistinctiveSessionToken";
  AwsCredentials credentials{.access_key_id = "AKIAEXAMPLE",
                             .secret_access_key = secret,
                             .session_token = token,
                             .source = "test"};
  HttpRequestToSign request{
      .method = "POST",
      .host = "ec2.us-east-1.amazonaws.com",
      .headers = {{"Content-Type", kFormContentType}},
      .body = FormEncode({{"Action", "DescribeRegions"}})};
  Signer signer("us-east-1", "ec2");
  absl::StatusOr<std::vector<http::HttpHeader>> added =
      signer.Sign(request, credentials, SuiteTime());
  ASSERT_THAT(added, IsOk());
  ASSERT_EQ(added->size(), 3u);
  for (const http::HttpHeader& header : *added) {
    EXPECT_THAT(header.value, Not(HasSubstr(secret)));
    EXPECT_THAT(header.value, Not(HasSubstr("SECRETzz")));
    if (header.name != "X-Amz-Security-Token") {
      EXPECT_THAT(header.value, Not(HasSubstr("TOKENqq")));
    }
  }
  EXPECT_EQ(absl::StrFormat("%s", credentials), "AKIAEXAMPLE from test");
  std::ostringstream printed;
  printed << credentials;
  EXPECT_EQ(printed.str(), "AKIAEXAMPLE from test");
  EXPECT_EQ(::testing::PrintToString(credentials), "AKIAEXAMPLE from test");

  // Errors name what is wrong, not the values.
  request.headers.push_back(
      {"X-Bad", std::string("a\r\nX-Injected: ") + token});
  absl::StatusOr<std::vector<http::HttpHeader>> refused =
      signer.Sign(request, credentials, SuiteTime());
  EXPECT_THAT(refused,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("X-Bad"), Not(HasSubstr("TOKENqq")),
                             Not(HasSubstr("SECRETzz")))));
  credentials.session_token = "has a space " + secret;
  EXPECT_THAT(
      signer.Sign(Get(), credentials, SuiteTime()),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               AllOf(HasSubstr("session token"), Not(HasSubstr("SECRETzz")))));
}

TEST(SigV4Test, RefusesWhatWouldBreakTheRequest) {
  Signer signer("us-east-1", "ec2");
  const auto sign = [&](HttpRequestToSign request,
                        AwsCredentials credentials = SuiteCredentials()) {
    return signer.Sign(request, credentials, SuiteTime()).status();
  };
  HttpRequestToSign request = Get();
  request.headers = {{"host", "other.example.com"}};
  EXPECT_THAT(sign(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"host\": set by the signer")));
  request.headers = {{"X-Amz-Date", "20000101T000000Z"}};
  EXPECT_THAT(sign(request), StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("set by the signer")));
  request.headers = {{"Bad Name", "x"}};
  EXPECT_THAT(sign(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"Bad Name\": not an HTTP token")));
  request.headers = {{std::string(5000, 'N') + " ", "x"}};
  EXPECT_THAT(sign(request), StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("more bytes")));
  EXPECT_THAT(sign(Get("relative")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("path does not start with /")));
  HttpRequestToSign no_host = Get();
  no_host.host = "";
  EXPECT_THAT(sign(no_host),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("host")));
  AwsCredentials credentials = SuiteCredentials();
  credentials.access_key_id = "AKID/../x";
  EXPECT_THAT(sign(Get(), credentials),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("credentials from test: access key id")));
  credentials = SuiteCredentials();
  credentials.secret_access_key = "";
  EXPECT_THAT(sign(Get(), credentials),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no secret access key")));
}

}  // namespace
}  // namespace spotburst::ec2
