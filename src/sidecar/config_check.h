// spotburstd --check_config: everything the daemon checks at startup, done
// without starting it. The options are validated, the policies loaded, the
// TLS files read, and the managed world and its engine built as the daemon
// builds them; nothing listens, nothing is contacted (the live world's
// adapters connect on their first tick, which never comes), and nothing is
// written (the decision log and the state file are not opened).
//
//   SPOTBURST_ASSIGN_OR_RETURN(std::string summary, CheckStartup(options));
//   std::cout << "config ok: " << summary << "\n";
#ifndef SPOTBURST_SIDECAR_CONFIG_CHECK_H_
#define SPOTBURST_SIDECAR_CONFIG_CHECK_H_

#include <string>

#include "absl/status/statusor.h"
#include "sidecar/server.h"

namespace spotburst::sidecar {

// One line saying what the daemon would run, without secrets: "managed
// over mesos via ZooKeeper and Marathon; ec2 us-east-1 pool mesos-a, policy
// ec2-burst (revision ...), dry run; policies: ec2-burst; listen
// 127.0.0.1:50551 (plaintext); ...". Otherwise the first error the daemon
// would stop at, as it would say it.
//
// Beyond startup, a live world's policy must name a launch_spec.user_data_file
// that can be read from the working directory: the daemon reads it at its
// first launch, which would fail on every tick.
absl::StatusOr<std::string> CheckStartup(const SidecarOptions& options);

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_CONFIG_CHECK_H_
