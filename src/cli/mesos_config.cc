// Loading a Mesos settings file into MesosOptions.
#include "cli/mesos_config.h"

#include "spotburst/internal/file_util.h"
#include "spotburst/internal/yaml_proto.h"
#include "spotburst/mesos/mesos_config.h"
#include "spotburst/status_macros.h"
#include "spotburst/v1/mesos.pb.h"

namespace spotburst::cli {

absl::StatusOr<mesos::MesosOptions> LoadMesosConfig(const std::string& path) {
  SPOTBURST_ASSIGN_OR_RETURN(
      const std::string text,
      internal::ReadFileToString(path, "mesos settings", 1 << 20));
  v1::MesosConfig config;
  SPOTBURST_RETURN_IF_ERROR(internal::ParseYamlToProto(text, path, config));
  absl::StatusOr<mesos::MesosOptions> options =
      mesos::MesosOptionsFromConfig(config);
  if (!options.ok()) {
    return absl::Status(options.status().code(),
                        path + ": " + std::string(options.status().message()));
  }
  return options;
}

}  // namespace spotburst::cli
