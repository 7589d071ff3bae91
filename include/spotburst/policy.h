// Policy: every setting that decides what the engine does.
//
// The schema lives in proto/spotburst/v1/policy.proto; this is its C++ form,
// with the same names, units and defaults. Load one from a YAML or JSON file
// with LoadPolicyFile; an unknown key, a wrong type or an out-of-range value
// is an InvalidArgument error naming the key path and the allowed range.
//
//   absl::StatusOr<Policy> policy = LoadPolicyFile("examples/policies/x.yaml");
//   if (!policy.ok()) { std::cerr << policy.status() << "\n"; return 1; }
//   std::cout << policy->scaling.burst_point << "\n";
#ifndef SPOTBURST_POLICY_H_
#define SPOTBURST_POLICY_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/market.h"
#include "spotburst/resources.h"

namespace spotburst {

struct LaunchSpec {
  std::string image_id;
  std::string key_name;
  std::vector<std::string> security_group_ids;
  std::string subnet_id;
  std::string iam_instance_profile;
  std::string user_data_file;
  std::map<std::string, std::string> tags;
};

// Choosing among spot markets by their recent interruption rates
// (instance.avoid_interruptions in policy.proto).
struct InterruptionAvoidance {
  // How fast what was seen of each market fades (what is older than a
  // window counts for less than 37 %); zero: off.
  absl::Duration window = absl::ZeroDuration();
  // Markets whose price is within this share of the cheapest's compete on
  // their interruption rates.
  double price_tolerance = 0.1;
  // Hours of an instance's price one interruption costs (lost work, the
  // replacement's lag). Zero: the markets near the cheapest are ranked by
  // rate alone; else by expected cost, price x (1 + rate x cost_hours).
  double cost_hours = 0;
  // How long a market must be watched before its own record outweighs the
  // fleet's overall rate: every market starts as if it had run this many
  // instance-hours at that rate. More: one notice moves a rate less.
  double prior_hours = 10;

  friend bool operator==(const InterruptionAvoidance&,
                         const InterruptionAvoidance&) = default;
};

// An instance type the engine may launch instead of InstanceSpec::type
// (instance.alternatives in policy.proto).
struct InstanceAlternative {
  std::string type;
  Resources shape;
  double on_demand_usd_per_hour = 0;
  // Units (InstanceSpec::shape) one instance counts for; 0: from the shape
  // (see UnitWeight).
  double weight = 0;

  friend bool operator==(const InstanceAlternative&,
                         const InstanceAlternative&) = default;
};

struct InstanceSpec {
  std::string type;
  Resources shape;
  double on_demand_usd_per_hour = 0;
  std::string region;
  std::string availability_zone;  // empty: the cheapest zone offered
  std::string product = kDefaultProduct;
  LaunchSpec launch_spec;
  // Spot requests spread over at least this many zones (when that many are
  // usable): none holds more than 1/min_markets of the burst fleet.
  int min_markets = 1;
  // Off by default: spot goes to the cheapest usable zone.
  InterruptionAvoidance avoid_interruptions;
  // Other types to choose from; capacity is then counted in units of
  // `shape` (an instance counts its type's weight).
  std::vector<InstanceAlternative> alternatives;
};

// How many `unit`s `shape` holds in every resource `unit` gives: the floor
// of the smallest ratio (0 when it holds less than one).
int ShapeWeight(const Resources& unit, const Resources& shape);

// The units one instance of `alternative` counts for: its weight, or
// ShapeWeight(spec.shape, its shape) when unset.
int UnitWeight(const InstanceSpec& spec,
               const InstanceAlternative& alternative);

// Lag-aware scaling (scaling.forecast in policy.proto).
enum class ForecastMode { kOff, kAct, kRecord };
std::string_view ForecastModeName(ForecastMode mode);  // "off", "act", ...

struct ForecastPolicy {
  ForecastMode mode = ForecastMode::kOff;
  // Share added to the forecast demand.
  double headroom = 0.1;
  // Demand samples the trend is fitted over.
  absl::Duration trend_window = absl::Minutes(15);
  // The lag assumed until the fleet has shown one.
  absl::Duration initial_lag = absl::Minutes(10);
  absl::Duration max_horizon = absl::Hours(1);

