// A Mesos cluster's settings file (proto/spotburst/v1/mesos.proto) as the
// Mesos adapter's options.
#ifndef SPOTBURST_CLI_MESOS_CONFIG_H_
#define SPOTBURST_CLI_MESOS_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "spotburst/mesos/mesos_cluster.h"

namespace spotburst::cli {

// Reads and checks `path` (YAML or JSON): errors name the file, line and
// key, as policy files' do, and ValidateMesosOptions' rules.
absl::StatusOr<mesos::MesosOptions> LoadMesosConfig(const std::string& path);

}  // namespace spotburst::cli

#endif  // SPOTBURST_CLI_MESOS_CONFIG_H_
