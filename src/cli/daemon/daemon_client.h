// What the daemon commands (status, pause, resume, watch) share: a channel
// to spotburstd built from --target and the TLS flags, deadlines from
// --timeout, and gRPC errors told the way a person reads them.
#ifndef SPOTBURST_CLI_DAEMON_DAEMON_CLIENT_H_
#define SPOTBURST_CLI_DAEMON_DAEMON_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace spotburst::cli {

// --target, capped for messages: it comes from the command line.
std::string TargetForMessages();

// A channel to --target: TLS when --tls_ca or --tls_cert is set,
// plaintext otherwise. An error naming the flag for a file that cannot be
// read (CheckDaemonUsage has checked the flags' combination).
absl::StatusOr<std::shared_ptr<grpc::Channel>> DaemonChannel();

// A context whose deadline is --timeout from now.
void SetUnaryDeadline(grpc::ClientContext& context);

// "spotburstd at ADDR: CODE: message" for a failed call; an unreachable
// daemon gets "cannot reach spotburstd at ADDR ...".
std::string CallError(const grpc::Status& status);

// Checks what every daemon command takes: no positional arguments, a
// target, a positive --timeout, --tls_cert and --tls_key together. Prints the
// usage error for `command` and returns false when something is wrong.
bool CheckDaemonUsage(const std::string& command,
                      const std::vector<std::string>& args);

}  // namespace spotburst::cli

#endif  // SPOTBURST_CLI_DAEMON_DAEMON_CLIENT_H_