  friend bool operator==(const ForecastPolicy&,
                         const ForecastPolicy&) = default;
};

// On-demand capacity while spot arrives (scaling.bridge in policy.proto).
enum class BridgeMode { kOff, kAll, kShortfall };
std::string_view BridgeModeName(BridgeMode mode);  // "off", "all", ...

struct ScalingPolicy {
  std::string strategy = "burst-point";
  double burst_point = 0.75;
  int min_instances = 0;
  int max_instances = 10;
  absl::Duration scale_up_cooldown = absl::ZeroDuration();
  absl::Duration scale_down_cooldown = absl::ZeroDuration();
  absl::Duration stabilization_window = absl::ZeroDuration();
  absl::Duration min_instance_lifetime = absl::ZeroDuration();
  // Numeric settings of an embedder's strategy.
  std::map<std::string, double> params;
  ForecastPolicy forecast;
  BridgeMode bridge = BridgeMode::kOff;
};

struct BiddingPolicy {
  std::string strategy = "current-plus";
  double max_bid_usd_per_hour = 0.5;
  double padding_usd = 0.001;
  double high_multiple = 10;
  bool floor_at_current = false;
  absl::Duration price_window = absl::Hours(24);
  absl::Duration max_price_age = absl::ZeroDuration();  // zero: never stale
  std::map<std::string, double> params;
};

struct RequestPolicy {
  absl::Duration timeout = absl::Minutes(10);
  // After a launch fails for capacity (or quota), its market (or lifecycle)
  // is left alone this long; each further failure in a row doubles it, up
  // to launch_backoff_max.
  absl::Duration launch_backoff = absl::Minutes(5);
  absl::Duration launch_backoff_max = absl::Hours(1);
};

enum class BillingModel { kHourly, kPerSecond };
std::string_view BillingModelName(BillingModel model);  // "hourly", ...

struct BillingPolicy {
  BillingModel model = BillingModel::kHourly;
  absl::Duration partial_hour_limit = absl::Minutes(50);
  absl::Duration drain_time = absl::ZeroDuration();
  absl::Duration minimum_billed = absl::Seconds(60);
};

struct FallbackPolicy {
  bool enabled = false;
  absl::Duration retry_spot_after = absl::Minutes(30);
  absl::Duration revert_after = absl::Minutes(5);
  absl::Duration replacement_lead_time = absl::Minutes(15);
  bool on_demand_only = false;
};

struct CostPolicy {
  double max_fleet_usd_per_hour = 0;  // 0: no cap
};

struct Policy {
  std::string name;
  absl::Duration evaluation_interval = absl::Seconds(60);
  // Between evaluations, look for new interruption notices this often and
  // evaluate at once on one; zero: at evaluations only.
  absl::Duration notice_poll_interval = absl::ZeroDuration();
  // Empty (all zero): use the baseline the cluster reports.
  Resources baseline;
  InstanceSpec instance;
  ScalingPolicy scaling;
  BiddingPolicy bidding;
  RequestPolicy requests;
  BillingPolicy billing;
  FallbackPolicy fallback;
  CostPolicy cost;
};

// Parses a policy from YAML text (JSON is accepted too, being YAML).
// `source` names the text in errors (a file name, "<stdin>").
absl::StatusOr<Policy> ParsePolicy(std::string_view text,
                                   std::string_view source = "<policy>");

// Reads and parses a policy file. NotFound when the file cannot be read.
absl::StatusOr<Policy> LoadPolicyFile(const std::string& path);

// Checks the rules that span several keys (e.g. partial-hour limit plus
// drain time within an hour, min_instances <= max_instances, a shape that
// adds something). ParsePolicy calls it; call it after building a Policy in
// code.
absl::Status ValidatePolicy(const Policy& policy);

}  // namespace spotburst

#endif  // SPOTBURST_POLICY_H_
