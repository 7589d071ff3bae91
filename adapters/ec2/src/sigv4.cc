#include "sigv4.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "crypto.h"
#include "spotburst/internal/strict_json.h"

namespace spotburst::ec2 {
namespace {

constexpr char kAlgorithm[] = "AWS4-HMAC-SHA256";
constexpr size_t kQuoteBytes = 64;  // of a header name in an error

// Headers a proxy may add, drop or rewrite; a signature over them would
// break on the way. botocore 1.29 leaves out only expect, user-agent and
// x-amzn-trace-id; leaving out more is always accepted, signing one that
// changes never is.
constexpr std::string_view kUnsignedHeaders[] = {"connection",
                                                 "expect",
                                                 "keep-alive",
                                                 "proxy-authenticate",
                                                 "proxy-authorization",
                                                 "te",
                                                 "trailer",
                                                 "transfer-encoding",
                                                 "upgrade",
                                                 "user-agent",
                                                 "x-amzn-trace-id"};

// Debian's abseil has its own string_view, not std::string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

// "a//b" is {"a", "", "b"}; "" is {""}.
std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

bool IsUnreserved(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes decoded; anything else, a lone '%' included, kept as it is.
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
        HexValue(s[i + 2]) >= 0) {
      out.push_back(
          static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// RFC 3986 section 5.2.4 as botocore does it for every service but S3:
// "." and ".." segments go, and so do empty ones ("//" is "/"); a trailing
// "/" stays when something is left before it. "" is "/".
std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> out;
  for (std::string_view segment : Split(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(segment);
  }
  std::string normalized = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) normalized.push_back('/');
    normalized.append(out[i]);
  }
  if (path.back() == '/' && !out.empty()) normalized.push_back('/');
  return normalized;
}

// The path as sent is encoded again ("%20" signs as "%2520"): SigV4 for
// every service but S3, which this adapter does not sign for.
std::string CanonicalUri(std::string_view path) {
  return UriEncode(NormalizePath(path), /*keep_slash=*/true);
}

// Each name and value decoded, then encoded the canonical way: a raw byte
// is encoded (the test suite's get-vanilla-utf8-query) and "%2f" signs as
// "%2F". botocore signs the query as given instead, trusting its own
// serializer to have encoded it canonically; for such a query (FormEncode
// writes one) the two agree. A parameter without "=" has an empty value.
// Sorted by name, then value, byte-wise. (EC2 sends none: POST bodies.)
std::string CanonicalQuery(std::string_view query) {
  if (query.empty()) return "";
  std::vector<std::pair<std::string, std::string>> params;
  for (std::string_view param : Split(query, '&')) {
    const size_t eq = param.find('=');
    const std::string_view name = param.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? "" : param.substr(eq + 1);
    params.emplace_back(UriEncode(PercentDecode(name)),
                        UriEncode(PercentDecode(value)));
  }
  std::sort(params.begin(), params.end());
  return absl::StrJoin(params, "&", absl::PairFormatter("="));
}

// Leading and trailing whitespace removed, inner runs (folded lines too)
// made one space.
std::string TrimAll(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (const char c : value) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool IsUnsigned(std::string_view lower_name) {
  return std::find(std::begin(kUnsignedHeaders), std::end(kUnsignedHeaders),
                   lower_name) != std::end(kUnsignedHeaders);
}

// Lower-case name -> the trimmed values joined with ',' in the order sent;
// sorted by name (std::string compares byte-wise).
std::map<std::string, std::string> HeadersToSign(
    const std::vector<http::HttpHeader>& headers) {
  std::map<std::string, std::string> out;
  for (const http::HttpHeader& header : headers) {
    std::string name = absl::AsciiStrToLower(header.name);
    if (IsUnsigned(name)) continue;
    auto [it, inserted] = out.try_emplace(std::move(name));
    if (!inserted) it->second.push_back(',');
    it->second += TrimAll(header.value);
  }
  return out;
}

// Printable ASCII without spaces, as host names and credentials are.
bool IsVisibleAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c > ' ' && c < 127; });
}

