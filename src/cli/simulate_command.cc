// `spotburst simulate` and `spotburst compare`: replay a scenario through
// one or more policies over the same traces. simulate prints a summary per
// policy and writes its CSV timeline, instance ledger and SVG chart; compare
// adds the no-burst and on-demand-only baselines and prints one table.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "spotburst/policy.h"
#include "spotburst/sim/report.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"

namespace spotburst::cli {
namespace {

constexpr int kBarWidth = 30;

// One `\r`-updated line on standard error; silent when disabled.
class ProgressBar {
 public:
  ProgressBar(bool enabled, int runs)
      : enabled_(enabled), runs_(runs), shares_(runs, 0.0) {}
  ~ProgressBar() { Clear(); }

  // `share` of run `run` (0-based) is done. Runs may report from several
  // threads at once: the bar shows their total.
  void Update(int run, const std::string& name, double share) {
    if (!enabled_) return;
    absl::MutexLock lock(&mu_);
    shares_[run] = std::clamp(share, 0.0, 1.0);
    double done = 0;
    for (double s : shares_) done += s;
    const double total = done / runs_;
    const int percent = static_cast<int>(100 * total);
    if (percent == last_percent_ && run == last_run_) return;
    last_percent_ = percent;
    last_run_ = run;
    const int filled = static_cast<int>(kBarWidth * total);
    std::string line = absl::StrFormat(
        "\r[%s%s] %3d %%  %s (%d/%d)", std::string(filled, '='),
        std::string(kBarWidth - filled, ' '), percent, name, run + 1, runs_);
    width_ = std::max(width_, line.size());
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
  }

  void Clear() {
    if (!enabled_) return;
    absl::MutexLock lock(&mu_);
    if (width_ == 0) return;
    std::fputs(("\r" + std::string(width_, ' ') + "\r").c_str(), stderr);
    std::fflush(stderr);
    width_ = 0;
    last_percent_ = -1;
  }

 private:
  const bool enabled_;
  const int runs_;
  absl::Mutex mu_;
  std::vector<double> shares_ ABSL_GUARDED_BY(mu_);
  int last_percent_ ABSL_GUARDED_BY(mu_) = -1;
  int last_run_ ABSL_GUARDED_BY(mu_) = -1;
  size_t width_ ABSL_GUARDED_BY(mu_) = 0;
};

struct Run {
  sim::Scenario scenario;
  std::vector<Policy> policies;
  bool progress = false;
};

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

// Whether to draw the progress bar, from --progress. InvalidArgument (a
// usage error) for anything but auto, on or off.
absl::StatusOr<bool> ProgressWanted() {
  const std::string progress = absl::GetFlag(FLAGS_progress);
  if (progress == "auto") return isatty(STDERR_FILENO) != 0;
  if (progress == "on" || progress == "off") return progress == "on";
  return absl::InvalidArgumentError(absl::StrFormat(
      "--progress must be auto, on or off, not \"%s\"", progress));
}

// Loads the scenario and the policies: those named on the command line, or
// else the scenario's.
absl::StatusOr<Run> Load(const std::string& scenario_path,
                         const std::vector<std::string>& args) {
  absl::StatusOr<sim::Scenario> scenario = sim::LoadScenarioFile(scenario_path);
  if (!scenario.ok()) return scenario.status();
  Run run;
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
absl::StatusOr<Run> Prepare(const char* command,
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
  absl::StatusOr<Run> run = Load(scenario_path, args);
  if (run.ok()) run->progress = *progress;
  return run;
}

// Runs every policy over traces read once; calls `done` after each run.
// Aborted, naming the policy, the count and the first error, when any
// evaluation of a run failed.
// One policy's run, failed when any evaluation failed: ticks the policy did
// not decide would be reported as its own (a run in which every evaluation
// failed "served 100 %" of a small demand), so nothing is reported for it.
absl::StatusOr<sim::SimulationResult> RunOne(
    const Run& run, size_t i, bool keep_timeline,
    const std::shared_ptr<const sim::SimulationInputs>& traces,
    ProgressBar& bar) {
  const Policy& policy = run.policies[i];
  sim::SimulationOptions options;
  options.keep_timeline = keep_timeline;
  options.progress = [&bar, i, &policy](double share) {
    bar.Update(static_cast<int>(i), policy.name, share);
  };
  bar.Update(static_cast<int>(i), policy.name, 0);
  absl::StatusOr<sim::SimulationResult> result =
      sim::RunSimulation(run.scenario, policy, options, traces);
  if (!result.ok()) {
    return absl::Status(result.status().code(),
                        absl::StrFormat("policy \"%s\": %s", policy.name,
                                        result.status().message()));
  }
  const sim::SimulationTotals& totals = result->totals;
  if (totals.failed_ticks > 0) {
    return absl::AbortedError(absl::StrFormat(
        "policy \"%s\": %d of %d evaluations failed, so the run says "
        "nothing about the policy; first %s",
        policy.name, totals.failed_ticks, totals.evaluations,
        totals.first_error));
  }
  return result;
}

// Runs every policy, `threads` at a time, and hands the results to `done`
// in the policies' order whatever the thread count: each run is
// independent and deterministic, so the output is the same.
absl::Status RunAll(
    const Run& run, bool keep_timeline, int threads,
    const std::function<absl::Status(sim::SimulationResult)>& done) {
  absl::StatusOr<std::shared_ptr<const sim::SimulationInputs>> traces =
      sim::SimulationInputs::Load(run.scenario);
  if (!traces.ok()) return traces.status();
  const size_t n = run.policies.size();
  std::vector<std::optional<absl::StatusOr<sim::SimulationResult>>> results(n);
  {
    ProgressBar bar(run.progress, static_cast<int>(n));
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) {
        results[i] = RunOne(run, i, keep_timeline, *traces, bar);
      }
    };
    std::vector<std::thread> workers;
    const size_t extra = std::min<size_t>(std::max(threads, 1), n) - 1;
    for (size_t t = 0; t < extra; ++t) workers.emplace_back(work);
    work();
    for (std::thread& w : workers) w.join();
  }
  for (std::optional<absl::StatusOr<sim::SimulationResult>>& result : results) {
    if (!result->ok()) return result->status();
    if (absl::Status s = done(**std::move(result)); !s.ok()) return s;
  }
  return absl::OkStatus();
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
  absl::StatusOr<Run> run = Prepare("simulate", args, exit_code);
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
  const int threads = absl::GetFlag(FLAGS_threads);
  if (threads < 0 || threads > 1024) {
    std::cerr << absl::StrFormat(
        "spotburst compare: --threads must be between 0 (one per core) and "
        "1024, not %d\n",
        threads);
    return 2;
  }
  int exit_code = 1;
  absl::StatusOr<Run> run = Prepare("compare", args, exit_code);
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
  const absl::Status status = RunAll(
      *run, /*keep_timeline=*/false,
      threads == 0
          ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))
          : threads,
      [&](sim::SimulationResult result) -> absl::Status {
        results.push_back(std::move(result));
        return absl::OkStatus();
      });
  if (!status.ok()) return Fail("compare", 1, status);
  std::cout << sim::FormatComparison(results, service_level);
  return 0;
}

}  // namespace spotburst::cli
