// spotburst: the command-line face of the engine.
//
//   spotburst validate POLICY...
//   spotburst bid --trace FILE --market TYPE[/ZONE] [--policy P] [--at T]
//   spotburst evaluate --policy P --state FILE|- [--trace FILE]
//   spotburst strategies
//   spotburst replay LOG... [--policy NEW]
//   spotburst simulate --scenario FILE [--policy P[,P...]] [--out DIR]
//   spotburst compare --scenario FILE [--policy P[,P...]]
//   spotburst sweep --scenario FILE --grid FILE [--chart SVG]
//   spotburst ceiling --scenario FILE [--policy P] [--within R]
//   spotburst cluster --mesos FILE [--format text|json]
//   spotburst status|pause|resume|watch [--target HOST:PORT] [--tls_...]
//   spotburst --help, spotburst COMMAND --help, spotburst --version
//
// The commands and their flags are listed in cli/flags.cc.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "cli/commands.h"
#include "cli/help.h"

int main(int argc, char** argv) {
  if (std::optional<int> code = spotburst::cli::AnswerHelpOrVersion(argc, argv))
    return *code;
  // Help is answered above; this keeps absl's own texts (a --helpfull in a
  // --flagfile, say) free of source paths.
  absl::SetProgramUsageMessage(
      "decides how a private cluster bursts into "
      "spot capacity; see spotburst --help");
  absl::SetFlagsUsageConfig(
      {.version_string = [] { return spotburst::cli::VersionText() + "\n"; },
       .normalize_filename =
           [](absl::string_view path) {
             return std::string(path.substr(path.rfind('/') + 1));
           }});
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() < 2) {
    std::cerr << spotburst::cli::ProgramUsage();
    return 2;
  }
  const std::string command = positional[1];
  const std::vector<std::string> args(positional.begin() + 2, positional.end());
  if (command == "validate") return spotburst::cli::RunValidate(args);
  if (command == "bid") return spotburst::cli::RunBid(args);
  if (command == "evaluate") return spotburst::cli::RunEvaluate(args);
  if (command == "strategies") return spotburst::cli::RunStrategies(args);
  if (command == "replay") return spotburst::cli::RunReplay(args);
  if (command == "simulate") return spotburst::cli::RunSimulate(args);
  if (command == "compare") return spotburst::cli::RunCompare(args);
  if (command == "sweep") return spotburst::cli::RunSweep(args);
  if (command == "ceiling") return spotburst::cli::RunCeiling(args);
  if (command == "cluster") return spotburst::cli::RunCluster(args);
  if (command == "status") return spotburst::cli::RunStatus(args);
  if (command == "pause") return spotburst::cli::RunPause(args);
  if (command == "resume") return spotburst::cli::RunResume(args);
  if (command == "watch") return spotburst::cli::RunWatch(args);
  std::cerr << "spotburst: unknown command \"" << command.substr(0, 40)
            << "\"\n\n"
            << spotburst::cli::ProgramUsage();
  return 2;
}
