// `spotburst ceiling`: what idealised online fleets could serve, for what
// cost, on a scenario's demand and prices (spotburst/sim/ceiling.h).
#include <cmath>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "spotburst/policy.h"
#include "spotburst/sim/ceiling.h"
#include "spotburst/sim/scenario.h"

namespace spotburst::cli {
namespace {

struct CeilingOptions {
  std::string scenario;
  std::string policy;  // empty: the scenario's first
  bool csv = false;
  std::optional<double> within;
};

// The flags, checked; InvalidArgument is a usage error.
absl::StatusOr<CeilingOptions> ReadOptions(
    const std::vector<std::string>& args) {
  CeilingOptions options;
  options.scenario = absl::GetFlag(FLAGS_scenario);
  if (options.scenario.empty()) {
    return absl::InvalidArgumentError(
        "--scenario is required (spotburst ceiling --scenario FILE)");
  }
  if (!args.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "unexpected argument \"%s\": name the policy with --policy FILE",
        args[0].substr(0, 40)));
  }
  options.policy = absl::GetFlag(FLAGS_policy);
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format != "" && format != "text" && format != "csv") {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--format must be text or csv, not \"%s\"", format.substr(0, 40)));
  }
  options.csv = format == "csv";
  const double within = absl::GetFlag(FLAGS_within);
  if (!std::isfinite(within) || within < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--within must be a multiple of the yardstick above 0, not %g",
        within));
  }
  if (within > 0) options.within = within;
  return options;
}

absl::StatusOr<sim::CeilingReport> Ceiling(const CeilingOptions& options) {
  absl::StatusOr<sim::Scenario> scenario =
      sim::LoadScenarioFile(options.scenario);
  if (!scenario.ok()) return scenario.status();
  if (scenario->name.empty()) {
    scenario->name = std::filesystem::path(options.scenario).stem().string();
  }
  std::string policy_path = options.policy;
  if (policy_path.empty()) {
    if (scenario->policies.empty()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s lists no policies; name one with --policy FILE (its instance "
          "shape, types and baseline define the units)",
          options.scenario));
    }
    policy_path = scenario->policies.front();
  }
  absl::StatusOr<Policy> policy = LoadPolicyFile(policy_path);
  if (!policy.ok()) return policy.status();
  if (policy->name.empty()) {
    policy->name = std::filesystem::path(policy_path).stem().string();
  }
  return sim::ComputeCeiling(*scenario, *policy);
}

}  // namespace

int RunCeiling(const std::vector<std::string>& args) {
  absl::StatusOr<CeilingOptions> options = ReadOptions(args);
  if (!options.ok()) {
    std::cerr << "spotburst ceiling: " << options.status().message() << "\n";
    return 2;
  }
  absl::StatusOr<sim::CeilingReport> report = Ceiling(*options);
  if (!report.ok()) {
    std::cerr << "spotburst ceiling: " << report.status().message() << "\n";
    return 1;
  }
  std::cout << (options->csv ? sim::FormatCeilingCsv(*report)
                             : sim::FormatCeiling(*report, options->within));
  return 0;
}

}  // namespace spotburst::cli
