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

// The distinct price traces of the scenario's markets, in the order named.
std::vector<std::string> PriceTraces(const Scenario& scenario) {
  std::vector<std::string> traces;
  for (const MarketScenario& m : scenario.markets) {
    if (std::find(traces.begin(), traces.end(), m.price_trace) ==
        traces.end()) {
      traces.push_back(m.price_trace);
    }
  }
  return traces;
}

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
  const std::vector<std::string> traces = PriceTraces(scenario);
  if (loaded->price_traces != traces ||
      loaded->workload_trace != scenario.demand.workload_trace) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "sim: inputs were loaded for traces %s and \"%s\", scenario %s names "
        "%s and \"%s\"",
        absl::StrJoin(loaded->price_traces, ", "), loaded->workload_trace,
        scenario.name, absl::StrJoin(traces, ", "),
        scenario.demand.workload_trace));
  }
  return loaded;
}

// FNV-1a, 64 bits: the same on every platform and build (absl::Hash and
// std::hash are not), so a market's stream is too.
uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

// The price history of `market` in the trace `file`, checked to cover the
// run; `key` names the scenario's entry in errors.
absl::StatusOr<const PriceHistory*> HistoryFor(const Scenario& scenario,
                                               const LoadedInputs& inputs,
                                               const std::string& file,
                                               const Market& market,
                                               absl::Time start,
                                               absl::Time end) {
  const size_t t = static_cast<size_t>(
      std::find(inputs.price_traces.begin(), inputs.price_traces.end(), file) -
      inputs.price_traces.begin());
  const PriceHistory* history = nullptr;
  std::vector<std::string> names;
  for (const PriceHistory& h : inputs.histories[t]) {
    if (h.market == market) history = &h;
    names.push_back(h.market.Name());
  }
  if (history == nullptr || history->points.empty()) {
    return absl::NotFoundError(
        absl::StrFormat("sim: market %s is not in price trace %s (it has: %s)",
                        market.Name(), file, absl::StrJoin(names, ", ")));
  }
  const std::vector<PricePoint>& points = history->points;
  if (start < points.front().time || start > points.back().time) {
    return absl::OutOfRangeError(absl::StrFormat(
        "sim: scenario %s starts at %s, outside price trace %s for market %s "
        "(%s to %s)",
        scenario.name, Rfc3339(start), file, market.Name(),
        Rfc3339(points.front().time), Rfc3339(points.back().time)));
  }
  if (end > points.back().time) {
    // After its last point a trace says nothing: holding the last price
    // for the rest of the run would invent the market.
    return absl::OutOfRangeError(absl::StrFormat(
        "sim: scenario %s runs to %s (start + duration_s) but price trace %s "
        "for market %s ends at %s; set duration_s to at most %d or use a "
        "longer trace",
        scenario.name, Rfc3339(end), file, market.Name(),
        Rfc3339(points.back().time),
        absl::ToInt64Seconds(points.back().time - start)));
  }
  return history;
}

}  // namespace

