// Accounting: a run's timeline rows and totals, one evaluation at a time.
//
// The state read after each evaluation (capacity, usage, fleet) is taken to
// hold until the next one, so resource-hours are sums of value x interval
// on the evaluation grid: the granularity at which the controller itself
// sees the world. Costs are the billing meter's, exact to the second.
//
// With several instance types (instance.alternatives) an instance counts
// as its own type does: the idle paid figure in units of instance.shape (its
// weight), the burst capacity run in its own shape's CPUs.
//
//   Accounting accounting(policy, baseline, {}, {}, keep_timeline, rows);
//   accounting.Record(t, step, report, cluster.ReadAt(t), cloud);
//   SimulationTotals totals = accounting.Finish(cloud, reference_usd);
#ifndef SPOTBURST_SIM_SRC_ACCOUNTING_H_
#define SPOTBURST_SIM_SRC_ACCOUNTING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "sim_cloud.h"
#include "sim_cluster.h"
#include "spotburst/controller.h"
#include "spotburst/policy.h"
#include "spotburst/sim/result.h"

namespace spotburst::sim::internal {

// The plan's actions as "kind:count" words in plan order, e.g.
// "cancel-request:1 request-spot:2" (counts of instances for launches, of
// actions otherwise); "" for none.
std::string ActionSummary(const Plan& plan);

class Accounting {
 public:
  // `baseline` is the cluster's private capacity (what burst usage is
  // measured above). `market_shapes` and `market_weights`, one per market
  // of the cloud, are what an instance of each adds and the units it counts
  // for (RunSetup's); empty, every instance is one instance.shape. Reserves
  // `expected_rows` when keeping the timeline.
  Accounting(const Policy& policy, const Resources& baseline,
             std::vector<Resources> market_shapes,
             std::vector<int> market_weights, bool keep_timeline,
             size_t expected_rows);

  // One evaluation at `t`, whose outcome holds for `interval`.
  void Record(absl::Time t, absl::Duration interval, const TickReport& report,
              const ClusterReading& reading, SimCloud& cloud);

  // An evaluation between two ticks, at a new interruption notice: its
  // actions join the last row's ("at notice HH:MM:SS: ..."), its failure
  // counts as a failed tick; resources are still accounted per tick.
  void RecordNoticeEvaluation(absl::Time t, const TickReport& report);

  // The totals, once the cloud has ended the run (SimCloud::EndRun).
  SimulationTotals Finish(const SimCloud& cloud, double reference_usd) const;
  int notice_evaluations() const { return notice_evaluations_; }
  std::vector<TimelineRow> TakeTimeline() { return std::move(timeline_); }

 private:
  // The plan's actions into the digest; a failure into the counts.
  void Digest(std::string_view actions);
  void CountFailure(absl::Time t, const TickReport& report);

  // The units of instance.shape the cloud's live instances count for.
  int LiveUnits(const SimCloud& cloud) const;
  // CPU-hours of burst capacity run, launch to end, once the run is over.
  double RunCpuHours(const SimCloud& cloud) const;

  const Policy& policy_;
  Resources baseline_;
  std::vector<Resources> market_shapes_;
  std::vector<int> market_weights_;
  bool keep_timeline_;
  std::vector<TimelineRow> timeline_;
  Resources demand_seconds_;  // resource-seconds
  Resources unmet_seconds_;
  double burst_cpu_seconds_used_ = 0;
  double idle_paid_instance_seconds_ = 0;
  uint64_t decisions_digest_ = 0xcbf29ce484222325ull;  // FNV-1a offset
  int evaluations_ = 0;
  int notice_evaluations_ = 0;
  int failed_ticks_ = 0;
  std::string first_error_;
  int market_ = 0;  // the market the last plan bought in
};

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_ACCOUNTING_H_
