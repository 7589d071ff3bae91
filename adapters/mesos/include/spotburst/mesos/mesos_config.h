// MesosOptions from their wire form, spotburst.v1.MesosConfig
// (proto/spotburst/v1/mesos.proto): the file `spotburst cluster --mesos`
// reads and spotburstd's `managed.mesos` section.
#ifndef SPOTBURST_MESOS_MESOS_CONFIG_H_
#define SPOTBURST_MESOS_MESOS_CONFIG_H_

#include "absl/status/statusor.h"
#include "spotburst/mesos/mesos_cluster.h"
#include "spotburst/v1/mesos.pb.h"

namespace spotburst::mesos {

// Unset keys keep MesosOptions' defaults. The result is validated
// (ValidateMesosOptions): InvalidArgument naming the key. Paths (ca_file,
// credentials files) are taken as they are; callers resolve them first.
absl::StatusOr<MesosOptions> MesosOptionsFromConfig(
    const v1::MesosConfig& config);

}  // namespace spotburst::mesos

#endif  // SPOTBURST_MESOS_MESOS_CONFIG_H_
