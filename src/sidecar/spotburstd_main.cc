// spotburstd: the spotburst sidecar, a gRPC server over the policy engine.
//
//   spotburstd [--config FILE] [--listen HOST:PORT] [--policy NAME=FILE,...]
//              [--tls_cert F --tls_key F [--tls_client_ca F]]
//              [--decision_log FILE] [--max_request_bytes N] [--dry_run]
//              [--max_inflight_calls N] [--max_fleet_instances N] ...
//
// Flags override the config file. With a `managed:` section in the config
// file the daemon also runs the control loop (managed mode). Logs one
// key=value line per event on stderr, or one JSON object per line with
// --log_format=json. SIGTERM or SIGINT: finish the tick in
// flight, stop taking calls, let calls in flight finish (up to the shutdown
// grace), write out the decision log, exit 0.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "google/protobuf/stubs/logging.h"
#include "grpc/support/log.h"
#include "sidecar/config.h"
#include "sidecar/config_check.h"
#include "sidecar/event_log.h"
#include "sidecar/listen_address.h"
#include "sidecar/server.h"
#include "spotburst/internal/installed_files.h"

ABSL_FLAG(std::string, config, "",
          "configuration file (YAML; see proto/spotburst/v1/"
          "sidecar_config.proto)");
ABSL_FLAG(std::optional<std::string>, listen, std::nullopt,
          "address to listen on, host:port (default 127.0.0.1:50551; port 0 "
          "picks a free port)");
ABSL_FLAG(std::optional<std::string>, metrics_listen, std::nullopt,
          "serve Prometheus metrics over HTTP (GET /metrics) on this "
          "address, host:port or a port alone on 127.0.0.1 (default off; "
          "port 0 picks a free port)");
ABSL_FLAG(std::vector<std::string>, policy, {},
          "policies to load, NAME=FILE[,NAME=FILE...]; requests select one "
          "with policy_name");
ABSL_FLAG(std::optional<std::string>, tls_cert, std::nullopt,
          "server certificate chain (PEM); turns TLS on");
ABSL_FLAG(std::optional<std::string>, tls_key, std::nullopt,
          "server private key (PEM)");
ABSL_FLAG(std::optional<std::string>, tls_client_ca, std::nullopt,
          "CA certificates for client certificates (PEM); turns mutual TLS "
          "on");
ABSL_FLAG(std::optional<int64_t>, max_request_bytes, std::nullopt,
          "largest request accepted, bytes (default 4194304)");
ABSL_FLAG(std::optional<std::string>, decision_log, std::nullopt,
          "decision log file (JSON lines; rotated per the config file)");
ABSL_FLAG(std::optional<int>, max_inflight_calls, std::nullopt,
          "Evaluate and ComputeBid calls worked on at once; more get "
          "RESOURCE_EXHAUSTED at once (default 8)");
ABSL_FLAG(std::optional<int>, max_fleet_instances, std::nullopt,
          "burst instances one Evaluate may carry (default 5000)");
ABSL_FLAG(std::optional<int>, max_fleet_requests, std::nullopt,
          "spot requests one Evaluate may carry (default 5000)");
ABSL_FLAG(std::optional<int>, max_markets, std::nullopt,
          "markets one Evaluate may carry (default 1000)");
ABSL_FLAG(std::optional<int>, max_price_points, std::nullopt,
          "raw price points (price_history) one Evaluate or ComputeBid may "
          "carry (default 100000)");
ABSL_FLAG(std::optional<int64_t>, grpc_memory_bytes, std::nullopt,
          "gRPC's memory quota for connections and calls in transit, bytes "
          "(default 1073741824)");
ABSL_FLAG(bool, dry_run, false, "managed mode: make plans but apply none");
ABSL_FLAG(bool, wait_for_watcher, false,
          "managed mode: hold the first tick until a WatchDecisions stream "
          "is open, so that a watcher started with the daemon sees every "
          "decision");
ABSL_FLAG(std::optional<std::string>, log_format, std::nullopt,
          "event lines on stderr: text (key=value) or json (one object per "
          "line) (default text)");
ABSL_FLAG(std::optional<absl::Duration>, shutdown_grace, std::nullopt,
          "how long calls in flight get to finish on SIGTERM (default 10s)");
ABSL_FLAG(bool, check_config, false,
          "load and check everything the daemon would at startup (the "
          "configuration, policies, TLS files, the managed world), print "
          "\"config ok: ...\" and exit 0, or the error and exit 2; listens "
          "on nothing and contacts nothing");

