// HTTP to masters and Marathon: basic auth, bounded retries within a tick,
// and errors that name the endpoint and never a credential.
#ifndef SPOTBURST_ADAPTERS_MESOS_SRC_MESOS_HTTP_H_
#define SPOTBURST_ADAPTERS_MESOS_SRC_MESOS_HTTP_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/http/http_client.h"

namespace spotburst::mesos {

struct BasicAuth {
  std::string user;
  std::string password;
};

class MesosHttp {
 public:
  // `client` is borrowed and must outlive this.
  MesosHttp(http::HttpClient& client, int max_attempts, absl::Duration timeout)
      : client_(client), max_attempts_(max_attempts), timeout_(timeout) {}

  // GET or POST (with a JSON body) `base` + `path`. A 5xx answer, a peer
  // that cannot be reached or a timeout is tried again, up to the attempts
  // allowed, a little later each time; any other answer (200, 307, 4xx) is
  // returned as it is. 401 and 403 become PermissionDenied, never quoting
  // the credentials. Errors start with `what` and the URL.
  absl::StatusOr<http::HttpResponse> Get(const std::string& base,
                                         std::string_view path,
                                         const std::optional<BasicAuth>& auth,
                                         std::string_view what);
  absl::StatusOr<http::HttpResponse> PostJson(
      const std::string& base, std::string_view path, std::string body,
      const std::optional<BasicAuth>& auth, std::string_view what);

 private:
  absl::StatusOr<http::HttpResponse> Send(http::HttpRequest request,
                                          const std::optional<BasicAuth>& auth,
                                          std::string_view what);

  http::HttpClient& client_;
  int max_attempts_;
  absl::Duration timeout_;
};

// The value of header `name` (case-insensitive), or nullopt.
std::optional<std::string> HeaderValue(const http::HttpResponse& response,
                                       std::string_view name);

// At most a short line of an answer's body, for an error message.
std::string BodyExcerpt(std::string_view body);

}  // namespace spotburst::mesos

#endif  // SPOTBURST_ADAPTERS_MESOS_SRC_MESOS_HTTP_H_
