// Loading a Mesos settings file into MesosOptions.
#include "cli/mesos_config.h"

#include "spotburst/internal/file_util.h"
#include "spotburst/internal/yaml_proto.h"
#include "spotburst/status_macros.h"
#include "spotburst/v1/mesos.pb.h"

namespace spotburst::cli {

absl::StatusOr<mesos::MesosOptions> LoadMesosConfig(const std::string& path) {
  SPOTBURST_ASSIGN_OR_RETURN(
      const std::string text,
      internal::ReadFileToString(path, "mesos settings", 1 << 20));
  v1::MesosConfig config;
  SPOTBURST_RETURN_IF_ERROR(internal::ParseYamlToProto(text, path, config));
  mesos::MesosOptions options{
      .masters = {config.masters().begin(), config.masters().end()},
      .zookeeper = config.zookeeper(),
      .marathon = config.marathon(),
      .private_selector = {config.private_selector().begin(),
                           config.private_selector().end()},
      .burst_attributes = {config.burst_attributes().begin(),
                           config.burst_attributes().end()},
      .use_operator_api = config.use_operator_api(),
      .ca_file = config.ca_file(),
      .credentials_file = config.credentials_file(),
      .marathon_credentials_file = config.marathon_credentials_file()};
  if (!config.master_scheme().empty()) {
    options.master_scheme = config.master_scheme();
  }
  if (!config.instance_id_attribute().empty()) {
    options.instance_id_attribute = config.instance_id_attribute();
  }
  if (config.has_missing_polls_to_drop()) {
    options.missing_polls_to_drop = config.missing_polls_to_drop();
  }
  if (config.has_connect_timeout_s()) {
    options.connect_timeout = absl::Seconds(config.connect_timeout_s());
  }
  if (config.has_request_timeout_s()) {
    options.request_timeout = absl::Seconds(config.request_timeout_s());
  }
  if (config.has_max_attempts()) options.max_attempts = config.max_attempts();
  absl::Status valid = mesos::ValidateMesosOptions(options);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(path + ": " +
                                      std::string(valid.message()));
  }
  return options;
}

}  // namespace spotburst::cli
