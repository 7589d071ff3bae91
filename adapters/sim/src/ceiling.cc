// ComputeCeiling: the scenario sampled each minute, every rule of the
// family run by both idealised fleets, and each fleet's Pareto front.
#include "spotburst/sim/ceiling.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "hindsight.h"
#include "ideal_fleet.h"
#include "run_setup.h"
#include "sim_market.h"
#include "spotburst/sim/sweep.h"
#include "spotburst/status_macros.h"

namespace spotburst::sim {
namespace {

// Decisions each minute, as the example policies evaluate.
constexpr absl::Duration kStep = absl::Minutes(1);

// Decisions from a request until the unit counts. The simulator counts
// capacity at each decision, so a unit that joins between two counts from
// the next; a lag drawn from a range exceeds its shortest almost surely.
int StepsUntilCounted(absl::Duration shortest, bool drawn_from_a_range) {
  const double steps = absl::FDivDuration(shortest, kStep);
  return drawn_from_a_range ? static_cast<int>(std::floor(steps + 1e-9)) + 1
                            : static_cast<int>(std::ceil(steps - 1e-9));
}

internal::IdealSeries Sample(const internal::RunSetup& setup,
                             internal::DemandCurve& demand,
                             int on_demand_lag_steps, int spot_lag_steps) {
  std::vector<std::unique_ptr<internal::SimMarket>> markets;
  for (int m : setup.policy_markets) {
    markets.push_back(
        std::make_unique<internal::SimMarket>(*setup.histories[m]));
  }
  const internal::UnitPricing pricing = internal::PolicyUnitPricing(setup);
  internal::IdealSeries series{
      .step_hours = absl::ToDoubleHours(kStep),
      .on_demand_usd_per_unit_hour = pricing.on_demand_usd_per_hour,
      .baseline = setup.baseline,
      .shape = setup.policy.instance.shape,
      .on_demand_lag_steps = on_demand_lag_steps,
      .spot_lag_steps = spot_lag_steps,
      .steps_per_day = static_cast<int>(absl::Hours(24) / kStep)};
  const int64_t steps =
      (setup.end - setup.start + kStep - absl::Nanoseconds(1)) / kStep;
  series.demand.reserve(static_cast<size_t>(std::max<int64_t>(steps, 0)));
  for (int64_t i = 0; i < steps; ++i) {
    const absl::Time t = setup.start + i * kStep;
    const Resources now = demand.At(t);
    series.demand.push_back(now);
    series.needed.push_back(
        internal::InstancesNeeded(now, setup.baseline, series.shape));
    // Before a trace's first point there is no spot price: on-demand.
    double price = series.on_demand_usd_per_unit_hour;
    for (size_t m = 0; m < markets.size(); ++m) {
      const int64_t point = markets[m]->IndexAt(absl::ToUnixSeconds(t));
      if (point < 0) continue;
      const double weight = pricing.weights.empty() ? 1 : pricing.weights[m];
      price = std::min(price, markets[m]->PriceOf(point) / weight);
    }
    series.spot_usd_per_unit_hour.push_back(price);
  }
  return series;
}

void MarkFronts(std::vector<CeilingRow>& rows) {
  for (CeilingFleet fleet : {CeilingFleet::kBootOnly, CeilingFleet::kBridged}) {
    std::vector<size_t> of_fleet;
    std::vector<SweepPoint> points;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].fleet != fleet) continue;
      of_fleet.push_back(i);
      points.push_back({rows[i].cost_usd, rows[i].served_share});
    }
    const std::vector<bool> on_front = ParetoFront(points);
    for (size_t j = 0; j < of_fleet.size(); ++j) {
      rows[of_fleet[j]].on_front = on_front[j];
    }
  }
}

}  // namespace

std::vector<CeilingRule> CeilingRules() {
  struct Jump {
    double share;
    absl::Duration window;
  };
  const std::vector<Jump> jumps = {
      {0, absl::ZeroDuration()},  {0.25, absl::Minutes(60)},
      {0.5, absl::Minutes(60)},   {1, absl::Minutes(60)},
      {0.25, absl::Minutes(180)}, {0.5, absl::Minutes(180)},
      {1, absl::Minutes(180)}};
  std::vector<CeilingRule> rules;
  for (int window : {1, 5, 10, 15, 20, 30, 45, 60}) {
    for (int headroom = 0; headroom <= 3; ++headroom) {
      for (const Jump& jump : jumps) {
        for (double daily : {0.0, 0.5, 1.0}) {
          rules.push_back({.window = absl::Minutes(window),
                           .headroom = headroom,
                           .jump_share = jump.share,
                           .jump_window = jump.window,
                           .daily_share = daily});
        }
      }
    }
  }
  return rules;
}

absl::StatusOr<CeilingReport> ComputeCeiling(
    const Scenario& scenario, const Policy& policy,
    std::shared_ptr<const SimulationInputs> inputs) {
  SPOTBURST_ASSIGN_OR_RETURN(internal::RunSetup setup,
                             internal::Prepare(scenario, policy, inputs));
  // The shortest lags: spot fulfilled at the first batch after the
  // shortest delay (the batches fall on whole minutes), then booted.
  const CloudScenario& cloud = scenario.cloud;
  const bool boot_drawn = cloud.boot_max > cloud.boot_min;
  const int on_demand_steps = StepsUntilCounted(cloud.boot_min, boot_drawn);
  const int spot_steps = StepsUntilCounted(
      cloud.fulfilment_delay_min + cloud.boot_min,
      boot_drawn || cloud.fulfilment_delay_max > cloud.fulfilment_delay_min);
  CeilingReport report{.scenario_name = scenario.name,
                       .policy_name = policy.name,
                       .start = setup.start,
                       .end = setup.end,
                       .step = kStep,
                       .on_demand_lag = on_demand_steps * kStep,
                       .spot_lag = spot_steps * kStep};
  SPOTBURST_ASSIGN_OR_RETURN(report.reference_usd,
                             HindsightCost(scenario, policy, setup.inputs));
  internal::DemandCurve demand = internal::MakeDemand(scenario, setup);
  const internal::IdealSeries series =
      Sample(setup, demand, on_demand_steps, spot_steps);
  internal::RuleSignals signals(series);
  for (const CeilingRule& rule : CeilingRules()) {
    const std::vector<int> wanted =
        internal::RuleTargets(series, signals, rule);
    for (CeilingFleet fleet :
         {CeilingFleet::kBootOnly, CeilingFleet::kBridged}) {
      const internal::IdealOutcome outcome =
          internal::RunIdealFleet(series, wanted, fleet);
      report.rows.push_back({.fleet = fleet,
                             .rule = rule,
                             .cost_usd = outcome.cost_usd,
                             .served_share = outcome.served_share});
    }
  }
  // kBootOnly's rows first, each fleet's in the rules' order.
  std::stable_partition(report.rows.begin(), report.rows.end(),
                        [](const CeilingRow& row) {
                          return row.fleet == CeilingFleet::kBootOnly;
                        });
  MarkFronts(report.rows);
  return report;
}

}  // namespace spotburst::sim
