// The thread pool and progress bar that simulate, compare and sweep share
// (see policy_runs.h).
#include "cli/policy_runs.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "cli/flags.h"
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
  // threads at once: the bar shows their total, kept as a sum so that a
  // sweep of thousands of runs does not add them all up at every update.
  void Update(int run, const std::string& name, double share) {
    if (!enabled_) return;
    absl::MutexLock lock(&mu_);
    share = std::clamp(share, 0.0, 1.0);
    done_ += share - shares_[run];
    shares_[run] = share;
    const double total = std::clamp(done_ / runs_, 0.0, 1.0);
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
  double done_ ABSL_GUARDED_BY(mu_) = 0;
  int last_percent_ ABSL_GUARDED_BY(mu_) = -1;
  int last_run_ ABSL_GUARDED_BY(mu_) = -1;
  size_t width_ ABSL_GUARDED_BY(mu_) = 0;
};

// One policy's run, failed when any evaluation failed: ticks the policy did
// not decide would be reported as its own (a run in which every evaluation
// failed "served 100 %" of a small demand), so nothing is reported for it.
absl::StatusOr<sim::SimulationResult> RunOne(
    const PolicyRuns& runs, size_t i, bool keep_timeline,
    const std::shared_ptr<const sim::SimulationInputs>& traces,
    ProgressBar& bar) {
  const Policy& policy = runs.policies[i];
  sim::SimulationOptions options;
  options.keep_timeline = keep_timeline;
  options.progress = [&bar, i, &policy](double share) {
    bar.Update(static_cast<int>(i), policy.name, share);
  };
  bar.Update(static_cast<int>(i), policy.name, 0);
  absl::StatusOr<sim::SimulationResult> result =
      sim::RunSimulation(runs.scenario, policy, options, traces);
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

}  // namespace

absl::StatusOr<bool> ProgressWanted() {
  const std::string progress = absl::GetFlag(FLAGS_progress);
  if (progress == "auto") return isatty(STDERR_FILENO) != 0;
  if (progress == "on" || progress == "off") return progress == "on";
  return absl::InvalidArgumentError(absl::StrFormat(
      "--progress must be auto, on or off, not \"%s\"", progress));
}

absl::StatusOr<int> ThreadsWanted() {
  const int threads = absl::GetFlag(FLAGS_threads);
  if (threads < 0 || threads > 1024) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--threads must be between 0 (one per core) and 1024, not %d",
        threads));
  }
  if (threads > 0) return threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

absl::Status RunAll(
    const PolicyRuns& runs, bool keep_timeline, int threads,
    const std::function<absl::Status(sim::SimulationResult)>& done) {
  absl::StatusOr<std::shared_ptr<const sim::SimulationInputs>> traces =
      sim::SimulationInputs::Load(runs.scenario);
  if (!traces.ok()) return traces.status();
  const size_t n = runs.policies.size();
  std::vector<std::optional<absl::StatusOr<sim::SimulationResult>>> results(n);
  {
    ProgressBar bar(runs.progress, static_cast<int>(n));
    std::atomic<size_t> next{0};
    // After a failure no run starts: every run before it has started, so
    // the first failure in the policies' order is the same as without.
    std::atomic<bool> failed{false};
    auto work = [&] {
      for (size_t i; !failed && (i = next.fetch_add(1)) < n;) {
        results[i] = RunOne(runs, i, keep_timeline, *traces, bar);
        if (!results[i]->ok()) failed = true;
      }
    };
    std::vector<std::thread> workers;
    const size_t extra =
        n == 0 ? 0 : std::min<size_t>(std::max(threads, 1), n) - 1;
    for (size_t t = 0; t < extra; ++t) workers.emplace_back(work);
    work();
    for (std::thread& w : workers) w.join();
  }
  for (std::optional<absl::StatusOr<sim::SimulationResult>>& result : results) {
    if (!result.has_value()) {  // a failure comes first; never reached
      return absl::InternalError("a run did not start");
    }
    if (!result->ok()) return result->status();
    if (absl::Status s = done(**std::move(result)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace spotburst::cli
