// What a simulation run produces: a timeline and the totals of one policy.
//
// RunSimulation (simulation.h) fills these; report.h renders them as a
// summary table, a CSV timeline and an SVG chart. Plain value types.
#ifndef SPOTBURST_SIM_RESULT_H_
#define SPOTBURST_SIM_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "spotburst/fleet.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"
#include "spotburst/resources.h"

namespace spotburst::sim {

// The state of the simulated world at one evaluation.
struct TimelineRow {
  absl::Time time;
  double price_usd = 0;  // price now of the market the plan bought in
  // That market: an index into SimulationTotals::markets (0 with one).
  int market = 0;
  // The plan's bid while new capacity came from spot; empty when no plan
  // was made or new capacity came from on-demand (nothing was bid).
  std::optional<double> bid_usd;
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

// What one market of the run cost and how its instances fared.
struct MarketTotals {
  std::string market;  // e.g. "c4.large/us-east-1b/Linux/UNIX"
  double spot_cost_usd = 0;
  double on_demand_cost_usd = 0;
  double total_cost_usd() const { return spot_cost_usd + on_demand_cost_usd; }
  // Billed instance-hours.
  double spot_instance_hours = 0;
  double on_demand_instance_hours = 0;
  int spot_instances = 0;  // launched
  int on_demand_instances = 0;
  int interruptions = 0;
};

struct SimulationTotals {
  double spot_cost_usd = 0;
  double on_demand_cost_usd = 0;
  double total_cost_usd() const { return spot_cost_usd + on_demand_cost_usd; }
  // The hindsight reference: the cost of exactly the instances the demand
  // needed, each second at the cheaper of spot and on-demand (see
  // HindsightCost in simulation.h). The same for every policy run on a
  // scenario; not a lower bound (docs/reports.md says what beats it).
  double hindsight_reference_usd = 0;
  // Demand the cluster could not serve, resource-hours (cpus: CPU-hours).
  Resources unmet_hours;
  Resources demand_hours;
  // Share of the demand served, over the resource with the worst share.
  double served_share = 1;
  // Used burst CPU-hours / CPU-hours of burst instances run, each instance
  // with its own type's CPUs (instance.alternatives).
  double burst_utilisation = 0;
  // Instance-hours paid for while the instance's capacity was not needed.
  // With instance.alternatives, in units of instance.shape: an idle
  // instance of weight 2 counts 2 an hour.
  double idle_paid_instance_hours = 0;
  // Instance-hours billed (what the billing model charged for), and run
  // (launch to end, both lifecycles).
  double spot_instance_hours = 0;
  double on_demand_instance_hours = 0;
  double run_instance_hours = 0;
  // Hours interrupted instances ran beyond what they were billed for: time
  // the provider gave for free (an interrupted partial hour under hourly
  // billing, an interrupted first hour under per-second billing).
  double uncharged_interrupted_hours = 0;
  // The billing model the cloud applied, and the one the policy assumed
  // when it decided when to end instances.
  BillingModel billing = BillingModel::kHourly;
  BillingModel policy_billing = BillingModel::kHourly;
  // A digest of the actions (kind and count) of every evaluation: two runs
  // with the same digest made the same decisions throughout.
  uint64_t decisions_digest = 0;
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
  // One per market the scenario sells, in its order; they sum to the
  // figures above.
  std::vector<MarketTotals> markets;
};

// Why an instance ended.
enum class InstanceEnd { kPolicy, kInterruption, kRunEnd };
std::string_view InstanceEndName(InstanceEnd end);  // "policy", ...

// One instance the cloud launched, as billed: the ledger's row.
struct InstanceLedgerRow {
  std::string id;
  Lifecycle lifecycle = Lifecycle::kSpot;
  std::string market;  // e.g. "c4.large/us-east-1b/Linux/UNIX"
  // Spot: the bid it was requested at; on-demand: the on-demand price.
  double price_usd = 0;
  absl::Time requested;  // spot: the request made; on-demand: the launch
  absl::Time launched;
  std::optional<absl::Time> joined;  // its agent joined the cluster
  std::optional<absl::Time> notice;  // interruption notice
  absl::Time ended;
  InstanceEnd ended_by = InstanceEnd::kRunEnd;
  int64_t billed_s = 0;  // the time the billing model charged for
  double cost_usd = 0;
};

struct SimulationResult {
  std::string scenario_name;
  std::string policy_name;
  absl::Time start;
  absl::Time end;
  double on_demand_usd_per_hour = 0;  // the cloud's on-demand price
  SimulationTotals totals;
  std::vector<TimelineRow> timeline;
  // Every instance launched, in launch order (kept with the timeline).
  std::vector<InstanceLedgerRow> instances;
};

}  // namespace spotburst::sim

#endif  // SPOTBURST_SIM_RESULT_H_
