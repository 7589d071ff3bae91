// Small builders for engine tests: the prototype's policy, markets, fleets.
#ifndef SPOTBURST_TESTS_TESTING_ENGINE_FIXTURES_H_
#define SPOTBURST_TESTS_TESTING_ENGINE_FIXTURES_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "spotburst/engine.h"
#include "spotburst/policy.h"

namespace spotburst::testing {

inline absl::Time T0() { return absl::FromUnixSeconds(1450000000); }

// The revised experiment of the prototype: c4.large, burst point 0.75,
// max 10, max bid 0.5, padding 0.1, request timeout 10 min, baseline 40
// CPUs / 80 GB / 800 GB.
inline Policy PrototypePolicy() {
  Policy p;
  p.name = "prototype";
  p.baseline = {.cpus = 40, .mem_mib = 81920, .disk_mib = 819200};
  p.instance.type = "c4.large";
  p.instance.shape = {.cpus = 2, .mem_mib = 3840};
  p.instance.on_demand_usd_per_hour = 0.1;
  p.instance.region = "us-east-1";
  p.instance.availability_zone = "us-east-1a";
  p.scaling.burst_point = 0.75;
  p.scaling.max_instances = 10;
  p.bidding.strategy = "current-plus";
  p.bidding.padding_usd = 0.1;
  p.bidding.max_bid_usd_per_hour = 0.5;
  p.requests.timeout = absl::Minutes(10);
  p.billing.partial_hour_limit = absl::Minutes(20);
  return p;
}

inline MarketView Market(double current, double min = -1, double mean = -1,
                         double max = -1, absl::Time as_of = T0()) {
  MarketView view;
  view.market = {.instance_type = "c4.large",
                 .availability_zone = "us-east-1a"};
  view.stats = {.min_usd = min < 0 ? current : min,
                .mean_usd = mean < 0 ? current : mean,
                .max_usd = max < 0 ? current : max,
                .current_usd = current,
                .points = 10,
                .last_change = as_of - absl::Minutes(5),
                .as_of = as_of};
  return view;
}

inline Instance SpotInstance(std::string id, absl::Time launched,
                             double bid = 0.127) {
  return {.id = std::move(id),
          .instance_type = "c4.large",
          .availability_zone = "us-east-1a",
          .lifecycle = Lifecycle::kSpot,
          .state = InstanceState::kRunning,
          .launch_time = launched,
          .max_price_usd_per_hour = bid};
}

inline Instance OnDemandInstance(std::string id, absl::Time launched) {
  Instance i = SpotInstance(std::move(id), launched, 0.1);
  i.lifecycle = Lifecycle::kOnDemand;
  return i;
}

inline SpotRequest OpenRequest(std::string id, absl::Time created,
                               double bid = 0.127) {
  return {.id = std::move(id),
          .state = SpotRequestState::kOpen,
          .status_code = "pending-evaluation",
          .create_time = created,
          .bid_usd_per_hour = bid,
          .instance_type = "c4.large",
          .availability_zone = "us-east-1a"};
}

// Cluster usage with `cpus` used (memory and disk light).
inline ClusterState UsingCpus(double cpus) {
  return {.used = {.cpus = cpus, .mem_mib = 2048, .disk_mib = 0}};
}

// The market of `type` in `zone` at `current`, statistics as Market()'s.
inline MarketView MarketOf(std::string type, std::string zone, double current) {
  MarketView view = Market(current);
  view.market.instance_type = std::move(type);
  view.market.availability_zone = std::move(zone);
  return view;
}

// c4.xlarge as an instance.alternatives entry: two c4.large units.
inline InstanceAlternative C4Xlarge() {
  return {.type = "c4.xlarge",
          .shape = {.cpus = 4, .mem_mib = 7680},
          .on_demand_usd_per_hour = 0.2};
}

// Demand for which target scaling (burst point 0.75 over the prototype's
// 40-CPU baseline) wants `units` burst instances (units) of 2 CPUs.
inline EvaluationInput WantingUnits(int units,
                                    std::vector<MarketView> markets) {
  EvaluationInput input{.cluster = UsingCpus(30),
                        .markets = std::move(markets)};
  input.cluster.queued.cpus = 0.75 * (40 + 2.0 * units) - 30 - 0.1;
  return input;
}

// `input` evaluated at `now` by a fresh engine of `policy`; an error fails
// the test and gives an empty evaluation.
inline Evaluation EvaluateOrFail(const Policy& policy,
                                 const EvaluationInput& input,
                                 absl::Time now = T0()) {
  absl::StatusOr<Engine> engine = Engine::Create(policy);
  EXPECT_TRUE(engine.ok()) << engine.status();
  if (!engine.ok()) return {};
  absl::StatusOr<Evaluation> e = engine->Evaluate(input, now);
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? *std::move(e) : Evaluation{};
}

inline int CountKind(const Plan& plan, ActionKind kind) {
  int n = 0;
  for (const Action& a : plan.actions) {
    if (a.kind == kind) n += (a.count > 0 ? a.count : 1);
  }
  return n;
}

// Instances asked for in each zone by the plan's spot requests.
inline std::map<std::string, int> RequestedByZone(const Plan& plan) {
  std::map<std::string, int> by_zone;
  for (const Action& a : plan.actions) {
    if (a.kind == ActionKind::kRequestSpot) {
      by_zone[a.availability_zone] += a.count;
    }
  }
  return by_zone;
}

// The value of the figure `name` of `reason`; a test failure when absent.
inline double FigureOf(const Reason& reason, std::string_view name) {
  for (const Figure& figure : reason.figures) {
    if (figure.name.view() == name) return figure.value;
  }
  ADD_FAILURE() << "no figure " << name << " in " << reason.message();
  return -1;
}

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_TESTING_ENGINE_FIXTURES_H_
