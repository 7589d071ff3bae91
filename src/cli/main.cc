// spotburst: the command-line face of the engine.
//
//   spotburst validate POLICY...
//   spotburst bid --trace FILE --market TYPE[/ZONE] [--policy P] [--at T]
//   spotburst evaluate --policy P --state FILE|- [--trace FILE]
//   spotburst strategies
//   spotburst replay LOG... [--policy NEW]
//   spotburst simulate --scenario FILE [--policy P[,P...]] [--out DIR]
//   spotburst compare --scenario FILE [--policy P[,P...]]
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "cli/commands.h"

namespace {

constexpr char kUsage[] =
    R"(spotburst: decides how a private cluster bursts into spot capacity.

usage:
  spotburst validate POLICY...
      check policy files; prints a summary of each, or the first error
  spotburst bid --trace FILE --market TYPE[/ZONE] [--policy P] [--at TIME]
                [--every DURATION]
      what each bidding strategy would bid on a price trace
  spotburst evaluate --policy P --state FILE [--trace FILE] [--format json]
  spotburst evaluate --policy P --state - [--trace FILE]
      the plan for a state (JSON); with "-", one JSON state per line on
      standard input and one JSON plan per line on standard output
  spotburst strategies
      the registered bidding and scaling strategies
  spotburst replay LOG... [--policy NEW]
      makes every decision in spotburstd's decision log again (under the
      recorded policy, or NEW) and reports each one whose plan changes
  spotburst simulate --scenario FILE [--policy P[,P...]] [POLICY...]
                     [--out DIR] [--progress auto|on|off]
      replays the scenario through each policy (default: the scenario's
      policies); prints a summary of each and writes a CSV timeline and an
      SVG chart per policy to DIR (default out/<scenario name>)
  spotburst compare --scenario FILE [--policy P[,P...]] [POLICY...]
                    [--service_level 0.99] [--baselines=false]
      runs every policy, plus the no-burst and on-demand-only baselines,
      over the same traces; one table of cost against unmet demand, with
      the cheapest policy that met the service level marked

Run "spotburst --help" for every flag.)";

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() < 2) {
    std::cerr << kUsage << "\n";
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
  std::cerr << "spotburst: unknown command \"" << command << "\"\n\n"
            << kUsage << "\n";
  return 2;
}
