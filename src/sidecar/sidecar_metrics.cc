// TickReports -> spotburst_ metrics.
#include "sidecar/sidecar_metrics.h"

#include <string>
#include <vector>

#include "spotburst/launch_failure.h"
#include "spotburst/market.h"
#include "spotburst/plan.h"

namespace spotburst::sidecar {
namespace {

// Ticks take milliseconds in simulation and up to a minute against a slow
// cloud API.
const std::vector<double> kTickBuckets = {
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

// A failed tick that has no markets in its input failed reading (the
// Controller gathers every market or none); see ManagedController::Record.
bool ReadFailed(const TickReport& report) {
  return !report.status.ok() && report.input.markets.empty();
}

// ok, read_failed, evaluate_failed or apply_failed: the first failure.
std::string Outcome(const TickReport& report) {
  if (ReadFailed(report)) return "read_failed";
  if (!report.status.ok()) return "evaluate_failed";
  if (!report.apply_errors.empty()) return "apply_failed";
  return "ok";
}

// The market's current price: from its statistics, else its newest raw
// point.
double CurrentPrice(const MarketView& view) {
  if (view.stats.points > 0 || view.price_history.empty()) {
    return view.stats.current_usd;
  }
  const PricePoint* newest = &view.price_history.front();
  for (const PricePoint& point : view.price_history) {
    if (point.time > newest->time) newest = &point;
  }
  return newest->usd_per_hour;
}

}  // namespace

std::string_view FailureCauseLabel(const absl::Status& error, bool read) {
  switch (FailureCauseOf(error)) {
    case FailureCause::kCapacity:
      return "capacity";
    case FailureCause::kQuota:
      return "quota";
    case FailureCause::kThrottled:
      return "throttling";
    case FailureCause::kAuth:
      return "auth";
    case FailureCause::kUnavailable:
      return read ? "cluster_unreachable" : "other";
    case FailureCause::kPriceTooLow:
    case FailureCause::kClockSkew:
    case FailureCause::kConfiguration:
      return "other";
    case FailureCause::kUnknown:
      break;
  }
  switch (error.code()) {
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return "auth";
    case absl::StatusCode::kResourceExhausted:
      return "throttling";
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return read ? "cluster_unreachable" : "other";
    default:
      return "other";
  }
}

SidecarMetrics::SidecarMetrics(bool leader)
    : leader_(registry_.AddGauge(
          "spotburst_leader",
          "1 while this daemon applies plans (managed mode; with HA, while it "
          "leads), else 0.")),
      desired_(registry_.AddGauge("spotburst_desired_instances",
                                  "Burst instances the last plan wants.")),
      running_(registry_.AddGauge(
          "spotburst_running_instances",
          "Burst instances running, as the last plan counted them.")),
      pending_(registry_.AddGauge(
          "spotburst_pending_instances",
          "Burst instances pending or requested, as the last plan counted "
          "them.")),
      booting_(registry_.AddGauge(
          "spotburst_booting_instances",
          "Running burst instances whose agent has not joined the cluster "
          "yet.")),
      draining_(registry_.AddGauge(
          "spotburst_draining_instances",
          "Burst instances whose agent drains before they end.")),
      fleet_cost_(registry_.AddGauge(
          "spotburst_fleet_cost_usd_per_hour",
          "Worst-case hourly cost of the fleet after the last plan, USD per "
          "hour.")),
      spot_price_(registry_.AddGauge(
          "spotburst_spot_price_usd_per_hour",
          "Current spot price of each market watched, USD per hour.",
          {"market"})),
      bid_(registry_.AddGauge(
          "spotburst_bid_usd_per_hour",
          "The last plan's bid in the market it buys in, USD per hour.",
          {"market"})),
      supply_mode_(registry_.AddGauge(
          "spotburst_supply_mode",
          "1 for the supply mode in force in the market the last plan buys "
          "in, 0 for the other.",
          {"market", "mode"})),
      actions_applied_(registry_.AddCounter(
          "spotburst_actions_applied_total",
          "Actions handed to the cloud or cluster successfully, by kind.",
          {"kind"})),
      apply_failures_(registry_.AddCounter(
          "spotburst_apply_failures_total",
          "Failed applies of plan actions, by cause.", {"cause"})),
      read_failures_(registry_.AddCounter(
          "spotburst_read_failures_total",
          "Ticks that failed reading the cluster, the fleet or the prices, "
          "by cause.",
          {"cause"})),
      ticks_(registry_.AddCounter("spotburst_ticks_total",
                                  "Control loop ticks, by outcome.",
                                  {"outcome"})),
      notice_ticks_(registry_.AddCounter(
          "spotburst_notice_ticks_total",
          "Ticks made between regular ones, at a new interruption notice "
          "(also counted in spotburst_ticks_total).")),
      tick_duration_(registry_.AddHistogram(
          "spotburst_tick_duration_seconds",
          "How long a tick took (gather, evaluate, apply), seconds.",
          kTickBuckets)),
      log_recorded_(registry_.AddCounter(
          "spotburst_decision_log_recorded_total",
          "Decisions accepted into the decision log's queue.")),
      log_dropped_(registry_.AddCounter(
          "spotburst_decision_log_dropped_total",
          "Decisions not recorded: the decision log's queue was full (or the "
          "log closed).")),
      log_written_(registry_.AddCounter("spotburst_decision_log_written_total",
                                        "Decisions written to the decision "
                                        "log.")),
      log_failed_(registry_.AddCounter(
          "spotburst_decision_log_failed_total",
          "Decisions accepted but not written, by cause.", {"cause"})),
      log_queued_(registry_.AddGauge(
          "spotburst_decision_log_queued",
          "Decisions waiting for the decision log's writer.")) {
  leader_.Set({}, leader ? 1 : 0);
  // Every outcome and cause from the start, so rate() sees the first one.
  for (const char* outcome :
       {"ok", "read_failed", "evaluate_failed", "apply_failed"}) {
    ticks_.Add({outcome}, 0);
  }
  notice_ticks_.Add({}, 0);
  for (const char* cause : {"capacity", "quota", "throttling", "auth",
                            "cluster_unreachable", "other"}) {
    apply_failures_.Add({cause}, 0);
    read_failures_.Add({cause}, 0);
  }
}

void SidecarMetrics::ObserveDecisionLog(const DecisionLog::Stats& stats) {
  absl::MutexLock lock(&log_mu_);
  log_recorded_.Add({}, stats.recorded - log_seen_.recorded);
  log_dropped_.Add({}, stats.dropped - log_seen_.dropped);
  log_written_.Add({}, stats.written - log_seen_.written);
  log_failed_.Add({"no_json"},
                  stats.serialize_errors - log_seen_.serialize_errors);
  log_failed_.Add({"write"}, stats.write_errors - log_seen_.write_errors);
  log_failed_.Add({"shutdown"},
                  stats.unwritten_at_close - log_seen_.unwritten_at_close);
  log_queued_.Set({}, static_cast<double>(stats.queued));
  log_seen_ = stats;
}

void SidecarMetrics::SetLeader(bool leading) {
  leader_.Set({}, leading ? 1 : 0);
}

void SidecarMetrics::ObserveTick(const TickReport& report,
                                 absl::Duration took) {
  tick_duration_.Observe({}, absl::ToDoubleSeconds(took));
  std::string outcome = Outcome(report);
  const TickReport* last = &report;
  std::vector<const TickReport*> reports = {&report};
  for (const TickReport& follow_up : report.follow_ups) {
    reports.push_back(&follow_up);
  }
  for (const TickReport* r : reports) {
    if (ReadFailed(*r)) {
      read_failures_.Add({std::string(FailureCauseLabel(r->status, true))});
    }
    for (const absl::Status& error : r->apply_errors) {
      apply_failures_.Add({std::string(FailureCauseLabel(error, false))});
    }
    for (const auto& [kind, count] : r->applied_by_kind) {
      actions_applied_.Add({std::string(ActionKindName(kind))}, count);
    }
    if (r->plan) last = r;
    if (outcome == "ok") outcome = Outcome(*r);
  }
  ticks_.Add({outcome});
  if (report.on_notice) notice_ticks_.Add({});
  if (!report.input.markets.empty()) {
    spot_price_.Clear();
    for (const MarketView& view : report.input.markets) {
      spot_price_.Set({view.market.Name()}, CurrentPrice(view));
    }
  }
  if (last->plan) ObservePlan(*last);
}

void SidecarMetrics::ObservePlan(const TickReport& report) {
  const Plan& plan = *report.plan;
  desired_.Set({}, plan.desired);
  running_.Set({}, plan.running);
  pending_.Set({}, plan.pending);
  booting_.Set({}, plan.booting);
  draining_.Set({}, plan.draining);
  fleet_cost_.Set({}, plan.fleet_usd_per_hour);
  bid_.Clear();
  supply_mode_.Clear();
  if (plan.market.instance_type.empty()) return;
  const std::string market = plan.market.Name();
  bid_.Set({market}, plan.bid_usd_per_hour);
  for (SupplyMode mode : {SupplyMode::kSpot, SupplyMode::kOnDemand}) {
    supply_mode_.Set({market, std::string(SupplyModeName(mode))},
                     plan.supply_mode == mode ? 1 : 0);
  }
}

}  // namespace spotburst::sidecar