namespace spotburst::sidecar {
namespace {

constexpr char kUsage[] = R"(spotburstd: the spotburst sidecar (gRPC).

usage:
  spotburstd [--config FILE] [--listen HOST:PORT] [--policy NAME=FILE,...]
             [--metrics_listen HOST:PORT]
             [--tls_cert FILE --tls_key FILE [--tls_client_ca FILE]]
             [--decision_log FILE] [--max_request_bytes BYTES] [--dry_run]
             [--log_format text|json] [--shutdown_grace DURATION] [--version]

Serves spotburst.v1.PolicyService, spotburst.v1.ControllerService,
grpc.health.v1.Health and server reflection. With a managed: section in the
config file it also runs the control loop (e.g. --config
examples/sidecar/managed-sim.yaml). Flags override the config file.)";

#ifndef SPOTBURST_VERSION
#error "SPOTBURST_VERSION must be defined by the build (CMake PROJECT_VERSION)"
#endif
#ifndef SPOTBURST_BUILD_TYPE
#define SPOTBURST_BUILD_TYPE ""
#endif

std::string VersionText() {
  const absl::string_view build_type = SPOTBURST_BUILD_TYPE;
  return absl::StrCat("spotburstd ", SPOTBURST_VERSION, " (",
                      build_type.empty() ? "unnamed" : build_type, " build)");
}

// The usage and the flags this file defines (not absl's or gRPC's), each
// with its default: absl's own --help shows the build's source paths.
std::string HelpText() {
  std::vector<const absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (absl::EndsWith(flag->Filename(), "spotburstd_main.cc")) {
      flags.push_back(flag);
    }
  }
  std::sort(flags.begin(), flags.end(),
            [](const auto* a, const auto* b) { return a->Name() < b->Name(); });
  std::string out = absl::StrCat(kUsage, "\n\nflags:\n");
  for (const absl::CommandLineFlag* flag : flags) {
    const std::string value = flag->DefaultValue();
    absl::StrAppend(
        &out, "  --", flag->Name(),
        value.empty() ? "" : absl::StrCat(" (default: ", value, ")"),
        "\n      ", flag->Help(), "\n");
  }
  absl::StrAppend(&out, "  --version\n      the version and build type\n");
  return out;
}

// --help, -h or --version (and absl's --helpfull and the like): prints the
// answer and returns 0; nullopt when the command line asks for neither.
std::optional<int> AnswerHelpOrVersion(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "help") arg = "--help";
    if (arg.size() < 2 || arg[0] != '-') continue;
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    arg = arg.substr(0, arg.find('='));
    if (arg == "h" || absl::StartsWith(arg, "help")) {
      std::cout << HelpText();
      return 0;
    }
    if (arg == "version") {
      std::cout << VersionText() << "\n";
      return 0;
    }
  }
  return std::nullopt;
}

absl::StatusOr<SidecarOptions> OptionsFromFlags() {
  SidecarOptions options;
  std::optional<LogFormat> log_format;
  if (auto v = absl::GetFlag(FLAGS_log_format)) {
    absl::StatusOr<LogFormat> format = ParseLogFormat(*v);
    if (!format.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--log_format: ", format.status().message()));
    }
    log_format = *format;
    // At once: the config file's own errors are logged in it too.
    SetLogFormat(*format);
  }
  if (const std::string config = absl::GetFlag(FLAGS_config); !config.empty()) {
    // A relative path is read from here, else from the installation (so
    // --config examples/sidecar/managed-sim.yaml works from anywhere).
    const std::string path = internal::FindInstalledFile(config);
    if (path != config) {
      LogEvent("config_from_installation",
               {{"config", config}, {"path", path}});
    }
    if (absl::Status s = ApplyConfigFile(path, options); !s.ok()) return s;
  }
  if (log_format.has_value()) options.log_format = *log_format;
  SetLogFormat(options.log_format);
  if (auto v = absl::GetFlag(FLAGS_listen)) options.listen = *v;
  if (auto v = absl::GetFlag(FLAGS_metrics_listen)) options.metrics_listen = *v;
  for (const std::string& entry : absl::GetFlag(FLAGS_policy)) {
    std::vector<std::string> parts =
        absl::StrSplit(entry, absl::MaxSplits('=', 1));
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--policy: \"", entry, "\" is not NAME=FILE"));
    }
    options.policy_files[parts[0]] = parts[1];
  }
  if (auto v = absl::GetFlag(FLAGS_tls_cert)) options.tls.cert_file = *v;
  if (auto v = absl::GetFlag(FLAGS_tls_key)) options.tls.key_file = *v;
  if (auto v = absl::GetFlag(FLAGS_tls_client_ca)) {
    options.tls.client_ca_file = *v;
  }
  if (auto v = absl::GetFlag(FLAGS_max_request_bytes)) {
    options.max_request_bytes = *v;
  }
  if (auto v = absl::GetFlag(FLAGS_decision_log)) {
    options.decision_log.path = *v;
  }
  if (auto v = absl::GetFlag(FLAGS_max_inflight_calls)) {
    options.limits.max_inflight_calls = *v;
  }
  if (auto v = absl::GetFlag(FLAGS_max_fleet_instances)) {
    options.limits.max_fleet_instances = *v;
  }
  if (auto v = absl::GetFlag(FLAGS_max_fleet_requests)) {
    options.limits.max_fleet_requests = *v;
  }
  if (auto v = absl::GetFlag(FLAGS_max_markets)) {
    options.limits.max_markets = *v;
  }
  if (auto v = absl::GetFlag(FLAGS_max_price_points)) {
    options.limits.max_price_points = *v;
  }
  if (auto v = absl::GetFlag(FLAGS_grpc_memory_bytes)) {
    options.grpc_memory_bytes = *v;
  }
  options.dry_run = options.dry_run || absl::GetFlag(FLAGS_dry_run);
  if (absl::GetFlag(FLAGS_wait_for_watcher)) {
    if (!options.managed.has_value()) {
      return absl::InvalidArgumentError(
          "--wait_for_watcher: needs managed mode (a managed: section in the "
          "configuration)");
    }
    options.managed->wait_for_watcher = true;
  }
  if (auto v = absl::GetFlag(FLAGS_shutdown_grace)) {
    options.shutdown_grace = *v;
  }
  return options;
}

