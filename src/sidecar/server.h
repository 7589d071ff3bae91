// SidecarServer: spotburstd's gRPC server, started and stopped as a value.
//
// Start loads the named policies, opens the decision log, and serves
// spotburst.v1.PolicyService, spotburst.v1.ControllerService, the standard
// grpc.health.v1.Health service (SERVING for "" and the services once
// started) and server reflection, on one address, in plaintext or TLS
// (mutual TLS with a client CA). With `managed` set it also runs the
// control loop (ManagedController) from the moment it serves. Shutdown
// stops the loop after its tick in flight, ends the decision streams,
// stops taking calls, gives calls in flight until a deadline to finish,
// then writes out the decision log. The daemon, the tests and the load
// generator all start the server this way.
//
//   SidecarOptions options;
//   options.listen = "127.0.0.1:0";  // any free port
//   SPOTBURST_ASSIGN_OR_RETURN(auto server, SidecarServer::Start(options));
//   std::cout << server->port();
//   server->Shutdown(absl::Now() + absl::Seconds(10));
#ifndef SPOTBURST_SIDECAR_SERVER_H_
#define SPOTBURST_SIDECAR_SERVER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "sidecar/call_limits.h"
#include "sidecar/controller_service.h"
#include "sidecar/decision_hub.h"
#include "sidecar/decision_log.h"
#include "sidecar/event_log.h"
#include "sidecar/managed_controller.h"
#include "sidecar/memory_trimmer.h"
#include "sidecar/metrics_http.h"
#include "sidecar/policy_service.h"
#include "sidecar/policy_store.h"
#include "sidecar/sidecar_metrics.h"
#include "sidecar/unknown_method.h"

namespace spotburst::sidecar {

// PEM files. Empty cert_file: plaintext.
struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  // Non-empty: mutual TLS; clients must present a certificate it signed.
  std::string client_ca_file;
};

struct SidecarOptions {
  // host:port; port 0 picks a free port (see SidecarServer::port()).
  std::string listen = "127.0.0.1:50551";
  // Prometheus metrics over HTTP (GET /metrics): host:port, or a port alone
  // on 127.0.0.1; port 0 picks a free port (see metrics_port()). Empty: off.
  std::string metrics_listen;
  TlsFiles tls;
  // Policies to load at startup: name -> file.
  std::map<std::string, std::string> policy_files;
  // Empty path: no decision log.
  DecisionLogOptions decision_log;
  // Largest request accepted, bytes (1 KiB .. 256 MiB); larger ones get
  // RESOURCE_EXHAUSTED.
  int64_t max_request_bytes = int64_t{4} << 20;
  // How much work the daemon takes on: calls in flight, fleet and market
  // counts per Evaluate (see CallLimits).
  CallLimits limits;
  // gRPC's resource quota: memory for connections, their buffers and
  // calls, bytes (16 MiB .. 64 GiB). Under pressure gRPC shrinks its
  // buffers and stops reading from connections rather than grow.
  int64_t grpc_memory_bytes = int64_t{1} << 30;
  // Managed mode: plan but apply nothing. Stateless calls ignore it.
  bool dry_run = false;
  // Set: managed mode, the daemon runs the control loop. Its policy must be
  // one of policy_files.
  std::optional<ManagedOptions> managed;
  // How long calls in flight get to finish on shutdown (0 .. 10 min).
  absl::Duration shutdown_grace = absl::Seconds(10);
  // The format of the event lines on stderr. The daemon's main applies it
  // (SetLogFormat) as soon as it is known; Start leaves it alone.
  LogFormat log_format = LogFormat::kKeyValue;

  // InvalidArgument naming the option, the value and the accepted range.
  absl::Status Validate() const;
};

class SidecarServer {
 public:
  // InvalidArgument for bad options or a policy that fails to load;
  // NotFound for a missing policy or certificate file; Unavailable when the
  // address cannot be bound (another process listens there: two daemons
  // never share a port) or gRPC bound another port than the one asked for.
  static absl::StatusOr<std::unique_ptr<SidecarServer>> Start(
      SidecarOptions options);

  SidecarServer(const SidecarServer&) = delete;
  SidecarServer& operator=(const SidecarServer&) = delete;
  ~SidecarServer();  // Shutdown(absl::Now())

  // The port bound (the chosen one when options.listen asked for port 0).
  int port() const { return port_; }
  // The metrics port bound; 0 when metrics_listen is off.
  int metrics_port() const {
    return metrics_http_ != nullptr ? metrics_http_->port() : 0;
  }
  const SidecarOptions& options() const { return options_; }
  const PolicyStore& policies() const { return *policies_; }
  // Null when there is no decision log.
  DecisionLog* decision_log() { return decision_log_.get(); }
  // Null in stateless mode.
  ManagedController* managed() { return managed_.get(); }
  PolicyServiceImpl& policy_service() { return *policy_service_; }

  // Reports NOT_SERVING, stops accepting calls, lets calls in flight run
  // until `deadline` (then cancels them), and closes the decision log after
  // the last call has finished. Idempotent; safe from any thread but a
  // call handler.
  void Shutdown(absl::Time deadline);

 private:
  explicit SidecarServer(SidecarOptions options)
      : options_(std::move(options)) {}

  const SidecarOptions options_;
  std::unique_ptr<PolicyStore> policies_;
  std::unique_ptr<DecisionLog> decision_log_;
  std::unique_ptr<PolicyServiceImpl> policy_service_;
  DecisionHub hub_;
  // Before managed_, which feeds them, and the HTTP server, which reads them.
  std::unique_ptr<SidecarMetrics> metrics_;
  std::unique_ptr<MetricsHttpServer> metrics_http_;
  std::unique_ptr<ManagedController> managed_;
  std::unique_ptr<ControllerServiceImpl> controller_service_;
  std::unique_ptr<UnknownMethodService> unknown_method_service_;
  std::unique_ptr<MemoryTrimmer> trimmer_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::once_flag shutdown_once_;
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_SERVER_H_
