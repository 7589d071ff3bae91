// SidecarMetrics: spotburstd's Prometheus metrics (prefix spotburst_), fed
// by the managed mode's ticks. docs/sidecar.md ("Metrics") lists them all.
//
//   SidecarMetrics metrics(/*leader=*/true);
//   managed->SetTickObserver([&](const TickReport& r, absl::Duration took) {
//     metrics.ObserveTick(r, took);
//   });
//   std::string text = metrics.RenderText();
#ifndef SPOTBURST_SIDECAR_SIDECAR_METRICS_H_
#define SPOTBURST_SIDECAR_SIDECAR_METRICS_H_

#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sidecar/decision_log.h"
#include "sidecar/metrics_registry.h"
#include "spotburst/controller.h"

namespace spotburst::sidecar {

// The `cause` label of spotburst_apply_failures_total and
// spotburst_read_failures_total: capacity, quota, throttling, auth,
// cluster_unreachable or other. From the FailureCause attached to `error`,
// else from its code (PermissionDenied/Unauthenticated: auth,
// ResourceExhausted: throttling, and on a read Unavailable/DeadlineExceeded:
// cluster_unreachable).
std::string_view FailureCauseLabel(const absl::Status& error, bool read);

class SidecarMetrics {
 public:
  // `leader`: this daemon applies plans (managed mode).
  explicit SidecarMetrics(bool leader);
  SidecarMetrics(const SidecarMetrics&) = delete;
  SidecarMetrics& operator=(const SidecarMetrics&) = delete;

  // One Controller tick: its report (follow-ups included) and how long it
  // took. The gauges describe the tick's last plan.
  void ObserveTick(const TickReport& report, absl::Duration took);
  // spotburst_leader: whether this daemon applies plans now (HA).
  void SetLeader(bool leading);
  // The decision log's counts so far (DecisionLog::stats(), which only
  // grow): the spotburst_decision_log_* metrics. Called before rendering.
  void ObserveDecisionLog(const DecisionLog::Stats& stats);

  std::string RenderText() const { return registry_.RenderText(); }

 private:
  void ObservePlan(const TickReport& report);

  MetricsRegistry registry_;
  Gauge& leader_;
  Gauge& desired_;
  Gauge& running_;
  Gauge& pending_;
  Gauge& booting_;
  Gauge& draining_;
  Gauge& fleet_cost_;
  Gauge& spot_price_;
  Gauge& bid_;
  Gauge& supply_mode_;
  Counter& actions_applied_;
  Counter& apply_failures_;
  Counter& read_failures_;
  Counter& ticks_;
  Counter& notice_ticks_;
  Histogram& tick_duration_;
  Counter& log_recorded_;
  Counter& log_dropped_;
  Counter& log_written_;
  Counter& log_failed_;
  Gauge& log_queued_;
  absl::Mutex log_mu_;
  DecisionLog::Stats log_seen_ ABSL_GUARDED_BY(log_mu_);
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_SIDECAR_METRICS_H_
