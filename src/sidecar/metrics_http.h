// MetricsHttpServer: serves GET /metrics (Prometheus text format 0.0.4) on
// its own address, over libmicrohttpd with its own thread. Any other path
// is 404; any method but GET and HEAD is 405.
//
//   SPOTBURST_ASSIGN_OR_RETURN(ListenAddress address,
//                              ParseMetricsListen("127.0.0.1:9464"));
//   SPOTBURST_ASSIGN_OR_RETURN(
//       auto http, MetricsHttpServer::Start(address, [&] {
//         return metrics.RenderText(); }));
//   std::cout << http->port();
#ifndef SPOTBURST_SIDECAR_METRICS_HTTP_H_
#define SPOTBURST_SIDECAR_METRICS_HTTP_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sidecar/listen_address.h"

struct MHD_Daemon;

namespace spotburst::sidecar {

inline constexpr char kMetricsContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

// The metrics_listen setting: "HOST:PORT" as for the gRPC listener, or a
// port alone ("9464" or ":9464"), which listens on 127.0.0.1. Errors start
// with "metrics_listen: ".
absl::StatusOr<ListenAddress> ParseMetricsListen(absl::string_view listen);

class MetricsHttpServer {
 public:
  // Binds `address` and serves; `render` is called on the server's thread
  // for every scrape and must be thread-safe. Unavailable naming the
  // address (and why, e.g. "address already in use") when it cannot bind.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      const ListenAddress& address, std::function<std::string()> render);

  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;
  ~MetricsHttpServer();  // stops serving; scrapes in flight are cut off

  // The port bound (the chosen one for port 0).
  int port() const { return port_; }

 private:
  explicit MetricsHttpServer(std::function<std::string()> render)
      : render_(std::move(render)) {}

  const std::function<std::string()> render_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_METRICS_HTTP_H_
