// spotburstd --check_config: SidecarServer::Start's checks, serving nothing.
#include "sidecar/config_check.h"

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sidecar/decision_hub.h"
#include "sidecar/managed_controller.h"
#include "sidecar/policy_store.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/status_macros.h"

namespace spotburst::sidecar {
namespace {

// As the server reads them.
constexpr size_t kMaxPemBytes = 1 << 20;
// EC2's limit on UserData, which the EC2 adapter enforces at launch.
constexpr size_t kMaxUserDataBytes = 16 << 10;

// Readable and PEM. gRPC only finds out when it binds; the contents never
// reach the message.
absl::Status CheckPemFile(const std::string& path, const char* key) {
  if (path.empty()) return absl::OkStatus();
  SPOTBURST_ASSIGN_OR_RETURN(
      const std::string text,
      internal::ReadFileToString(path, key, kMaxPemBytes));
  if (!absl::StrContains(text, "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat(key, ": ", path, " is not PEM (no -----BEGIN line)"));
  }
  return absl::OkStatus();
}

// The boot script a live world's launches send: read at the first launch,
// relative to the working directory, so a wrong path would fail every one.
absl::Status CheckUserData(const ResolvedPolicy& policy) {
  const std::string& path =
      policy.engine.policy().instance.launch_spec.user_data_file;
  if (path.empty()) return absl::OkStatus();
  absl::StatusOr<std::string> data =
      internal::ReadFileToString(path, "user data", kMaxUserDataBytes);
  if (data.ok()) return absl::OkStatus();
  std::string where;
  if (!std::filesystem::path(path).is_absolute()) {
    std::error_code error;
    where = absl::StrCat(" (relative to the working directory, ",
                         std::filesystem::current_path(error).string(), ")");
  }
  return absl::Status(data.status().code(),
                      absl::StrCat("policies.", policy.name,
                                   ": instance.launch_spec.user_data_file: ",
                                   data.status().message(), where));
}

}  // namespace

absl::StatusOr<std::string> CheckStartup(const SidecarOptions& options) {
  SPOTBURST_RETURN_IF_ERROR(options.Validate());
  SPOTBURST_ASSIGN_OR_RETURN(std::unique_ptr<PolicyStore> policies,
                             PolicyStore::Create(options.policy_files));
  SPOTBURST_RETURN_IF_ERROR(
      CheckPemFile(options.tls.cert_file, "tls.cert_file"));
  SPOTBURST_RETURN_IF_ERROR(CheckPemFile(options.tls.key_file, "tls.key_file"));
  SPOTBURST_RETURN_IF_ERROR(
      CheckPemFile(options.tls.client_ca_file, "tls.client_ca_file"));

  std::string mode = "stateless";
  if (options.managed.has_value()) {
    SPOTBURST_ASSIGN_OR_RETURN(
        std::shared_ptr<const ResolvedPolicy> policy,
        policies->FromName(options.managed->policy_name));
    if (options.managed->live())
      SPOTBURST_RETURN_IF_ERROR(CheckUserData(*policy));
    // Built as the daemon builds it, and dropped before its first tick.
    // Without the election: joining it would contact ZooKeeper (its keys
    // were checked with the options).
    ManagedOptions managed_options = *options.managed;
    managed_options.ha.reset();
    DecisionHub hub;
    SPOTBURST_ASSIGN_OR_RETURN(
        std::unique_ptr<ManagedController> managed,
        ManagedController::Create(managed_options, *policy,
                                  policies->registry(), options.dry_run,
                                  /*log=*/nullptr, hub));
    const v1::ControllerStatus status = managed->Status();
    mode = absl::StrCat("managed (", status.adapters(), "), policy ",
                        status.policy_name(), " revision ",
                        status.policy_revision(),
                        options.dry_run ? ", dry run" : ", applying plans");
    if (!options.managed->state_file.empty()) {
      absl::StrAppend(&mode, ", state file ", options.managed->state_file);
    }
    if (options.managed->ha.has_value()) {
      absl::StrAppend(&mode, ", HA through ZooKeeper at ",
                      options.managed->ha->path);
    }
  }
  const std::vector<std::string> names = policies->names();
  const std::string tls = options.tls.cert_file.empty()        ? "plaintext"
                          : options.tls.client_ca_file.empty() ? "TLS"
                                                               : "mutual TLS";
  return absl::StrCat(
      mode, "; policies ", names.empty() ? "none" : absl::StrJoin(names, ", "),
      "; listen ", options.listen, " (", tls, "); metrics ",
      options.metrics_listen.empty() ? "off" : options.metrics_listen,
      "; decision log ",
      options.decision_log.path.empty() ? "off" : options.decision_log.path);
}

}  // namespace spotburst::sidecar
