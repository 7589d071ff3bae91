// Timeline rows and totals of a simulation run.
#include "accounting.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hindsight.h"
#include "spotburst/launch_failure.h"

namespace spotburst::sim::internal {

std::string ActionSummary(const Plan& plan) {
  std::string out;
  size_t i = 0;
  while (i < plan.actions.size()) {
    // Actions of a kind are adjacent (plans come grouped by kind).
    const ActionKind kind = plan.actions[i].kind;
    int count = 0;
    for (; i < plan.actions.size() && plan.actions[i].kind == kind; ++i) {
      const bool launch = kind == ActionKind::kRequestSpot ||
                          kind == ActionKind::kLaunchOnDemand;
      count += launch ? plan.actions[i].count : 1;
    }
    const std::string_view name = ActionKindName(kind);
    absl::StrAppend(&out, out.empty() ? "" : " ",
                    absl::string_view(name.data(), name.size()), ":", count);
  }
  return out;
}

Accounting::Accounting(const Policy& policy, const Resources& baseline,
                       std::vector<Resources> market_shapes,
                       std::vector<int> market_weights, bool keep_timeline,
                       size_t expected_rows)
    : policy_(policy),
      baseline_(baseline),
      market_shapes_(std::move(market_shapes)),
      market_weights_(std::move(market_weights)),
      keep_timeline_(keep_timeline) {
  if (keep_timeline_) timeline_.reserve(expected_rows);
}

int Accounting::LiveUnits(const SimCloud& cloud) const {
  if (market_weights_.empty()) return cloud.live_instances();
  int units = 0;
  for (size_t m = 0; m < market_weights_.size(); ++m) {
    units += cloud.live_in(static_cast<int>(m)) * market_weights_[m];
  }
  return units;
}

double Accounting::RunCpuHours(const SimCloud& cloud) const {
  constexpr double kHour = 3600;
  if (market_shapes_.empty()) {
    return cloud.meter().run_instance_hours() * policy_.instance.shape.cpus;
  }
  // Each instance's own shape: a weight-2 type runs twice the CPUs.
  double cpu_seconds = 0;
  for (const InstanceRecord& record : cloud.instances()) {
    cpu_seconds +=
        absl::ToDoubleSeconds(record.end_time - record.instance.launch_time) *
        market_shapes_[record.market].cpus;
  }
  return cpu_seconds / kHour;
}

void Accounting::Digest(std::string_view actions) {
  // FNV-1a over every evaluation's actions, one separator per evaluation.
  for (unsigned char c : actions) {
    decisions_digest_ = (decisions_digest_ ^ c) * 0x100000001b3ull;
  }
  decisions_digest_ = (decisions_digest_ ^ '|') * 0x100000001b3ull;
}

void Accounting::CountFailure(absl::Time t, const TickReport& report) {
  // A launch refused for capacity or quota is the market's answer, which
  // the engine acts on in the follow-up evaluation; any other error is a
  // failed tick.
  const bool apply_failed = std::any_of(
      report.apply_errors.begin(), report.apply_errors.end(),
      [](const absl::Status& s) { return !BlocksLaunches(FailureCauseOf(s)); });
  if (!report.status.ok() || apply_failed) {
    ++failed_ticks_;
    if (first_error_.empty()) {
      first_error_ = absl::StrCat(
          "at ", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()),
          ": ",
          !report.status.ok() ? report.status.ToString()
                              : report.apply_errors.front().ToString());
    }
  }
}

void Accounting::RecordNoticeEvaluation(absl::Time t,
                                        const TickReport& report) {
  ++notice_evaluations_;
  std::string actions = absl::StrCat(
      "at notice ", absl::FormatTime("%H:%M:%S", t, absl::UTCTimeZone()), ": ",
      report.plan ? ActionSummary(*report.plan) : std::string("no-plan"));
  Digest(actions);
  CountFailure(t, report);
  if (keep_timeline_ && !timeline_.empty()) {
    absl::StrAppend(&timeline_.back().actions, "; ", actions);
  }
}

