// RunSimulation: the real Engine and Controller over the simulated cloud
// and cluster, on a simulated clock. Each step: move the clock, let the
// cloud catch up (batches, joins, interruptions), tick the controller, and
// record what the world looks like afterwards. At the end the cloud bills
// every instance still running as if the user ended it then (see
// billing_meter.h).
#include "spotburst/sim/simulation.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "accounting.h"
#include "demand_curve.h"
#include "hindsight.h"
#include "ledger.h"
#include "run_clock.h"
#include "run_setup.h"
#include "sim_cloud.h"
#include "sim_cluster.h"
#include "spotburst/controller.h"
#include "spotburst/engine.h"
#include "spotburst/price_trace.h"
#include "spotburst/status_macros.h"
#include "workload_trace.h"

namespace spotburst::sim {
namespace {

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

absl::Status Prefixed(const absl::Status& s) {
  return absl::Status(s.code(), absl::StrCat("sim: ", s.message()));
}

}  // namespace

namespace internal {
namespace {

absl::StatusOr<std::shared_ptr<const LoadedInputs>> InputsFor(
    const Scenario& scenario, std::shared_ptr<const SimulationInputs> given) {
  if (given == nullptr) {
    SPOTBURST_ASSIGN_OR_RETURN(given, SimulationInputs::Load(scenario));
  }
  auto loaded = std::dynamic_pointer_cast<const LoadedInputs>(given);
  if (loaded == nullptr) {
    return absl::InvalidArgumentError(
        "sim: inputs not made by SimulationInputs::Load");
  }
  if (loaded->price_trace != scenario.market.price_trace ||
      loaded->workload_trace != scenario.demand.workload_trace) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "sim: inputs were loaded for traces %s and \"%s\", scenario %s names "
        "%s and \"%s\"",
        loaded->price_trace, loaded->workload_trace, scenario.name,
        scenario.market.price_trace, scenario.demand.workload_trace));
  }
  return loaded;
}

}  // namespace

absl::StatusOr<RunSetup> Prepare(
    const Scenario& scenario, const Policy& policy,
    std::shared_ptr<const SimulationInputs> given) {
  RunSetup setup;
  SPOTBURST_ASSIGN_OR_RETURN(setup.inputs, InputsFor(scenario, given));
  const std::string& file = scenario.market.price_trace;
  const std::string type = scenario.market.instance_type.empty()
                               ? policy.instance.type
                               : scenario.market.instance_type;
  if (type != policy.instance.type) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "sim: scenario %s sells %s but policy %s bursts with %s", scenario.name,
        type, policy.name, policy.instance.type));
  }
  const std::string zone = scenario.market.availability_zone.empty()
                               ? policy.instance.availability_zone
                               : scenario.market.availability_zone;
  if (zone.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "sim: no availability zone: set market.availability_zone in scenario "
        "%s or instance.availability_zone in policy %s",
        scenario.name, policy.name));
  }
  const Market market{.instance_type = type,
                      .availability_zone = zone,
                      .product = policy.instance.product};
  std::vector<std::string> names;
  for (const PriceHistory& h : setup.inputs->histories) {
    if (h.market == market) setup.history = &h;
    names.push_back(h.market.Name());
  }
  if (setup.history == nullptr || setup.history->points.empty()) {
    return absl::NotFoundError(
        absl::StrFormat("sim: market %s is not in price trace %s (it has: %s)",
                        market.Name(), file, absl::StrJoin(names, ", ")));
  }
  const std::vector<PricePoint>& points = setup.history->points;
  setup.start = scenario.start;
  setup.end = scenario.start + scenario.duration;
  if (setup.start < points.front().time || setup.start > points.back().time) {
    return absl::OutOfRangeError(absl::StrFormat(
        "sim: scenario %s starts at %s, outside price trace %s for market %s "
        "(%s to %s)",
        scenario.name, Rfc3339(setup.start), file, market.Name(),
        Rfc3339(points.front().time), Rfc3339(points.back().time)));
  }
  if (setup.end > points.back().time) {
    // After its last point a trace says nothing: holding the last price
    // for the rest of the run would invent the market.
    return absl::OutOfRangeError(absl::StrFormat(
        "sim: scenario %s runs to %s (start + duration_s) but price trace %s "
        "for market %s ends at %s; set duration_s to at most %d or use a "
        "longer trace",
        scenario.name, Rfc3339(setup.end), file, market.Name(),
        Rfc3339(points.back().time),
        absl::ToInt64Seconds(points.back().time - setup.start)));
  }
  const std::vector<internal::WorkloadSample>& workload =
      setup.inputs->workload;
  if (!workload.empty()) {
    const absl::Duration step =
        workload.size() > 1 ? workload.back().time - workload.end()[-2].time
                            : absl::ZeroDuration();
    const absl::Duration covered =
        workload.back().time - workload.front().time + step;
    if (scenario.duration > covered) {
      // Holding the last sample would invent demand; say so instead.
      return absl::OutOfRangeError(absl::StrFormat(
          "sim: workload trace %s covers %s, scenario %s runs %s",
          scenario.demand.workload_trace, absl::FormatDuration(covered),
          scenario.name, absl::FormatDuration(scenario.duration)));
    }
  }

  setup.policy = policy;
  setup.policy.instance.availability_zone = zone;
  const double on_demand = scenario.market.on_demand_usd_per_hour > 0
                               ? scenario.market.on_demand_usd_per_hour
                               : policy.instance.on_demand_usd_per_hour;
  setup.cloud = {
      .market = market,
      .region = policy.instance.region,
      .regime = scenario.market.regime,
      .interruption_rate_per_hour = scenario.market.interruption_rate_per_hour,
      .on_demand_usd_per_hour = on_demand,
      .timing = scenario.cloud,
      .billing = scenario.cloud.billing.value_or(policy.billing.model),
      .minimum_billed = policy.billing.minimum_billed,
      .seed = scenario.seed,
      // EC2 lists closed requests for four hours; the engine acts
      // on none of them, and copying a few hundred into every
      // tick's fleet was most of a simulated year's time.
      .closed_request_retention = absl::Minutes(10)};
  for (const CloudScenario::Outage& o : scenario.cloud.spot_capacity_outages) {
    setup.cloud.spot_capacity_outages.push_back(
        {setup.start + o.at, setup.start + o.at + o.length});
  }
  setup.cloud.cluster = scenario.cluster;
  setup.baseline = scenario.baseline.value_or(policy.baseline);
  return setup;
}

