// What a simulation run produces: a timeline and the totals of one policy.
//
// RunSimulation (simulation.h) fills these; report.h renders them as a
// summary table, a CSV timeline and an SVG chart. Plain value types.
#ifndef SPOTBURST_SIM_RESULT_H_
#define SPOTBURST_SIM_RESULT_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "spotburst/plan.h"
#include "spotburst/resources.h"

namespace spotburst::sim {

// The state of the simulated world at one evaluation.
struct TimelineRow {
  absl::Time time;
  double price_usd = 0;       // market price now
  double bid_usd = 0;         // the plan's bid (0 when none was made)
  int desired = 0;            // the plan's desired count
  int open_requests = 0;      // spot requests not yet fulfilled
  int booting = 0;            // launched, not yet joined
  int running_spot = 0;       // joined spot instances
  int running_on_demand = 0;  // joined on-demand instances
  Resources demand;
  Resources capacity;      // baseline + joined instances
  Resources used;          // min(demand, capacity)
  double usage_share = 0;  // highest used / capacity over resources
  double burst_point = 0;
  double cost_usd = 0;    // cumulative cost so far
  int interruptions = 0;  // cumulative
  SupplyMode supply_mode = SupplyMode::kSpot;
  // Codes of the plan's actions this tick, e.g. "request-spot:1".
  std::string actions;
};

struct SimulationTotals {
  double spot_cost_usd = 0;
  double on_demand_cost_usd = 0;
  double total_cost_usd() const { return spot_cost_usd + on_demand_cost_usd; }
  // Lower bound of the cost to serve the same demand knowing every future
  // price (see HindsightCost in simulation.h).
  double hindsight_cost_usd = 0;
  // Demand the cluster could not serve, resource-hours (cpus: CPU-hours).
  Resources unmet_hours;
  Resources demand_hours;
  // Share of the demand served, over the resource with the worst share.
  double served_share = 1;
  // Used burst capacity / burst capacity paid for, CPU basis.
  double burst_utilisation = 0;
  // Instance-hours paid for while the instance's capacity was not needed.
  double idle_paid_instance_hours = 0;
  double spot_instance_hours = 0;
  double on_demand_instance_hours = 0;
  int spot_requests = 0;
  int requests_cancelled = 0;
  int interruptions = 0;
  int instances_launched = 0;
  int instances_ended_by_policy = 0;
  // Evaluations made, those that failed (the controller's read, the engine
  // or applying the plan; e.g. a stale price) and the first error with its
  // time. With any failure the figures above are not the policy's alone:
  // `spotburst simulate` and `compare` then fail.
  int evaluations = 0;
  int failed_ticks = 0;
  std::string first_error;
};

struct SimulationResult {
  std::string scenario_name;
  std::string policy_name;
  absl::Time start;
  absl::Time end;
  SimulationTotals totals;
  std::vector<TimelineRow> timeline;
};

}  // namespace spotburst::sim

#endif  // SPOTBURST_SIM_RESULT_H_
