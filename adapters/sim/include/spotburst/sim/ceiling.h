// The ceiling: how much of a scenario's demand an idealised online fleet
// could serve for what cost, so that a policy's figures can be read against
// what the scenario's lags allow at all, not only against the hindsight
// reference (which knows the future and never waits).
//
// An idealised fleet decides each minute how many burst units to hold from
// the demand seen so far, by a rule of a fixed family (CeilingRule), and is
// granted every advantage a real fleet lacks but foresight:
//   - a unit asked for serves after the shortest lag the scenario allows
//     (its shortest boot; spot after the shortest fulfilment delay as well),
//     from the first decision after it (the simulator counts capacity at
//     each decision, and a lag drawn from a range exceeds its shortest),
//     and costs nothing until then;
//   - a unit no longer wanted ends at once, paid per second, at the
//     cheapest price per unit of the policy's markets, capped by on-demand;
//   - nothing is interrupted, refused or capped.
// Two fleets run every rule: kBootOnly, whose units all serve after the
// boot at the yardstick's price (as if spot came as fast as on-demand), and
// kBridged, whose spot serves after fulfilment and boot while on-demand,
// at its own price, stands in from its boot until then (what
// scaling.bridge does). A rule is tuned on the trace it is judged on, so
// each fleet's Pareto front is a ceiling for the family, not a forecast.
//
//   SPOTBURST_ASSIGN_OR_RETURN(CeilingReport report,
//                              ComputeCeiling(scenario, policy));
//   std::cout << FormatCeiling(report, /*within=*/1.3);
#ifndef SPOTBURST_SIM_CEILING_H_
#define SPOTBURST_SIM_CEILING_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/policy.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/sim/simulation.h"

namespace spotburst::sim {

enum class CeilingFleet { kBootOnly, kBridged };

// Units held at each decision: the most needed over `window` (one minute:
// the need now), plus `headroom`, plus `jump_share` of the largest rise of
// the need between two minutes over `jump_window`, plus `daily_share` of
// the largest rise the day before over the minutes the coming boot spans.
// Shares of a rise are rounded up to whole units.
struct CeilingRule {
  absl::Duration window = absl::Minutes(1);
  int headroom = 0;
  double jump_share = 0;
  absl::Duration jump_window;
  double daily_share = 0;
};

// The family every fleet runs: windows of 1 to 60 minutes, headroom 0 to
// 3, jump shares 0 to 1 over an hour or three, daily shares 0 to 1.
std::vector<CeilingRule> CeilingRules();

struct CeilingRow {
  CeilingFleet fleet = CeilingFleet::kBootOnly;
  CeilingRule rule;
  double cost_usd = 0;
  double served_share = 0;
  // On its fleet's Pareto front of cost against demand served.
  bool on_front = false;
};

struct CeilingReport {
  std::string scenario_name;
  std::string policy_name;
  absl::Time start;
  absl::Time end;
  double reference_usd = 0;  // the hindsight reference (compare's)
  absl::Duration step;       // between decisions
  // From a request until the unit first counts, in whole steps.
  absl::Duration on_demand_lag;
  absl::Duration spot_lag;
  // Every rule of CeilingRules() in each fleet, kBootOnly's first.
  std::vector<CeilingRow> rows;
};

// Of the policy only what describes the units (shape, instance types and
// their weights and on-demand prices, the baseline when the scenario has
// none) counts. Errors as RunSimulation's.
absl::StatusOr<CeilingReport> ComputeCeiling(
    const Scenario& scenario, const Policy& policy,
    std::shared_ptr<const SimulationInputs> inputs = nullptr);

// Each fleet's Pareto front, cheapest first, with the lags and assumptions
// above it; with `within`, the most each fleet serves at no more than that
// multiple of the reference.
std::string FormatCeiling(const CeilingReport& report,
                          std::optional<double> within);
// Every row, one per line, with a header: fleet, the rule's settings, cost,
// cost over the reference, served share, on_front.
std::string FormatCeilingCsv(const CeilingReport& report);

}  // namespace spotburst::sim

#endif  // SPOTBURST_SIM_CEILING_H_