// "127.0.0.1:0" with the port actually bound.
std::string BoundAddress(const std::string& listen, int port) {
  const size_t colon = listen.rfind(':');
  return absl::StrCat(listen.substr(0, colon), ":", port);
}

std::string OnOff(bool on) { return on ? "on" : "off"; }

// gRPC's own messages (handshake failures, say) as events like the rest,
// at most one a second: a port scanner must not flood the log.
void LogGrpcMessage(gpr_log_func_args* args) {
  static LogRateLimiter* limiter = new LogRateLimiter(absl::Seconds(1));
  int64_t suppressed = 0;
  if (!limiter->Allow(absl::Now(), suppressed)) return;
  LogEvent("grpc_log", {{"severity", gpr_log_severity_string(args->severity)},
                        {"message", args->message},
                        {"source", absl::StrCat(args->file, ":", args->line)},
                        {"suppressed", absl::StrCat(suppressed)}});
}

// Protobuf's own messages likewise: it logs one line for every request
// whose strings are not UTF-8, so a client could flood the log with them.
void LogProtobufMessage(google::protobuf::LogLevel level, const char* file,
                        int line, const std::string& message) {
  static LogRateLimiter* limiter = new LogRateLimiter(absl::Seconds(1));
  int64_t suppressed = 0;
  if (!limiter->Allow(absl::Now(), suppressed)) return;
  static constexpr const char* kLevels[] = {"INFO", "WARNING", "ERROR",
                                            "FATAL"};
  LogEvent("protobuf_log",
           {{"severity", kLevels[std::clamp(static_cast<int>(level), 0, 3)]},
            {"message", message},
            {"source", absl::StrCat(file, ":", line)},
            {"suppressed", absl::StrCat(suppressed)}});
}

// --check_config: the options and CheckStartup's verdict, as one line.
int CheckConfig(const absl::StatusOr<SidecarOptions>& options) {
  absl::StatusOr<std::string> summary =
      options.ok() ? CheckStartup(*options) : options.status();
  if (!summary.ok()) {
    std::cerr << "config error: " << summary.status().message() << "\n";
    return 2;
  }
  std::cout << "config ok: " << *summary << "\n";
  return 0;
}

