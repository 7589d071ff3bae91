// GET /metrics over libmicrohttpd.
#include "sidecar/metrics_http.h"

#include <microhttpd.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstring>
#include <string>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace spotburst::sidecar {
namespace {

// Scrapers are few; a stuck one must not hold a connection forever.
constexpr unsigned int kMaxConnections = 32;
constexpr unsigned int kConnectionTimeoutSeconds = 10;

MHD_Result Respond(MHD_Connection* connection, unsigned int code,
                   const std::string& body, const char* content_type,
                   const char* allow = nullptr) {
  MHD_Response* response = MHD_create_response_from_buffer(
      body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  if (allow != nullptr) {
    MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, allow);
  }
  const MHD_Result result = MHD_queue_response(connection, code, response);
  MHD_destroy_response(response);
  return result;
}

MHD_Result Handle(void* cls, MHD_Connection* connection, const char* url,
                  const char* method, const char* /*version*/,
                  const char* /*upload_data*/, size_t* upload_data_size,
                  void** /*request*/) {
  const auto& render = *static_cast<const std::function<std::string()>*>(cls);
  // A body (of a POST, say) is not read: the answer is the same, and the
  // connection is closed after it.
  *upload_data_size = 0;
  const bool get = std::strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
                   std::strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
  if (std::strcmp(url, "/metrics") != 0) {
    return Respond(connection, MHD_HTTP_NOT_FOUND,
                   "not found: metrics are at /metrics\n",
                   "text/plain; charset=utf-8");
  }
  if (!get) {
    return Respond(connection, MHD_HTTP_METHOD_NOT_ALLOWED,
                   "method not allowed: use GET\n", "text/plain; charset=utf-8",
                   "GET, HEAD");
  }
  return Respond(connection, MHD_HTTP_OK, render(), kMetricsContentType);
}

std::string Unbracketed(const std::string& host) {
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

}  // namespace

absl::StatusOr<ListenAddress> ParseMetricsListen(absl::string_view listen) {
  std::string full(listen);
  // A port alone listens on loopback, like the gRPC listener's default.
  if (!listen.empty() && absl::c_all_of(listen, absl::ascii_isdigit)) {
    full = absl::StrCat("127.0.0.1:", listen);
  } else if (absl::StartsWith(listen, ":")) {
    full = absl::StrCat("127.0.0.1", listen);
  }
  absl::StatusOr<ListenAddress> address = ParseListenAddress(full);
  if (!address.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics_", address.status().message()));
  }
  return address;
}

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const ListenAddress& address, std::function<std::string()> render) {
  std::unique_ptr<MetricsHttpServer> server(
      new MetricsHttpServer(std::move(render)));
  const std::string where = absl::StrCat(address.host, ":", address.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = absl::StrCat(address.port);
  if (const int error = getaddrinfo(Unbracketed(address.host).c_str(),
                                    port.c_str(), &hints, &found);
      error != 0) {
    return absl::UnavailableError(
        absl::StrFormat("metrics_listen: cannot resolve %s: %s", where,
                        absl::AsciiStrToLower(gai_strerror(error))));
  }
  unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD;
  if (found->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
  // The address is bound here; the port argument is ignored with SOCK_ADDR.
  server->daemon_ = MHD_start_daemon(
      flags, static_cast<uint16_t>(address.port), nullptr, nullptr, &Handle,
      const_cast<std::function<std::string()>*>(&server->render_),
      MHD_OPTION_SOCK_ADDR, found->ai_addr, MHD_OPTION_CONNECTION_LIMIT,
      kMaxConnections, MHD_OPTION_CONNECTION_TIMEOUT, kConnectionTimeoutSeconds,
      MHD_OPTION_END);
  freeaddrinfo(found);
  if (server->daemon_ == nullptr) {
    const std::string why = BindError(address);
    return absl::UnavailableError(
        absl::StrCat("metrics_listen: cannot listen on ", where,
                     why.empty() ? "" : ": ", why));
  }
  const MHD_DaemonInfo* info =
      MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info != nullptr ? info->port : address.port;
  return server;
}

MetricsHttpServer::~MetricsHttpServer() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
}

}  // namespace spotburst::sidecar