internal::DemandCurve MakeDemand(const Scenario& scenario,
                                 const RunSetup& setup) {
  if (!scenario.demand.workload_trace.empty()) {
    return internal::DemandCurve::FromWorkload(
        setup.inputs->workload, scenario.demand.workload_scale,
        scenario.demand.base, setup.start, setup.end);
  }
  return internal::DemandCurve::FromPhases(scenario.demand.phases,
                                           scenario.demand.base, setup.start);
}

}  // namespace internal

namespace {

using internal::LoadedInputs;
using internal::MakeDemand;
using internal::Prepare;
using internal::RunSetup;

// Between the tick at `t` and the next at `until`: the controller lists
// the fleet every `poll` after `t`; the first poll after a notice
// evaluates at once (Controller::TickOnNewNotice). Only polls that follow
// a notice are made: the others find nothing and change nothing.
void ActOnNotices(absl::Time t, absl::Time until, absl::Duration poll,
                  internal::RunClock& clock, internal::SimCloud& cloud,
                  Controller& controller, internal::Accounting& accounting,
                  const SimulationOptions& options) {
  TickReport report;
  while (true) {
    const absl::Time notice = cloud.AdvanceToNotice(until - absl::Seconds(1));
    if (notice == absl::InfiniteFuture()) return;
    const absl::Time seen = t + absl::Ceil(notice - t, poll);
    if (seen >= until) return;
    clock.SetTime(seen);
    cloud.AdvanceTo(seen);
    if (controller.TickOnNewNotice(report)) {
      accounting.RecordNoticeEvaluation(seen, report);
      if (options.on_tick) options.on_tick(report);
    }
  }
}

double Hindsight(const RunSetup& setup, internal::DemandCurve& demand,
                 const internal::SimMarket& spot) {
  return internal::HindsightCostUsd(
      {.demand = &demand,
       .spot = &spot,
       .on_demand_usd_per_hour = setup.cloud.on_demand_usd_per_hour,
       .baseline = setup.baseline,
       .shape = setup.policy.instance.shape,
       .start = setup.start,
       .end = setup.end});
}

}  // namespace

