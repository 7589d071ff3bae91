// NewCurlHttpClient: the HttpClient over one libcurl easy handle.
//
// The handle is reset and configured again for every request; the reset
// keeps its connection cache, so consecutive requests to one host share a
// connection. Proxies come from the environment as libcurl reads them
// (http_proxy, https_proxy or HTTPS_PROXY, ALL_PROXY, no_proxy; not
// HTTP_PROXY), since no proxy option is ever set.
#include <curl/curl.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "spotburst/http/http_client.h"

namespace spotburst::http {
namespace {

// Debian's abseil has its own string_view, not std::string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Frees a curl_slist or a CURLU when it goes out of scope.
struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct UrlFree {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringFree {
  void operator()(char* s) const { curl_free(s); }
};
using CurlString = std::unique_ptr<char, CurlStringFree>;

// A header name is an HTTP token; a value holds no line break or NUL, so
// no header can smuggle in another one.
bool IsTokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
bool ValidHeaderName(std::string_view name) {
  return !name.empty() && name.size() <= 256 &&
         std::all_of(name.begin(), name.end(), IsTokenChar);
}
bool ValidHeaderValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) ==
         std::string_view::npos;
}
bool ValidMethod(std::string_view method) {
  return !method.empty() && method.size() <= 16 &&
         std::all_of(method.begin(), method.end(), [](char c) {
           return absl::ascii_isupper(static_cast<unsigned char>(c));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// "scheme://host[:port]" of a well-formed http(s) URL: what errors name.
// The rest of the URL (path, query, user info) stays out of messages.
absl::StatusOr<std::string> Origin(const std::string& url) {
  std::unique_ptr<CURLU, UrlFree> parsed(curl_url());
  if (parsed == nullptr) return absl::ResourceExhaustedError("out of memory");
  if (const CURLUcode code =
          curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0);
      code != CURLUE_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed URL: ", curl_url_strerror(code)));
  }
  char* raw = nullptr;
  curl_url_get(parsed.get(), CURLUPART_SCHEME, &raw, 0);
  const CurlString scheme(raw);
  raw = nullptr;
  curl_url_get(parsed.get(), CURLUPART_HOST, &raw, 0);
  const CurlString host(raw);
  raw = nullptr;
  curl_url_get(parsed.get(), CURLUPART_PORT, &raw, 0);
  const CurlString port(raw);
  const std::string_view scheme_text = scheme ? scheme.get() : "";
  if (scheme_text != "http" && scheme_text != "https") {
    return absl::InvalidArgumentError(
        "malformed URL: the scheme must be http or https");
  }
  if (host == nullptr || *host == '\0') {
    return absl::InvalidArgumentError("malformed URL: no host");
  }
  std::string origin = absl::StrCat(Sv(scheme_text), "://", host.get());
  if (port != nullptr) absl::StrAppend(&origin, ":", port.get());
  return origin;
}

// What one exchange collects, reached from curl's callbacks. The size cap
// is on the body; libcurl caps the headers itself.
struct Exchange {
  size_t max_bytes = 0;
  bool too_large = false;
  HttpResponse response;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  Exchange& exchange = *static_cast<Exchange*>(user);
  const size_t n = size * count;
  if (n > exchange.max_bytes - exchange.response.body.size()) {
    exchange.too_large = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  exchange.response.body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  Exchange& exchange = *static_cast<Exchange*>(user);
  const size_t n = size * count;
  const std::string_view line(data, n);
  std::vector<HttpHeader>& headers = exchange.response.headers;
  if (line.starts_with("HTTP/")) {
    // A new response begins (after a 100 Continue or a proxy's CONNECT
    // answer): only the last one's headers count.
    headers.clear();
    return n;
  }
  if ((line.starts_with(" ") || line.starts_with("\t")) && !headers.empty()) {
    // An obsolete folded continuation of the previous value.
    const std::string_view more = Trim(line);
    if (!more.empty()) absl::StrAppend(&headers.back().value, " ", Sv(more));
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;  // the blank line
  headers.push_back({std::string(Trim(line.substr(0, colon))),
                     std::string(Trim(line.substr(colon + 1)))});
  return n;
}

absl::Status CurlError(CURLcode code, const char* detail,
                       const std::string& what, const Exchange& exchange) {
  const std::string message = absl::StrCat(
      what, ": ", *detail != '\0' ? detail : curl_easy_strerror(code));
  if (exchange.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return absl::ResourceExhaustedError(absl::StrCat(
        what, ": response larger than ", exchange.max_bytes, " bytes"));
  }
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(message);
    case CURLE_URL_MALFORMAT:
      return absl::InvalidArgumentError(message);
    case CURLE_OUT_OF_MEMORY:
      return absl::ResourceExhaustedError(message);
    case CURLE_SSL_CACERT_BADFILE:
      // The client's configuration, not the peer: retrying will not help.
      return absl::FailedPreconditionError(message);
    default:
      // Resolving, connecting, TLS, a connection broken mid-response, an
      // answer that is not HTTP: no whole response from the peer.
      return absl::UnavailableError(message);
  }
}

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlOptions options)
      : options_(std::move(options)), handle_(curl_easy_init()) {}
  ~CurlHttpClient() override {
    if (handle_ != nullptr) curl_easy_cleanup(handle_);
  }

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    absl::StatusOr<std::string> origin = Origin(request.url);
    if (!origin.ok()) return origin.status();
    const std::string what =
        absl::StrCat("HTTP ", Sv(request.method), " ", *origin);
    if (!ValidMethod(request.method)) {
      return absl::InvalidArgumentError(
          absl::StrCat("HTTP request to ", *origin,
                       ": the method must be upper-case letters"));
    }
    std::unique_ptr<curl_slist, SlistFree> headers;
    bool has_content_type = false;
    auto add = [&](const std::string& line) {
      curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
      if (grown == nullptr) return false;
      headers.release();
      headers.reset(grown);
      return true;
    };
    for (const HttpHeader& header : request.headers) {
      if (!ValidHeaderName(header.name)) {
        return absl::InvalidArgumentError(
            absl::StrCat(what,
                         ": a request header name is empty, too long or not an "
                         "HTTP token"));
      }
      if (!ValidHeaderValue(header.value)) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": request header ", header.name,
                         ": the value holds a line break or NUL"));
      }
      has_content_type |= absl::EqualsIgnoreCase(header.name, "Content-Type");
      // "Name;" is curl's way to send a header with an empty value.
      if (!add(header.value.empty()
                   ? absl::StrCat(header.name, ";")
                   : absl::StrCat(header.name, ": ", header.value))) {
        return absl::ResourceExhaustedError("out of memory");
      }
    }
    // curl would add these; they are not the caller's.
    if (!add("Expect:") || (!has_content_type && !add("Content-Type:"))) {
      return absl::ResourceExhaustedError("out of memory");
    }

    const absl::Duration timeout = request.timeout > absl::ZeroDuration()
                                       ? request.timeout
                                       : options_.timeout;
    Exchange exchange{.max_bytes = options_.max_response_bytes};
    char detail[CURL_ERROR_SIZE] = "";

    absl::MutexLock lock(&mu_);
    if (handle_ == nullptr) handle_ = curl_easy_init();  // failed before
    if (handle_ == nullptr) {
      return absl::ResourceExhaustedError(
          absl::StrCat(what, ": libcurl could not make a handle"));
    }
    CURL* h = handle_;
    curl_easy_reset(h);  // keeps the connection cache
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    // A redirect is the caller's to read (a Mesos master's 307 names the
    // leader), never followed here.
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    // HTTP/1.1 as botocore speaks it to AWS: the Host header goes as
    // signed, not turned into HTTP/2's :authority.
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION,
                     static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(
        h, CURLOPT_CONNECTTIMEOUT_MS,
        static_cast<long>(std::max<int64_t>(
            1, absl::ToInt64Milliseconds(options_.connect_timeout))));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(std::max<int64_t>(
                         1, absl::ToInt64Milliseconds(timeout))));
    // Refuses a too large Content-Length before the body; OnBody catches
    // the rest.
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(std::min<size_t>(
                         options_.max_response_bytes, INT64_MAX)));
    // Verified always (libcurl's defaults, stated); a CA file of the
    // caller's replaces the system's certificates rather than adding to
    // them.
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_file.empty()) {
      curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
      curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);
    }
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &exchange);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &exchange);
    if (request.method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (request.method != "GET" || !request.body.empty()) {
      // The body's exact bytes, with a Content-Length; the method name is
      // sent as given.
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      if (request.method != "POST") {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      }
    }
    const CURLcode code = curl_easy_perform(h);
    // No option may point into this call's locals after it.
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, nullptr);
    if (code != CURLE_OK) return CurlError(code, detail, what, exchange);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    exchange.response.status = static_cast<int>(status);
    return std::move(exchange.response);
  }

 private:
  const CurlOptions options_;
  absl::Mutex mu_;
  CURL* handle_ ABSL_GUARDED_BY(mu_);  // connections live in it
};

}  // namespace

std::unique_ptr<HttpClient> NewCurlHttpClient(CurlOptions options) {
  GlobalInitOnce();
  return std::make_unique<CurlHttpClient>(std::move(options));
}

}  // namespace spotburst::http
