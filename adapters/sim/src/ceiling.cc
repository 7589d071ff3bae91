// ComputeCeiling: the scenario sampled each minute, every rule of the
// family run as an idealised fleet, and the Pareto front.
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
// the next; a boot drawn from a range exceeds its shortest almost surely.
int StepsUntilCounted(absl::Duration shortest, bool drawn_from_a_range) {
  const double steps = absl::FDivDuration(shortest, kStep);
  return drawn_from_a_range ? static_cast<int>(std::floor(steps + 1e-9)) + 1
                            : static_cast<int>(std::ceil(steps - 1e-9));
}

// `markets`: the SimMarkets of setup.policy_markets, in order.
internal::IdealSeries Sample(
    const internal::RunSetup& setup, internal::DemandCurve& demand,
    const std::vector<const internal::SimMarket*>& markets, int lag_steps) {
  const internal::UnitPricing pricing = internal::PolicyUnitPricing(setup);
  internal::IdealSeries series{
      .step_hours = absl::ToDoubleHours(kStep),
      .baseline = setup.baseline,
      .shape = setup.policy.instance.shape,
      .lag_steps = lag_steps,
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
    double price = pricing.on_demand_usd_per_hour;
    for (size_t m = 0; m < markets.size(); ++m) {
      const int64_t point = markets[m]->IndexAt(absl::ToUnixSeconds(t));
      if (point < 0) continue;
      const double weight = pricing.weights.empty() ? 1 : pricing.weights[m];
      price = std::min(price, markets[m]->PriceOf(point) / weight);
    }
    series.usd_per_unit_hour.push_back(price);
  }
  return series;
}

void MarkFront(std::vector<CeilingRow>& rows) {
  std::vector<SweepPoint> points;
  points.reserve(rows.size());
  for (const CeilingRow& row : rows) {
    points.push_back({row.cost_usd, row.served_share});
  }
  const std::vector<bool> on_front = ParetoFront(points);
  for (size_t i = 0; i < rows.size(); ++i) rows[i].on_front = on_front[i];
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
  const CloudScenario& cloud = scenario.cloud;
  const int lag_steps =
      StepsUntilCounted(cloud.boot_min, cloud.boot_max > cloud.boot_min);
  CeilingReport report{.scenario_name = scenario.name,
                       .policy_name = policy.name,
                       .start = setup.start,
                       .end = setup.end,
                       .step = kStep,
                       .lag = lag_steps * kStep};
  std::vector<std::unique_ptr<internal::SimMarket>> owned;
  std::vector<const internal::SimMarket*> markets;
  for (int m : setup.policy_markets) {
    owned.push_back(std::make_unique<internal::SimMarket>(*setup.histories[m]));
    markets.push_back(owned.back().get());
  }
  internal::DemandCurve demand = internal::MakeDemand(scenario, setup);
  report.reference_usd = internal::Hindsight(setup, demand, markets);
  const internal::IdealSeries series =
      Sample(setup, demand, markets, lag_steps);
  internal::RuleSignals signals(series);
  for (const CeilingRule& rule : CeilingRules()) {
    const internal::IdealOutcome outcome = internal::RunIdealFleet(
        series, internal::RuleTargets(series, signals, rule));
    report.rows.push_back({.rule = rule,
                           .cost_usd = outcome.cost_usd,
                           .served_share = outcome.served_share});
  }
  MarkFront(report.rows);
  return report;
}

}  // namespace spotburst::sim