absl::StatusOr<RunSetup> Prepare(
    const Scenario& scenario, const Policy& policy,
    std::shared_ptr<const SimulationInputs> given) {
  RunSetup setup;
  SPOTBURST_ASSIGN_OR_RETURN(setup.inputs, InputsFor(scenario, given));
  setup.start = scenario.start;
  setup.end = scenario.start + scenario.duration;
  setup.policy = policy;
  const bool single = !scenario.market_list;
  std::vector<std::string> types;
  for (size_t i = 0; i < scenario.markets.size(); ++i) {
    const MarketScenario& m = scenario.markets[i];
    const std::string key =
        single ? std::string("market") : absl::StrCat("markets[", i, "]");
    const std::string type =
        m.instance_type.empty() ? policy.instance.type : m.instance_type;
    if (single && type != policy.instance.type) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "sim: scenario %s sells %s but policy %s bursts with %s",
          scenario.name, type, policy.name, policy.instance.type));
    }
    const std::string zone = m.availability_zone.empty()
                                 ? policy.instance.availability_zone
                                 : m.availability_zone;
    if (zone.empty()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "sim: no availability zone: set market.availability_zone in "
          "scenario %s or instance.availability_zone in policy %s",
          scenario.name, policy.name));
    }
    const Market market{.instance_type = type,
                        .availability_zone = zone,
                        .product = policy.instance.product};
    for (size_t j = 0; j < i; ++j) {
      if (setup.cloud.markets[j].market == market) {
        // Only the policy's type, filled in, can make two entries one.
        return absl::InvalidArgumentError(absl::StrFormat(
            "sim: scenario %s: %s.availability_zone: %s is already "
            "markets[%d] (with policy %s's type)",
            scenario.name, key, market.Name(), j, policy.name));
      }
    }
    SPOTBURST_ASSIGN_OR_RETURN(
        const PriceHistory* history,
        HistoryFor(scenario, *setup.inputs, m.price_trace, market, setup.start,
                   setup.end));
    const bool policy_type = type == policy.instance.type;
    // An alternative's market: its shape, weight and on-demand price.
    const InstanceAlternative* alternative = nullptr;
    for (const InstanceAlternative& a : policy.instance.alternatives) {
      if (a.type == type) alternative = &a;
    }
    if (!policy_type && alternative == nullptr &&
        m.on_demand_usd_per_hour <= 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "sim: scenario %s: %s.on_demand_usd_per_hour: required for %s (the "
          "policy's on-demand price is %s's)",
          scenario.name, key, type, policy.instance.type));
    }
    if (!policy.instance.alternatives.empty()) {
      setup.market_shapes.push_back(
          alternative != nullptr ? alternative->shape : policy.instance.shape);
      setup.market_weights.push_back(
          alternative != nullptr ? UnitWeight(policy.instance, *alternative)
                                 : 1);
    }
    CloudMarket sold{
        .market = market,
        .regime = m.regime,
        .interruption_rate_per_hour = m.interruption_rate_per_hour,
        .on_demand_usd_per_hour =
            m.on_demand_usd_per_hour > 0 ? m.on_demand_usd_per_hour
            : alternative != nullptr     ? alternative->on_demand_usd_per_hour
                                     : policy.instance.on_demand_usd_per_hour,
        // A listed market's interruptions draw from a stream of the seed and
        // the market's own identity, so adding or reordering markets leaves
        // every other market's draws alone. The single `market:` keeps the
        // stream it always drew from (purpose 3), so its runs stay as they
        // were; the top bit keeps derived purposes clear of 1 to 4.
        .interruption_stream =
            single ? 3 : (Fnv1a(market.Name()) | (uint64_t{1} << 63))};
    for (const std::vector<CapacityOutage>* outages :
         {&scenario.cloud.spot_capacity_outages, &m.spot_capacity_outages}) {
      for (const CapacityOutage& o : *outages) {
        sold.spot_capacity_outages.push_back(
            {setup.start + o.at, setup.start + o.at + o.length});
      }
    }
    if (policy_type) {
      if (setup.on_demand_usd_per_hour == 0) {
        setup.on_demand_usd_per_hour = sold.on_demand_usd_per_hour;
      }
      setup.policy_markets.push_back(static_cast<int>(i));
      setup.availability_zones.push_back(zone);
    } else if (alternative != nullptr) {
      setup.policy_markets.push_back(static_cast<int>(i));
    } else if (std::find(types.begin(), types.end(), type) == types.end()) {
      types.push_back(type);
    }
    setup.cloud.markets.push_back(std::move(sold));
    setup.histories.push_back(history);
  }
  if (setup.availability_zones.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "sim: scenario %s sells %s but policy %s bursts with %s", scenario.name,
        absl::StrJoin(types, ", "), policy.name, policy.instance.type));
  }
  if (single) {
    setup.policy.instance.availability_zone =
        setup.cloud.markets[0].market.availability_zone;
    setup.availability_zones.clear();
  } else if (!policy.instance.availability_zone.empty()) {
    // A policy pinned to a zone runs there, if the scenario sells it.
    if (std::find(setup.availability_zones.begin(),
                  setup.availability_zones.end(),
                  policy.instance.availability_zone) ==
        setup.availability_zones.end()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "sim: policy %s bursts in %s, which scenario %s does not sell %s in "
          "(its zones: %s)",
          policy.name, policy.instance.availability_zone, scenario.name,
          policy.instance.type, absl::StrJoin(setup.availability_zones, ", ")));
    }
    setup.availability_zones.clear();
  }
  // The controller watches every listed type in every zone it watches.
  const std::vector<std::string> watched =
      setup.availability_zones.empty()
          ? std::vector<std::string>{setup.policy.instance.availability_zone}
          : setup.availability_zones;
  for (size_t k = 0; k < policy.instance.alternatives.size(); ++k) {
    const std::string& type = policy.instance.alternatives[k].type;
    for (const std::string& zone : watched) {
      const bool sold =
          std::any_of(setup.cloud.markets.begin(), setup.cloud.markets.end(),
                      [&](const CloudMarket& c) {
                        return c.market.instance_type == type &&
                               c.market.availability_zone == zone;
                      });
      if (!sold) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "sim: policy %s: instance.alternatives[%d]: scenario %s does not "
            "sell %s in %s",
            policy.name, k, scenario.name, type, zone));
      }
    }
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

  setup.cloud.region = policy.instance.region;
  setup.cloud.timing = scenario.cloud;
  setup.cloud.billing = scenario.cloud.billing.value_or(policy.billing.model);
  setup.cloud.minimum_billed = policy.billing.minimum_billed;
  setup.cloud.seed = scenario.seed;
  // EC2 lists closed requests for four hours; the engine acts on none of
  // them, and copying a few hundred into every tick's fleet was most of a
  // simulated year's time.
  setup.cloud.closed_request_retention = absl::Minutes(10);
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

