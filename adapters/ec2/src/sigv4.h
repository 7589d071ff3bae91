// AWS Signature Version 4, header form, as EC2's Query API takes it.
//
// The steps are separate functions so that each can be checked against the
// published test vectors; Signer::Sign runs them all:
//
//   Signer signer("us-east-1", "ec2");
//   HttpRequestToSign request{.method = "POST",
//                             .host = "ec2.us-east-1.amazonaws.com",
//                             .path = "/",
//                             .headers = {{"Content-Type", kFormContentType}},
//                             .body = FormEncode({{"Action", "..."}})};
//   SPOTBURST_ASSIGN_OR_RETURN(std::vector<http::HttpHeader> add,
//                              signer.Sign(request, credentials, now));
//
// The rules are botocore's (SigV4Auth), the peer every AWS service accepts;
// where botocore and the written rules differ, the comments say so.
#ifndef SPOTBURST_EC2_SIGV4_H_
#define SPOTBURST_EC2_SIGV4_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "spotburst/ec2/credentials.h"
#include "spotburst/http/http_client.h"  // http::HttpHeader

namespace spotburst::ec2 {

// The Content-Type of a Query API request body.
inline constexpr char kFormContentType[] =
    "application/x-www-form-urlencoded; charset=utf-8";

// A request exactly as it will go on the wire, without the headers the
// signer adds (X-Amz-Date, X-Amz-Security-Token, Authorization).
struct HttpRequestToSign {
  std::string method;  // "POST"
  // The Host header: "ec2.us-east-1.amazonaws.com", with ":port" only when
  // the port is not the scheme's default.
  std::string host;
  std::string path = "/";  // as sent, percent-encoded or not
  std::string query;       // as sent, without the "?"; usually empty
  // Every other header sent, in order; a name may repeat. The client must
  // not change them after signing.
  std::vector<http::HttpHeader> headers;
  std::string body;  // the exact bytes sent
};

// Percent-encodes every byte but the unreserved A-Z a-z 0-9 - _ . ~ (and
// '/' with `keep_slash`), upper-case hex: SigV4's URI-encode.
std::string UriEncode(std::string_view bytes, bool keep_slash = false);

// A Query API body: name=value pairs in the order given, both URI-encoded
// (space as %20, never '+'), joined with '&'.
std::string FormEncode(
    const std::vector<std::pair<std::string, std::string>>& params);

// "20150830T123600Z".
std::string AmzDate(absl::Time time);

// The headers signed and sent: `request.headers` with Host first, then
// X-Amz-Date and (when `session_token` is set) X-Amz-Security-Token.
// InvalidArgument when `request` already carries one of those or an
// Authorization header, or has no host or method.
absl::StatusOr<std::vector<http::HttpHeader>> HeadersToSend(
    const HttpRequestToSign& request, std::string_view amz_date,
    std::string_view session_token);

// Step 1: the canonical request over `headers` (all headers sent, as
// HeadersToSend returns them; those a proxy may change are left out).
std::string CanonicalRequest(const HttpRequestToSign& request,
                             const std::vector<http::HttpHeader>& headers);

// "content-type;host;x-amz-date": the names CanonicalRequest signed.
std::string SignedHeaderNames(const std::vector<http::HttpHeader>& headers);

// "20150830/us-east-1/ec2/aws4_request".
std::string CredentialScope(std::string_view amz_date, std::string_view region,
                            std::string_view service);

// Step 2.
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// Step 3: the raw 32-byte key for `date` ("20150830").
std::string DeriveSigningKey(std::string_view secret_access_key,
                             std::string_view date, std::string_view region,
                             std::string_view service);

// Step 4: lower-case hex HMAC of the string to sign.
std::string SignatureHex(std::string_view signing_key,
                         std::string_view string_to_sign);

// Signs requests for one region and service, keeping the signing key of
// the last (secret, day) so that a day's requests derive it once.
// Thread-safe.
class Signer {
 public:
  Signer(std::string region, std::string service);

  // The headers to add to `request`: X-Amz-Date, X-Amz-Security-Token
  // (when the credentials carry a session token; signed, as botocore
  // does) and Authorization. Only the Authorization's signature depends
  // on the secret; the secret itself appears nowhere.
  absl::StatusOr<std::vector<http::HttpHeader>> Sign(
      const HttpRequestToSign& request, const AwsCredentials& credentials,
      absl::Time now);

  // The signing key for `date` ("20150830"), from the cache when it holds it.
  std::string SigningKey(std::string_view secret_access_key,
                         std::string_view date);

  // How many keys were derived so far (the cache's misses).
  int64_t derivations() const;

  const std::string& region() const { return region_; }
  const std::string& service() const { return service_; }

 private:
  const std::string region_;
  const std::string service_;
  mutable absl::Mutex mu_;
  // A hash of the secret, not the secret: one copy fewer in memory.
  std::string cached_secret_hash_ ABSL_GUARDED_BY(mu_);
  std::string cached_date_ ABSL_GUARDED_BY(mu_);
  std::string cached_key_ ABSL_GUARDED_BY(mu_);
  int64_t derivations_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace spotburst::ec2

#endif  // SPOTBURST_EC2_SIGV4_H_
