// Server startup and shutdown: credentials, services, health, reflection.
#include "sidecar/server.h"

#include <unistd.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "sidecar/file_state_store.h"
#include "sidecar/listen_address.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/status_macros.h"

namespace spotburst::sidecar {
namespace {

// HA's identity when the configuration names none: "host-a:50551" (with a
// port picked at start, "host-a/pid 1234", since the port is not known
// yet).
std::string DefaultIdentity(const std::string& listen) {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  const std::string name = host[0] != '\0' ? host : "unknown-host";
  absl::StatusOr<ListenAddress> address = ParseListenAddress(listen);
  if (address.ok() && address->port != 0) {
    return absl::StrCat(name, ":", address->port);
  }
  return absl::StrCat(name, "/pid ", getpid());
}

// PEM files are a few kilobytes.
constexpr size_t kMaxPemBytes = 1 << 20;
// Streams one client connection may have open at once; more wait, which
// keeps a single greedy client from taking all the memory.
constexpr int kMaxConcurrentStreams = 256;
// How often memory freed after a burst is given back while idle.
constexpr absl::Duration kTrimInterval = absl::Seconds(5);
constexpr char kPolicyServiceName[] = "spotburst.v1.PolicyService";
constexpr char kControllerServiceName[] = "spotburst.v1.ControllerService";
// Health name that serves only while this daemon applies plans (managed
// mode, and with HA only the leader): for a check that must find the
// acting replica.
constexpr char kLeaderHealthName[] = "spotburst.v1.ControllerService.leader";

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const TlsFiles& tls) {
  if (tls.cert_file.empty()) return grpc::InsecureServerCredentials();
  // Contents never reach a log or an error message: only the paths do.
  SPOTBURST_ASSIGN_OR_RETURN(
      std::string cert,
      internal::ReadFileToString(tls.cert_file, "tls.cert_file", kMaxPemBytes));
  SPOTBURST_ASSIGN_OR_RETURN(
      std::string key,
      internal::ReadFileToString(tls.key_file, "tls.key_file", kMaxPemBytes));
  std::string client_ca;
  if (!tls.client_ca_file.empty()) {
    SPOTBURST_ASSIGN_OR_RETURN(
        client_ca, internal::ReadFileToString(
                       tls.client_ca_file, "tls.client_ca_file", kMaxPemBytes));
  }
  grpc::SslServerCredentialsOptions options(
      client_ca.empty()
          ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = std::move(client_ca);
  options.pem_key_cert_pairs.push_back(
      {.private_key = std::move(key), .cert_chain = std::move(cert)});
  return grpc::SslServerCredentials(options);
}

// Process-wide gRPC settings, made once before the first server is built.
void SetUpGrpcOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Debian builds abseil with mutex deadlock detection on, which adds a
    // global graph update to every lock gRPC takes (5-10 % of an empty
    // call's time). It is a debugging aid; a server does without.
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    // Links the grpc.health.v1 descriptors in, so that reflection can
    // describe the health service to tools.
    grpc::health::v1::HealthCheckRequest::descriptor();
  });
}

}  // namespace