bool IsTokenChar(unsigned char c) {
  // RFC 9110 tchar.
  return absl::ascii_isalnum(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
             std::string_view::npos;
}

absl::Status CheckHeader(const http::HttpHeader& header) {
  const auto quoted = [&] {
    return internal::JsonQuote(internal::Excerpt(header.name, kQuoteBytes));
  };
  if (header.name.empty() ||
      !std::all_of(header.name.begin(), header.name.end(),
                   [](char c) { return IsTokenChar(c); })) {
    return absl::InvalidArgumentError(
        absl::StrCat("header name ", quoted(), ": not an HTTP token"));
  }
  const std::string lower = absl::AsciiStrToLower(header.name);
  if (lower == "host" || lower == "x-amz-date" ||
      lower == "x-amz-security-token" || lower == "authorization") {
    return absl::InvalidArgumentError(absl::StrCat(
        "header ", quoted(), ": set by the signer, not by the request"));
  }
  // The value is not quoted: it may be a credential.
  if (header.value.find_first_of(std::string_view("\r\n\0", 3)) !=
      std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "header ", quoted(), ": value holds a line break or NUL byte"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string UriEncode(std::string_view bytes, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (const unsigned char c : bytes) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string FormEncode(
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    absl::StrAppend(&out, UriEncode(name), "=", UriEncode(value));
  }
  return out;
}

std::string AmzDate(absl::Time time) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", time, absl::UTCTimeZone());
}

absl::StatusOr<std::vector<http::HttpHeader>> HeadersToSend(
    const HttpRequestToSign& request, std::string_view amz_date,
    std::string_view session_token) {
  if (request.method.empty()) {
    return absl::InvalidArgumentError("request: no method");
  }
  if (request.host.empty() || !IsVisibleAscii(request.host)) {
    return absl::InvalidArgumentError(
        "request: host is empty or holds spaces or control characters");
  }
  if (!request.path.empty() && request.path.front() != '/') {
    return absl::InvalidArgumentError("request: path does not start with /");
  }
  std::vector<http::HttpHeader> headers;
  headers.reserve(request.headers.size() + 3);
  headers.push_back({"Host", request.host});
  for (const http::HttpHeader& header : request.headers) {
    if (absl::Status s = CheckHeader(header); !s.ok()) return s;
    headers.push_back(header);
  }
  headers.push_back({"X-Amz-Date", std::string(amz_date)});
  if (!session_token.empty()) {
    headers.push_back({"X-Amz-Security-Token", std::string(session_token)});
  }
  return headers;
}

std::string CanonicalRequest(const HttpRequestToSign& request,
                             const std::vector<http::HttpHeader>& headers) {
  std::string out = absl::StrCat(absl::AsciiStrToUpper(request.method), "\n",
                                 CanonicalUri(request.path), "\n",
                                 CanonicalQuery(request.query), "\n");
  for (const auto& [name, value] : HeadersToSign(headers)) {
    absl::StrAppend(&out, name, ":", value, "\n");
  }
  absl::StrAppend(&out, "\n", SignedHeaderNames(headers), "\n",
                  Sha256Hex(request.body));
  return out;
}

std::string SignedHeaderNames(const std::vector<http::HttpHeader>& headers) {
  std::string out;
  for (const auto& entry : HeadersToSign(headers)) {
    if (!out.empty()) out.push_back(';');
    out += entry.first;
  }
  return out;
}

std::string CredentialScope(std::string_view amz_date, std::string_view region,
                            std::string_view service) {
  return absl::StrCat(Sv(amz_date.substr(0, 8)), "/", Sv(region), "/",
                      Sv(service), "/aws4_request");
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  return absl::StrCat(kAlgorithm, "\n", Sv(amz_date), "\n", Sv(scope), "\n",
                      Sha256Hex(canonical_request));
}

std::string DeriveSigningKey(std::string_view secret_access_key,
                             std::string_view date, std::string_view region,
                             std::string_view service) {
  const std::string k_date =
      HmacSha256(absl::StrCat("AWS4", Sv(secret_access_key)), date);
  const std::string k_region = HmacSha256(k_date, region);
  const std::string k_service = HmacSha256(k_region, service);
  return HmacSha256(k_service, "aws4_request");
}

std::string SignatureHex(std::string_view signing_key,
                         std::string_view string_to_sign) {
  return HexEncode(HmacSha256(signing_key, string_to_sign));
}

Signer::Signer(std::string region, std::string service)
    : region_(std::move(region)), service_(std::move(service)) {}

std::string Signer::SigningKey(std::string_view secret_access_key,
                               std::string_view date) {
  const std::string secret_hash = Sha256(secret_access_key);
  absl::MutexLock lock(&mu_);
  if (secret_hash != cached_secret_hash_ || date != cached_date_) {
    cached_key_ = DeriveSigningKey(secret_access_key, date, region_, service_);
    cached_secret_hash_ = secret_hash;
    cached_date_ = std::string(date);
    ++derivations_;
  }
  return cached_key_;
}

int64_t Signer::derivations() const {
  absl::MutexLock lock(&mu_);
  return derivations_;
}

absl::StatusOr<std::vector<http::HttpHeader>> Signer::Sign(
    const HttpRequestToSign& request, const AwsCredentials& credentials,
    absl::Time now) {
  const auto bad_credentials = [&](std::string_view what) {
    return absl::FailedPreconditionError(absl::StrCat(
        "credentials from ", internal::Excerpt(credentials.source, kQuoteBytes),
        ": ", Sv(what)));
  };
  if (credentials.access_key_id.empty()) {
    return bad_credentials("no access key id");
  }
  // It goes into the Authorization header's Credential= unquoted.
  if (!std::all_of(credentials.access_key_id.begin(),
                   credentials.access_key_id.end(),
                   [](char c) { return absl::ascii_isalnum(c); })) {
    return bad_credentials("access key id is not alphanumeric");
  }
  if (credentials.secret_access_key.empty()) {
    return bad_credentials("no secret access key");
  }
  if (!IsVisibleAscii(credentials.session_token)) {
    return bad_credentials("session token holds spaces or control characters");
  }
  const std::string amz_date = AmzDate(now);
  absl::StatusOr<std::vector<http::HttpHeader>> headers =
      HeadersToSend(request, amz_date, credentials.session_token);
  if (!headers.ok()) return headers.status();
  const std::string scope = CredentialScope(amz_date, region_, service_);
  const std::string signature = SignatureHex(
      SigningKey(credentials.secret_access_key, amz_date.substr(0, 8)),
      StringToSign(amz_date, scope, CanonicalRequest(request, *headers)));

  std::vector<http::HttpHeader> add = {{"X-Amz-Date", amz_date}};
  if (!credentials.session_token.empty()) {
    add.push_back({"X-Amz-Security-Token", credentials.session_token});
  }
  add.push_back(
      {"Authorization",
       absl::StrCat(kAlgorithm, " Credential=", credentials.access_key_id, "/",
                    scope, ", SignedHeaders=", SignedHeaderNames(*headers),
                    ", Signature=", signature)});
  return add;
}

}  // namespace spotburst::ec2
