// The ceiling: how much of a scenario's demand an idealised online fleet
// could serve for what cost, so that a policy's figures can be read against
// what the scenario's lag allows at all, not only against the hindsight
// reference (which knows the future and never waits).
//
// An idealised fleet decides each minute how many burst units to hold from
// the demand seen so far, by a rule of a fixed family (CeilingRule), and is
// granted every advantage a real fleet lacks but foresight:
//   - every unit, spot included, serves after the scenario's shortest boot
//     (as if spot were fulfilled at once), from the first decision after it
//     (the simulator counts capacity at each decision, and a boot drawn
//     from a range exceeds its shortest);
//   - a unit is paid per second from its launch, its boot included, at the
//     cheapest spot price per unit of the policy's markets (capped by
//     on-demand), and ends the moment it is no longer wanted;
//   - nothing is interrupted, refused or capped.
// Every rule is run, and the front of cost against demand served is read
// in hindsight, on the trace itself: a ceiling for the family, not a
// forecast.
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

// The family: windows of 1 to 60 minutes, headroom 0 to 3, jump shares 0
// to 1 over an hour or three, daily shares 0 to 1.
std::vector<CeilingRule> CeilingRules();

struct CeilingRow {
  CeilingRule rule;
  double cost_usd = 0;
  double served_share = 0;
  // On the Pareto front of cost against demand served.
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
  absl::Duration lag;
  // One per rule of CeilingRules(), in its order.
  std::vector<CeilingRow> rows;
};

// Of the policy only what describes the units (shape, instance types and
// their weights and on-demand prices, the baseline when the scenario has
// none) counts. Errors as RunSimulation's.
absl::StatusOr<CeilingReport> ComputeCeiling(
    const Scenario& scenario, const Policy& policy,
    std::shared_ptr<const SimulationInputs> inputs = nullptr);

// The Pareto front, cheapest first, with the lag and assumptions above it;
// with `within`, the most served at no more than that multiple of the
// reference.
std::string FormatCeiling(const CeilingReport& report,
                          std::optional<double> within);
// Every row, one per line, with a header: the rule's settings, cost, cost
// over the reference, served share, on_front.
std::string FormatCeilingCsv(const CeilingReport& report);

}  // namespace spotburst::sim

#endif  // SPOTBURST_SIM_CEILING_H_
