// The subcommands of the `spotburst` program. Each takes the positional
// arguments left after flag parsing (without the subcommand's name), reads
// its flags, writes its output to stdout and errors to stderr, and returns
// the process exit code.
#ifndef SPOTBURST_CLI_COMMANDS_H_
#define SPOTBURST_CLI_COMMANDS_H_

#include <string>
#include <vector>

namespace spotburst::cli {

int RunValidate(const std::vector<std::string>& args);
int RunBid(const std::vector<std::string>& args);
int RunEvaluate(const std::vector<std::string>& args);
int RunStrategies(const std::vector<std::string>& args);
int RunReplay(const std::vector<std::string>& args);
int RunSimulate(const std::vector<std::string>& args);
int RunCompare(const std::vector<std::string>& args);
int RunSweep(const std::vector<std::string>& args);
int RunCeiling(const std::vector<std::string>& args);
int RunCluster(const std::vector<std::string>& args);
// Operating a running spotburstd (ControllerService over gRPC); in a build
// without the sidecar they say they are unavailable.
int RunStatus(const std::vector<std::string>& args);
int RunPause(const std::vector<std::string>& args);
int RunResume(const std::vector<std::string>& args);
int RunWatch(const std::vector<std::string>& args);

}  // namespace spotburst::cli

#endif  // SPOTBURST_CLI_COMMANDS_H_
