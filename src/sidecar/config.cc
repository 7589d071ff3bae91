// Config file -> SidecarConfig (strict YAML) -> SidecarOptions.
#include "sidecar/config.h"

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "sidecar/event_log.h"
#include "spotburst/ec2/ec2_config.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/internal/yaml_proto.h"
#include "spotburst/mesos/mesos_config.h"
#include "spotburst/status_macros.h"
#include "spotburst/v1/sidecar_config.pb.h"

namespace spotburst::sidecar {
namespace {

constexpr size_t kMaxConfigBytes = 1 << 20;

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || base_dir.empty()) return path;
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

}  // namespace

absl::Status ApplyConfigText(std::string_view text, std::string_view source,
                             const std::string& base_dir,
                             SidecarOptions& options) {
  v1::SidecarConfig config;
  SPOTBURST_RETURN_IF_ERROR(internal::ParseYamlToProto(text, source, config));

  if (!config.listen().empty()) options.listen = config.listen();
  if (!config.metrics_listen().empty()) {
    options.metrics_listen = config.metrics_listen();
  }
  if (!config.log_format().empty()) {
    absl::StatusOr<LogFormat> format = ParseLogFormat(config.log_format());
    if (!format.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(source), ": log_format: ", format.status().message()));
    }
    options.log_format = *format;
  }
  const v1::TlsConfig& tls = config.tls();
  if (!tls.cert_file().empty()) {
    options.tls.cert_file = Resolve(base_dir, tls.cert_file());
  }
  if (!tls.key_file().empty()) {
    options.tls.key_file = Resolve(base_dir, tls.key_file());
  }
  if (!tls.client_ca_file().empty()) {
    options.tls.client_ca_file = Resolve(base_dir, tls.client_ca_file());
  }
  for (const auto& [name, path] : config.policies()) {
    options.policy_files[name] = Resolve(base_dir, path);
  }
  const v1::DecisionLogConfig& log = config.decision_log();
  DecisionLogOptions& log_options = options.decision_log;
  if (!log.path().empty()) log_options.path = Resolve(base_dir, log.path());
  if (log.has_max_file_bytes()) {
    log_options.max_file_bytes = log.max_file_bytes();
  }
  if (log.has_max_files()) log_options.max_files = log.max_files();
  if (log.has_queue_capacity()) {
    log_options.queue_capacity = log.queue_capacity();
  }
  if (log.has_queue_max_bytes()) {
    log_options.queue_max_bytes = log.queue_max_bytes();
  }
  if (config.has_max_request_bytes()) {
    options.max_request_bytes = config.max_request_bytes();
  }
  if (config.has_max_inflight_calls()) {
    options.limits.max_inflight_calls = config.max_inflight_calls();
  }
  if (config.has_max_fleet_instances()) {
    options.limits.max_fleet_instances = config.max_fleet_instances();
  }
  if (config.has_max_fleet_requests()) {
    options.limits.max_fleet_requests = config.max_fleet_requests();
  }
  if (config.has_max_markets()) {
    options.limits.max_markets = config.max_markets();
  }
  if (config.has_max_price_points()) {
    options.limits.max_price_points = config.max_price_points();
  }
  if (config.has_grpc_memory_bytes()) {
    options.grpc_memory_bytes = config.grpc_memory_bytes();
  }
  if (config.has_dry_run()) options.dry_run = config.dry_run();
  if (config.has_shutdown_grace_s()) {
    options.shutdown_grace = absl::Seconds(config.shutdown_grace_s());
  }
  if (config.has_managed()) {
    const v1::ManagedConfig& managed = config.managed();
    ManagedOptions& managed_options = options.managed.emplace();
    managed_options.policy_name = managed.policy();
    switch (managed.adapters_case()) {
      case v1::ManagedConfig::kSimulated: {
        const v1::SimulatedAdapters& simulated = managed.simulated();
        managed_options.scenario_file = Resolve(base_dir, simulated.scenario());
        if (simulated.has_simulated_seconds_per_second()) {
          managed_options.simulated_seconds_per_second =
              simulated.simulated_seconds_per_second();
        }
        break;
      }
      case v1::ManagedConfig::ADAPTERS_NOT_SET:
        break;
    }
    if (managed.has_mesos()) {
      v1::MesosConfig mesos = managed.mesos();
      for (std::string* path :
           {mesos.mutable_ca_file(), mesos.mutable_credentials_file(),
            mesos.mutable_marathon_credentials_file()}) {
        if (!path->empty()) *path = Resolve(base_dir, *path);
      }
      absl::StatusOr<mesos::MesosOptions> mesos_options =
          mesos::MesosOptionsFromConfig(mesos);
      if (!mesos_options.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(std::string(source), ": managed.",
                         mesos_options.status().message()));
      }
      managed_options.mesos = *std::move(mesos_options);
    }
    if (managed.has_ec2()) {
      // Checked here, to name the key at load; built with the policy's
      // name when the loop starts.
      absl::StatusOr<ec2::Ec2Options> ec2_options =
          ec2::Ec2OptionsFromConfig(managed.ec2(), "");
      if (!ec2_options.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            std::string(source), ": managed.", ec2_options.status().message()));
      }
      managed_options.ec2 = managed.ec2();
    }
    if (managed.has_ha()) {
      const v1::HaConfig& ha = managed.ha();
      LeaderElectionOptions& election = managed_options.ha.emplace();
      election.zookeeper = ha.zookeeper();
      election.path = ha.path();
      election.identity = ha.identity();
      if (ha.has_session_timeout_s()) {
        election.session_timeout = absl::Seconds(ha.session_timeout_s());
      }
    }
    if (!managed.state_file().empty()) {
      managed_options.state_file = Resolve(base_dir, managed.state_file());
    }
    if (absl::Status valid = managed_options.Validate(); !valid.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(source), ": ", valid.message()));
    }
    if (managed.dry_run()) options.dry_run = true;
  }
  return absl::OkStatus();
}

absl::Status ApplyConfigFile(const std::string& path, SidecarOptions& options) {
  SPOTBURST_ASSIGN_OR_RETURN(
      std::string text,
      internal::ReadFileToString(path, "config", kMaxConfigBytes));
  const std::string base_dir =
      std::filesystem::path(path).parent_path().string();
  return ApplyConfigText(text, path, base_dir, options);
}

}  // namespace spotburst::sidecar