int Run() {
  // SIGTERM and SIGINT are blocked in every thread (gRPC's included, which
  // inherit the mask) and taken only by sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Past a file size limit (ulimit -f) a write then fails with EFBIG, which
  // the decision log reports, instead of killing the daemon.
  signal(SIGXFSZ, SIG_IGN);
  // A reader of stderr that goes away (a log shipper restarted) makes
  // writes fail with EPIPE instead of killing the daemon mid-tick.
  signal(SIGPIPE, SIG_IGN);
  gpr_set_log_function(LogGrpcMessage);
  google::protobuf::SetLogHandler(LogProtobufMessage);

  absl::StatusOr<SidecarOptions> options = OptionsFromFlags();
  if (absl::GetFlag(FLAGS_check_config)) return CheckConfig(options);
  if (!options.ok()) {
    LogEvent("startup_failed",
             {{"error", std::string(options.status().message())}});
    return 1;
  }
  absl::StatusOr<std::unique_ptr<SidecarServer>> server =
      SidecarServer::Start(*options);
  if (!server.ok()) {
    LogEvent("startup_failed",
             {{"error", std::string(server.status().message())}});
    return 1;
  }
  const SidecarOptions& opts = (*server)->options();
  for (const std::string& name : (*server)->policies().names()) {
    auto policy = (*server)->policies().FromName(name);
    LogEvent("policy_loaded", {{"name", name},
                               {"file", opts.policy_files.at(name)},
                               {"revision", (*policy)->revision}});
  }
  if (opts.managed.has_value()) {
    const v1::ControllerStatus status = (*server)->managed()->Status();
    LogEvent("managed_started", {{"policy", status.policy_name()},
                                 {"revision", status.policy_revision()},
                                 {"adapters", status.adapters()},
                                 {"dry_run", OnOff(opts.dry_run)}});
  }
  if (!opts.metrics_listen.empty()) {
    const ListenAddress metrics = *ParseMetricsListen(opts.metrics_listen);
    const std::string bound =
        absl::StrCat(metrics.host, ":", (*server)->metrics_port());
    if (!metrics.loopback()) {
      LogEvent("warning",
               {{"message",
                 "metrics served beyond loopback without TLS or "
                 "authentication: anyone who can reach this address reads "
                 "the fleet, its cost and the plans' figures; serve them on "
                 "127.0.0.1, or behind a proxy that adds both"},
                {"address", bound}});
    }
    LogEvent("metrics_listening", {{"address", bound}, {"path", "/metrics"}});
  }
  // Before "listening", which tools and tests wait for. The address was
  // validated by Start.
  if (const ListenAddress address = *ParseListenAddress(opts.listen);
      !address.loopback() && opts.tls.cert_file.empty()) {
    LogEvent("warning",
             {{"message",
               "listening beyond loopback without TLS: anyone who can reach "
               "this address can call the API, which can make the cluster "
               "spend money, and read the plans; set --tls_cert and "
               "--tls_key (and --tls_client_ca), or listen on 127.0.0.1"},
              {"address", BoundAddress(opts.listen, (*server)->port())}});
  }
  LogEvent(
      "listening",
      {{"address", BoundAddress(opts.listen, (*server)->port())},
       {"mode", opts.managed.has_value() ? "managed" : "stateless"},
       {"tls", OnOff(!opts.tls.cert_file.empty())},
       {"mutual_tls", OnOff(!opts.tls.client_ca_file.empty())},
       {"max_request_bytes", absl::StrCat(opts.max_request_bytes)},
       {"max_inflight_calls", absl::StrCat(opts.limits.max_inflight_calls)},
       {"max_fleet_instances", absl::StrCat(opts.limits.max_fleet_instances)},
       {"max_fleet_requests", absl::StrCat(opts.limits.max_fleet_requests)},
       {"max_markets", absl::StrCat(opts.limits.max_markets)},
       {"max_price_points", absl::StrCat(opts.limits.max_price_points)},
       {"grpc_memory_bytes", absl::StrCat(opts.grpc_memory_bytes)},
       {"decision_log",
        opts.decision_log.path.empty() ? "off" : opts.decision_log.path},
       {"dry_run", OnOff(opts.dry_run)}});

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  LogEvent("shutdown_started",
           {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"},
            {"grace", absl::FormatDuration(opts.shutdown_grace)}});
  (*server)->Shutdown(absl::Now() + opts.shutdown_grace);
  if (DecisionLog* log = (*server)->decision_log()) {
    const DecisionLog::Stats stats = log->stats();
    LogEvent("decision_log_closed",
             {{"written", absl::StrCat(stats.written)},
              {"dropped", absl::StrCat(stats.dropped)},
              {"write_errors", absl::StrCat(stats.write_errors)},
              {"rotations", absl::StrCat(stats.rotations)},
              {"serialize_errors", absl::StrCat(stats.serialize_errors)},
              {"unwritten_at_close", absl::StrCat(stats.unwritten_at_close)}});
  }
  LogEvent("stopped", {});
  return 0;
}

}  // namespace
}  // namespace spotburst::sidecar

int main(int argc, char** argv) {
  if (std::optional<int> code =
          spotburst::sidecar::AnswerHelpOrVersion(argc, argv)) {
    return *code;
  }
  absl::SetProgramUsageMessage("the spotburst sidecar; see spotburstd --help");
  absl::SetFlagsUsageConfig(
      {.version_string =
           [] { return spotburst::sidecar::VersionText() + "\n"; },
       .normalize_filename =
           [](absl::string_view path) {
             return std::string(path.substr(path.rfind('/') + 1));
           }});
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    spotburst::sidecar::LogEvent(
        "startup_failed", {{"error", absl::StrCat("unexpected argument \"",
                                                  positional[1], "\"")}});
    return 2;
  }
  return spotburst::sidecar::Run();
}