double Hindsight(const RunSetup& setup, const DemandCurve& demand,
                 std::vector<const SimMarket*> spots) {
  UnitPricing pricing = PolicyUnitPricing(setup);
  return HindsightCostUsd(
      {.demand = &demand,
       .spots = std::move(spots),
       .weights = std::move(pricing.weights),
       .on_demand_usd_per_hour = pricing.on_demand_usd_per_hour,
       .baseline = setup.baseline,
       .shape = setup.policy.instance.shape,
       .start = setup.start,
       .end = setup.end});
}

UnitPricing PolicyUnitPricing(const RunSetup& setup) {
  UnitPricing pricing{.on_demand_usd_per_hour = setup.on_demand_usd_per_hour};
  if (setup.market_weights.empty()) return pricing;
  for (int m : setup.policy_markets) {
    const double weight = setup.market_weights[m];
    pricing.weights.push_back(weight);
    pricing.on_demand_usd_per_hour =
        std::min(pricing.on_demand_usd_per_hour,
                 setup.cloud.markets[m].on_demand_usd_per_hour / weight);
  }
  return pricing;
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

}  // namespace

absl::StatusOr<std::shared_ptr<const SimulationInputs>> SimulationInputs::Load(
    const Scenario& scenario) {
  auto inputs = std::make_shared<LoadedInputs>();
  inputs->price_traces = internal::PriceTraces(scenario);
  for (const std::string& trace : inputs->price_traces) {
    absl::StatusOr<std::vector<PriceHistory>> histories =
        ReadPriceTraceCsv(trace);
    if (!histories.ok()) return Prefixed(histories.status());
    inputs->histories.push_back(*std::move(histories));
  }
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
  internal::SimCloud cloud(setup.cloud, setup.histories, clock);
  internal::DemandCurve demand = MakeDemand(scenario, setup);
  internal::SimCluster cluster(demand, cloud, clock, setup.baseline,
                               setup.policy.instance.shape,
                               setup.market_shapes);
  Controller controller(
      *engine, cluster, cloud, cloud, clock,
      {.availability_zones = setup.availability_zones, .drainer = &cloud});

  const absl::Duration step = setup.policy.evaluation_interval;
  const int64_t ticks =
      (scenario.duration + step - absl::Nanoseconds(1)) / step;
  internal::Accounting accounting(
      setup.policy, setup.baseline, setup.market_shapes, setup.market_weights,
      options.keep_timeline, static_cast<size_t>(std::max<int64_t>(ticks, 0)));
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
  result.on_demand_usd_per_hour = setup.on_demand_usd_per_hour;
  std::vector<const internal::SimMarket*> spots;
  for (int m : setup.policy_markets) spots.push_back(&cloud.market(m));
  result.totals = accounting.Finish(
      cloud, internal::Hindsight(setup, demand, std::move(spots)));
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
  std::vector<std::unique_ptr<internal::SimMarket>> markets;
  std::vector<const internal::SimMarket*> spots;
  for (int m : setup.policy_markets) {
    markets.push_back(
        std::make_unique<internal::SimMarket>(*setup.histories[m]));
    spots.push_back(markets.back().get());
  }
  return internal::Hindsight(setup, demand, std::move(spots));
}

}  // namespace spotburst::sim
