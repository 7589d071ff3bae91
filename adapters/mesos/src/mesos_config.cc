// v1.MesosConfig -> MesosOptions.
#include "spotburst/mesos/mesos_config.h"

namespace spotburst::mesos {

absl::StatusOr<MesosOptions> MesosOptionsFromConfig(
    const v1::MesosConfig& config) {
  MesosOptions options{
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
  if (absl::Status valid = ValidateMesosOptions(options); !valid.ok()) {
    return valid;
  }
  return options;
}

}  // namespace spotburst::mesos