void Accounting::Record(absl::Time t, absl::Duration interval,
                        const TickReport& report, const ClusterReading& reading,
                        SimCloud& cloud) {
  // Sums of value x seconds, made hours once at the end: whole seconds
  // keep round inputs round (50 CPUs for an hour is 50 CPU-hours exactly).
  const double seconds = absl::ToDoubleSeconds(interval);
  demand_seconds_ += reading.demand * seconds;
  unmet_seconds_ += reading.queued * seconds;
  burst_cpu_seconds_used_ +=
      std::max(0.0, reading.used.cpus - baseline_.cpus) * seconds;
  // In units of instance.shape, as the demand's need is counted.
  const int needed =
      InstancesNeeded(reading.demand, baseline_, policy_.instance.shape);
  idle_paid_instance_seconds_ +=
      std::max(0, LiveUnits(cloud) - needed) * seconds;
  ++evaluations_;
  std::string actions =
      report.plan ? ActionSummary(*report.plan) : std::string("no-plan");
  // The evaluation that followed refused launches in the same tick.
  for (const TickReport& follow_up : report.follow_ups) {
    absl::StrAppend(&actions, "; after refused launches: ",
                    follow_up.plan ? ActionSummary(*follow_up.plan)
                                   : std::string("no-plan"));
  }
  Digest(actions);
  CountFailure(t, report);
  if (!keep_timeline_) return;

  TimelineRow row;
  row.time = t;
  if (report.plan && cloud.market_count() > 1) {
    const int market = cloud.MarketIndex(report.plan->market.instance_type,
                                         report.plan->market.availability_zone);
    // Without a plan, or with one naming no market sold, the last stands.
    if (market >= 0) market_ = market;
  }
  row.market = market_;
  row.price_usd = cloud.PriceNow(market_);
  if (report.plan) {
    // On-demand supply requests nothing at the bid it still computes.
    if (report.plan->supply_mode == SupplyMode::kSpot) {
      row.bid_usd = report.plan->bid_usd_per_hour;
    }
    row.desired = report.plan->desired;
    row.supply_mode = report.plan->supply_mode;
    row.actions = actions;
  } else if (!timeline_.empty()) {
    // No plan this tick: the last decision still stands.
    row.desired = timeline_.back().desired;
    row.supply_mode = timeline_.back().supply_mode;
  }
  row.open_requests = cloud.open_requests();
  row.booting = cloud.booting();
  row.running_spot = cloud.joined_spot();
  row.running_on_demand = cloud.joined_on_demand();
  row.demand = reading.demand;
  row.capacity = reading.capacity;
  row.used = reading.used;
  for (ResourceKind kind : kAllResourceKinds) {
    const double capacity = reading.capacity.Get(kind);
    if (capacity > 0) {
      row.usage_share =
          std::max(row.usage_share, reading.used.Get(kind) / capacity);
    }
  }
  row.burst_point = policy_.scaling.burst_point;
  row.cost_usd = cloud.meter().CostSoFar(t);
  row.interruptions = cloud.counters().interruptions;
  timeline_.push_back(std::move(row));
}

SimulationTotals Accounting::Finish(const SimCloud& cloud,
                                    double reference_usd) const {
  SimulationTotals totals;
  const BillingMeter& meter = cloud.meter();
  totals.spot_cost_usd = meter.spot_cost_usd();
  totals.on_demand_cost_usd = meter.on_demand_cost_usd();
  totals.hindsight_reference_usd = reference_usd;
  constexpr double kHour = 3600;
  totals.unmet_hours = unmet_seconds_ * (1 / kHour);
  totals.demand_hours = demand_seconds_ * (1 / kHour);
  totals.served_share = 1;
  for (ResourceKind kind : kAllResourceKinds) {
    const double demand = demand_seconds_.Get(kind);
    if (demand > 0) {
      totals.served_share =
          std::min(totals.served_share, 1 - unmet_seconds_.Get(kind) / demand);
    }
  }
  totals.spot_instance_hours = meter.spot_instance_hours();
  totals.on_demand_instance_hours = meter.on_demand_instance_hours();
  totals.run_instance_hours = meter.run_instance_hours();
  totals.uncharged_interrupted_hours = meter.uncharged_interrupted_hours();
  totals.billing = cloud.config().billing;
  totals.policy_billing = policy_.billing.model;
  totals.decisions_digest = decisions_digest_;
  // Over the time run, not billed: free interrupted time was used too.
  const double run_cpu_hours = RunCpuHours(cloud);
  totals.burst_utilisation =
      run_cpu_hours > 0 ? burst_cpu_seconds_used_ / kHour / run_cpu_hours : 0;
  totals.idle_paid_instance_hours = idle_paid_instance_seconds_ / kHour;
  const CloudCounters& counters = cloud.counters();
  totals.spot_requests = counters.spot_requests;
  totals.requests_cancelled = counters.requests_cancelled;
  totals.interruptions = counters.interruptions;
  totals.instances_launched = counters.instances_launched;
  totals.instances_ended_by_policy = counters.instances_ended_by_user;
  totals.evaluations = evaluations_;
  totals.failed_ticks = failed_ticks_;
  totals.first_error = first_error_;
  const std::vector<CloudMarket>& markets = cloud.config().markets;
  for (size_t m = 0; m < markets.size(); ++m) {
    const int i = static_cast<int>(m);
    totals.markets.push_back(
        {.market = markets[m].market.Name(),
         .spot_cost_usd = meter.spot_cost_usd(i),
         .on_demand_cost_usd = meter.on_demand_cost_usd(i),
         .spot_instance_hours = meter.spot_instance_hours(i),
         .on_demand_instance_hours = meter.on_demand_instance_hours(i)});
  }
  for (const InstanceRecord& record : cloud.instances()) {
    MarketTotals& market = totals.markets[record.market];
    ++(record.instance.lifecycle == Lifecycle::kSpot
           ? market.spot_instances
           : market.on_demand_instances);
    if (record.ended_by == EndedBy::kProvider) ++market.interruptions;
  }
  return totals;
}

}  // namespace spotburst::sim::internal
