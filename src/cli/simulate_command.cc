// `spotburst simulate` and `spotburst compare`: replay a scenario through
// one or more policies over the same traces. simulate prints a summary per
// policy and writes its CSV timeline, instance ledger and SVG chart; compare
// adds the no-burst and on-demand-only baselines and prints one table.
#include <cctype>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/policy_runs.h"
#include "spotburst/policy.h"
#include "spotburst/sim/report.h"
#include "spotburst/sim/scenario.h"

namespace spotburst::cli {
namespace {

std::vector<std::string> PolicyPaths(const std::vector<std::string>& args) {
  std::vector<std::string> paths;
  for (absl::string_view part :
       absl::StrSplit(absl::GetFlag(FLAGS_policy), ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (!part.empty()) paths.emplace_back(part);
  }
  paths.insert(paths.end(), args.begin(), args.end());
  return paths;
}

// Loads the scenario and the policies: those named on the command line, or
// else the scenario's.
absl::StatusOr<PolicyRuns> Load(const std::string& scenario_path,
                                const std::vector<std::string>& args) {
  absl::StatusOr<sim::Scenario> scenario = sim::LoadScenarioFile(scenario_path);
  if (!scenario.ok()) return scenario.status();
  PolicyRuns run;
  run.scenario = *std::move(scenario);
  if (run.scenario.name.empty()) {
    run.scenario.name = std::filesystem::path(scenario_path).stem().string();
  }
  std::vector<std::string> paths = PolicyPaths(args);
  if (paths.empty()) paths = run.scenario.policies;
  if (paths.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s lists no policies; name one with --policy FILE[,FILE...] or "
        "after the command",
        scenario_path));
  }
  for (const std::string& path : paths) {
    absl::StatusOr<Policy> policy = LoadPolicyFile(path);
    if (!policy.ok()) return policy.status();
    if (policy->name.empty()) {
      policy->name = std::filesystem::path(path).stem().string();
    }
    run.policies.push_back(*std::move(policy));
  }
  return run;
}

// Usage errors exit with 2 (returned in `exit_code`), failures to load
// with 1.
absl::StatusOr<PolicyRuns> Prepare(const char* command,
                                   const std::vector<std::string>& args,
                                   int& exit_code) {
  exit_code = 2;
  const std::string scenario_path = absl::GetFlag(FLAGS_scenario);
  if (scenario_path.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--scenario is required (spotburst %s --scenario FILE)", command));
  }
  absl::StatusOr<bool> progress = ProgressWanted();
  if (!progress.ok()) return progress.status();
  exit_code = 1;
  absl::StatusOr<PolicyRuns> run = Load(scenario_path, args);
  if (run.ok()) run->progress = *progress;
  return run;
}

// A file name from a policy or scenario name: letters, digits, '.', '-'
// and '_' kept, anything else becomes '_'.
std::string SafeName(const std::string& name) {
  std::string out;
  for (char c : name) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
                      c == '-' || c == '_';
    out += keep ? c : '_';
  }
  if (out.empty() || out[0] == '.') out.insert(0, "policy");
  return out;
}

// Writes each result's CSV timeline, instance ledger and chart into a directory
// (created when the first result is ready) and prints its summary.
class ReportWriter {
 public:
  explicit ReportWriter(std::string dir) : dir_(std::move(dir)) {}

  absl::Status Write(const sim::SimulationResult& result) {
    if (used_names_.empty()) {
      std::error_code error;
      std::filesystem::create_directories(dir_, error);
      if (error) {
        return absl::PermissionDeniedError(
            absl::StrFormat("cannot create %s: %s", dir_, error.message()));
      }
    }
    // Two policies of the same name get "name" and "name-2".
    std::string name = SafeName(result.policy_name);
    for (int n = 2; !used_names_.insert(name).second; ++n) {
      name = absl::StrFormat("%s-%d", SafeName(result.policy_name), n);
    }
    const std::string csv = dir_ + "/" + name + ".timeline.csv";
    const std::string ledger = dir_ + "/" + name + ".instances.csv";
    const std::string svg = dir_ + "/" + name + ".svg";
    absl::Status status = sim::WriteTimelineCsv(result, csv);
    if (status.ok()) status = sim::WriteInstancesCsv(result, ledger);
    if (status.ok()) status = sim::WriteChartSvg(result, svg);
    if (!status.ok()) return status;
    std::cout << (used_names_.size() > 1 ? "\n" : "")
              << sim::FormatSummary(result) << "  timeline               "
              << csv << "\n  ledger                 " << ledger
              << "\n  chart                  " << svg << "\n";
    std::cout.flush();
    return absl::OkStatus();
  }

 private:
  std::string dir_;
  std::set<std::string> used_names_;
};

int Fail(const char* command, int exit_code, const absl::Status& status) {
  std::cerr << "spotburst " << command << ": " << status.message() << "\n";
  return exit_code;
}

}  // namespace

int RunSimulate(const std::vector<std::string>& args) {
  int exit_code = 1;
  absl::StatusOr<PolicyRuns> run = Prepare("simulate", args, exit_code);
  if (!run.ok()) return Fail("simulate", exit_code, run.status());
  std::string out_dir = absl::GetFlag(FLAGS_out);
  if (out_dir.empty()) out_dir = "out/" + SafeName(run->scenario.name);
  ReportWriter writer(out_dir);
  // One at a time: each result holds its whole timeline until written.
  const absl::Status status = RunAll(
      *run, /*keep_timeline=*/true, /*threads=*/1,
      [&writer](sim::SimulationResult result) { return writer.Write(result); });
  if (!status.ok()) return Fail("simulate", 1, status);
  return 0;
}

int RunCompare(const std::vector<std::string>& args) {
  const double service_level = absl::GetFlag(FLAGS_service_level);
  if (!(service_level >= 0 && service_level <= 1)) {
    std::cerr << absl::StrFormat(
        "spotburst compare: --service_level must be between 0 and 1 (e.g. "
        "0.99 for 99 %%), not %g\n",
        service_level);
    return 2;
  }
  const absl::StatusOr<int> threads = ThreadsWanted();
  if (!threads.ok()) {
    std::cerr << "spotburst compare: " << threads.status().message() << "\n";
    return 2;
  }
  int exit_code = 1;
  absl::StatusOr<PolicyRuns> run = Prepare("compare", args, exit_code);
  if (!run.ok()) return Fail("compare", exit_code, run.status());
  if (absl::GetFlag(FLAGS_baselines)) {
    // Baselines are variants of the first policy, so that only the rule
    // under study differs.
    Policy no_burst = run->policies.front();
    no_burst.name = "no-burst";
    no_burst.scaling.min_instances = 0;
    no_burst.scaling.max_instances = 0;
    Policy on_demand = run->policies.front();
    on_demand.name = "on-demand-only";
    on_demand.fallback.on_demand_only = true;
    run->policies.push_back(std::move(no_burst));
    run->policies.push_back(std::move(on_demand));
  }
  std::vector<sim::SimulationResult> results;
  const absl::Status status =
      RunAll(*run, /*keep_timeline=*/false, *threads,
             [&](sim::SimulationResult result) -> absl::Status {
               results.push_back(std::move(result));
               return absl::OkStatus();
             });
  if (!status.ok()) return Fail("compare", 1, status);
  std::cout << sim::FormatComparison(results, service_level);
  return 0;
}

}  // namespace spotburst::cli
