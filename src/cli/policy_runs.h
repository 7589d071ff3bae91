// Running policies over a scenario, several at once: the machinery of
// `spotburst simulate`, `compare` and `sweep`. Each run is independent and
// deterministic, and the results come back in the policies' order, so what
// a command prints is the same whatever the thread count.
#ifndef SPOTBURST_CLI_POLICY_RUNS_H_
#define SPOTBURST_CLI_POLICY_RUNS_H_

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "spotburst/policy.h"
#include "spotburst/sim/result.h"
#include "spotburst/sim/scenario.h"

namespace spotburst::cli {

struct PolicyRuns {
  sim::Scenario scenario;
  std::vector<Policy> policies;
  bool progress = false;  // draw a progress bar on standard error
};

// Whether to draw the progress bar, from --progress. InvalidArgument (a
// usage error) for anything but auto, on or off.
absl::StatusOr<bool> ProgressWanted();

// Threads to run on, from --threads: 0 is one per core. InvalidArgument (a
// usage error) outside 0..1024.
absl::StatusOr<int> ThreadsWanted();

// Runs every policy over traces read once, `threads` at a time, and hands
// the results to `done` in the policies' order. A run in which any
// evaluation failed fails the whole, naming the policy, the count and the
// first error: ticks the policy did not decide would be reported as its own.
absl::Status RunAll(
    const PolicyRuns& runs, bool keep_timeline, int threads,
    const std::function<absl::Status(sim::SimulationResult)>& done);

}  // namespace spotburst::cli

#endif  // SPOTBURST_CLI_POLICY_RUNS_H_