absl::Status SidecarOptions::Validate() const {
  if (absl::StatusOr<ListenAddress> address = ParseListenAddress(listen);
      !address.ok()) {
    return address.status();
  }
  if (!metrics_listen.empty()) {
    if (absl::StatusOr<ListenAddress> address =
            ParseMetricsListen(metrics_listen);
        !address.ok()) {
      return address.status();
    }
  }
  if (absl::Status valid = limits.Validate(); !valid.ok()) return valid;
  if (grpc_memory_bytes < (int64_t{16} << 20) ||
      grpc_memory_bytes > (int64_t{64} << 30)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "grpc_memory_bytes: %d is out of range [16777216, 68719476736]",
        grpc_memory_bytes));
  }
  if (max_request_bytes < 1024 || max_request_bytes > (int64_t{256} << 20)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "max_request_bytes: %d is out of range [1024, 268435456]",
        max_request_bytes));
  }
  if (shutdown_grace < absl::ZeroDuration() ||
      shutdown_grace > absl::Minutes(10)) {
    return absl::InvalidArgumentError(
        absl::StrCat("shutdown_grace_s: ", absl::FormatDuration(shutdown_grace),
                     " is out of range [0, 600] s"));
  }
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        tls.cert_file.empty() ? "tls.cert_file: required with tls.key_file"
                              : "tls.key_file: required with tls.cert_file");
  }
  if (!tls.client_ca_file.empty() && tls.cert_file.empty()) {
    return absl::InvalidArgumentError(
        "tls.client_ca_file: mutual TLS needs tls.cert_file and "
        "tls.key_file too");
  }
  if (managed.has_value()) {
    if (absl::Status valid = managed->Validate(); !valid.ok()) return valid;
    if (!policy_files.contains(managed->policy_name)) {
      std::vector<std::string> names;
      for (const auto& [name, file] : policy_files) names.push_back(name);
      return absl::InvalidArgumentError(absl::StrFormat(
          "managed.policy: no policy named \"%s\" in policies (loaded: %s)",
          managed->policy_name,
          names.empty() ? "none" : absl::StrJoin(names, ", ")));
    }
  }
  if (!decision_log.path.empty()) return decision_log.Validate();
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<SidecarServer>> SidecarServer::Start(
    SidecarOptions options) {
  SPOTBURST_RETURN_IF_ERROR(options.Validate());
  std::unique_ptr<SidecarServer> server(new SidecarServer(std::move(options)));
  const SidecarOptions& opts = server->options_;
  SPOTBURST_ASSIGN_OR_RETURN(server->policies_,
                             PolicyStore::Create(opts.policy_files));
  if (!opts.decision_log.path.empty()) {
    SPOTBURST_ASSIGN_OR_RETURN(server->decision_log_,
                               DecisionLog::Open(opts.decision_log));
  }
  SPOTBURST_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> creds,
                             Credentials(opts.tls));
  server->policy_service_ = std::make_unique<PolicyServiceImpl>(
      *server->policies_, server->decision_log_.get(), opts.limits);
  if (opts.managed.has_value()) {
    SPOTBURST_ASSIGN_OR_RETURN(
        std::shared_ptr<const ResolvedPolicy> policy,
        server->policies_->FromName(opts.managed->policy_name));
    ManagedOptions managed = *opts.managed;
    // A dry run acts on nothing, so it neither reads nor writes the state,
    // nor stands for election: a rehearsal beside the real daemon never
    // takes its lock or its leadership.
    std::unique_ptr<StateStore> store;
    if (opts.dry_run) {
      managed.ha.reset();
      managed.state_file.clear();
    } else if (!managed.state_file.empty()) {
      absl::StatusOr<std::unique_ptr<FileStateStore>> file =
          FileStateStore::Open(managed.state_file);
      if (!file.ok()) return file.status();
      store = *std::move(file);
    }
    if (managed.ha && managed.ha->identity.empty()) {
      managed.ha->identity = DefaultIdentity(opts.listen);
    }
    SPOTBURST_ASSIGN_OR_RETURN(
        server->managed_,
        ManagedController::Create(
            managed, *policy, server->policies_->registry(), opts.dry_run,
            server->decision_log_.get(), server->hub_, std::move(store)));
  }
  server->controller_service_ = std::make_unique<ControllerServiceImpl>(
      server->managed_.get(), &server->hub_);
  if (!opts.metrics_listen.empty()) {
    server->metrics_ = std::make_unique<SidecarMetrics>(
        /*leader=*/server->managed_ != nullptr);
    if (server->managed_ != nullptr) {
      server->managed_->SetTickObserver(
          [metrics = server->metrics_.get()](const TickReport& report,
                                             absl::Duration took) {
            metrics->ObserveTick(report, took);
          });
    }
    SPOTBURST_ASSIGN_OR_RETURN(
        server->metrics_http_,
        MetricsHttpServer::Start(*ParseMetricsListen(opts.metrics_listen),
                                 [metrics = server->metrics_.get(),
                                  log = server->decision_log_.get()] {
                                   if (log != nullptr)
                                     metrics->ObserveDecisionLog(log->stats());
                                   return metrics->RenderText();
                                 }));
  }

  SetUpGrpcOnce();
  const ListenAddress address = *ParseListenAddress(opts.listen);
  server->unknown_method_service_ =
      std::make_unique<UnknownMethodService>(absl::StrJoin(
          {kPolicyServiceName, kControllerServiceName, "grpc.health.v1.Health",
           "grpc.reflection.v1alpha.ServerReflection"},
          ", "));
  grpc::ResourceQuota quota("spotburstd");
  quota.Resize(static_cast<size_t>(opts.grpc_memory_bytes));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(opts.listen, creds, &server->port_);
  builder.RegisterService(server->policy_service_.get());
  builder.RegisterService(server->controller_service_.get());
  builder.RegisterCallbackGenericService(server->unknown_method_service_.get());
  builder.SetMaxReceiveMessageSize(static_cast<int>(opts.max_request_bytes));
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             kMaxConcurrentStreams);
  // gRPC turns SO_REUSEPORT on by default: a second daemon on the same
  // port would then start and take half of the first one's calls.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    const std::string why = BindError(address);
    return absl::UnavailableError(absl::StrFormat(
        "listen: cannot serve on %s (%s)", opts.listen,
        why.empty() ? "not a local address, or an unusable TLS certificate "
                      "or key"
                    : why));
  }
  if (address.port != 0 && server->port_ != address.port) {
    const int bound = server->port_;
    server->Shutdown(absl::Now());
    return absl::UnavailableError(absl::StrFormat(
        "listen: asked for port %d but gRPC bound %d; refusing to serve "
        "where clients do not expect it",
        address.port, bound));
  }
  server->trimmer_ = std::make_unique<MemoryTrimmer>(
      kTrimInterval, [service = server->policy_service_.get()] {
        return service->inflight() == 0;
      });
  grpc::HealthCheckServiceInterface* health =
      server->server_->GetHealthCheckService();
  health->SetServingStatus("", true);
  health->SetServingStatus(kPolicyServiceName, true);
  health->SetServingStatus(kControllerServiceName, server->managed_ != nullptr);
  if (server->managed_ != nullptr) {
    // kLeaderHealthName serves only while this daemon applies plans: with
    // HA, a standby answers NOT_SERVING there.
    server->managed_->SetLeadershipObserver(
        [health, metrics = server->metrics_.get()](bool leading) {
          health->SetServingStatus(kLeaderHealthName, leading);
          if (metrics != nullptr) metrics->SetLeader(leading);
        });
    server->managed_->Start();
  }
  return server;
}

SidecarServer::~SidecarServer() { Shutdown(absl::Now()); }

void SidecarServer::Shutdown(absl::Time deadline) {
  std::call_once(shutdown_once_, [&] {
    // The loop first: its tick in flight finishes and is recorded and
    // streamed; then the streams end (OK, once their queues are written),
    // so the server's shutdown does not wait on them.
    if (managed_ != nullptr) managed_->Stop();
    hub_.Close();
    if (server_ != nullptr) {
      // Health checkers see NOT_SERVING while calls drain.
      server_->GetHealthCheckService()->Shutdown();
      server_->Shutdown(absl::ToChronoTime(deadline));
      server_->Wait();
    }
    // What is still queued gets what is left of the grace period.
    if (decision_log_ != nullptr) decision_log_->Close(deadline);
    trimmer_.reset();
  });
}

}  // namespace spotburst::sidecar