absl::StatusOr<std::shared_ptr<const SimulationInputs>> SimulationInputs::Load(
    const Scenario& scenario) {
  auto inputs = std::make_shared<LoadedInputs>();
  inputs->price_trace = scenario.market.price_trace;
  absl::StatusOr<std::vector<PriceHistory>> histories =
      ReadPriceTraceCsv(scenario.market.price_trace);
  if (!histories.ok()) return Prefixed(histories.status());
  inputs->histories = *std::move(histories);
  inputs->workload_trace = scenario.demand.workload_trace;
  if (!inputs->workload_trace.empty()) {
    absl::StatusOr<std::vector<internal::WorkloadSample>> workload =
        internal::ReadWorkloadCsv(inputs->workload_trace);
    if (!workload.ok()) return Prefixed(workload.status());
    inputs->workload = *std::move(workload);
  }
  return std::shared_ptr<const SimulationInputs>(std::move(inputs));
}

absl::StatusOr<SimulationResult> RunSimulation(
    const Scenario& scenario, const Policy& policy,
    const SimulationOptions& options,
    std::shared_ptr<const SimulationInputs> inputs) {
  SPOTBURST_ASSIGN_OR_RETURN(RunSetup setup,
                             Prepare(scenario, policy, std::move(inputs)));
  absl::StatusOr<Engine> engine = Engine::Create(setup.policy);
  if (!engine.ok()) {
    return absl::Status(engine.status().code(),
                        absl::StrCat("sim: policy ", policy.name, ": ",
                                     engine.status().message()));
  }
  internal::RunClock clock(setup.start);
  internal::SimCloud cloud(setup.cloud, *setup.history, clock);
  internal::DemandCurve demand = MakeDemand(scenario, setup);
  internal::SimCluster cluster(demand, cloud, clock, setup.baseline,
                               setup.policy.instance.shape);
  Controller controller(*engine, cluster, cloud, cloud, clock,
                        {.drainer = &cloud});

  const absl::Duration step = setup.policy.evaluation_interval;
  const int64_t ticks =
      (scenario.duration + step - absl::Nanoseconds(1)) / step;
  internal::Accounting accounting(
      setup.policy, setup.baseline, options.keep_timeline,
      static_cast<size_t>(std::max<int64_t>(ticks, 0)));
  const int64_t progress_every = std::max<int64_t>(1, ticks / 100);
  int64_t tick = 0;
  // One report for the run: each tick lists the fleet into the last one's
  // buffers.
  TickReport report;
  const absl::Duration poll = setup.policy.notice_poll_interval;
  for (absl::Time t = setup.start; t < setup.end; t += step, ++tick) {
    clock.SetTime(t);
    cloud.AdvanceTo(t);
    controller.Tick(report);
    accounting.Record(t, std::min(step, setup.end - t), report,
                      cluster.ReadAt(t), cloud);
    if (options.on_tick) options.on_tick(report);
    if (poll > absl::ZeroDuration()) {
      ActOnNotices(t, std::min(t + step, setup.end), poll, clock, cloud,
                   controller, accounting, options);
    }
    if (options.progress && tick % progress_every == 0) {
      options.progress(static_cast<double>(tick) / static_cast<double>(ticks));
    }
  }
  clock.SetTime(setup.end);
  cloud.EndRun(setup.end);
  if (options.progress) options.progress(1.0);

  SimulationResult result;
  result.scenario_name = scenario.name;
  result.policy_name = policy.name;
  result.start = setup.start;
  result.end = setup.end;
  result.on_demand_usd_per_hour = setup.cloud.on_demand_usd_per_hour;
  result.totals =
      accounting.Finish(cloud, Hindsight(setup, demand, cloud.market()));
  result.timeline = accounting.TakeTimeline();
  if (options.keep_timeline) result.instances = internal::BuildLedger(cloud);
  return result;
}

absl::StatusOr<double> HindsightCost(
    const Scenario& scenario, const Policy& policy,
    std::shared_ptr<const SimulationInputs> inputs) {
  SPOTBURST_ASSIGN_OR_RETURN(RunSetup setup,
                             Prepare(scenario, policy, std::move(inputs)));
  internal::DemandCurve demand = MakeDemand(scenario, setup);
  internal::SimMarket spot(*setup.history);
  return Hindsight(setup, demand, spot);
}

}  // namespace spotburst::sim
