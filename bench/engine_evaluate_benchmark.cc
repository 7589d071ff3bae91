// Benchmarks of Engine::Evaluate, the decision made once per evaluation
// interval.
//
// BM_EngineEvaluate/scale_in/instances:N
//   One Evaluate over a fleet of N burst instances (four in five spot, one
//   in five on-demand, launched over the last six hours, a few still
//   pending) plus N/20 open spot requests, half of them past the request
//   timeout. Usage is low enough that the burst-point rule wants about a
//   quarter of the fleet, so the full billing-aware scale-in path runs:
//   timed-out and excess requests are cancelled, then instances are ended
//   or postponed by their position in the billing hour and their minimum
//   lifetime. N = 10, 100, 1,000, 10,000. items_per_second counts
//   instances; `per_instance` is the time per evaluation divided by N.
// BM_EngineEvaluate/steady/instances:N
//   The same fleet with usage just under the burst point: the count stays,
//   only the timed-out requests are cancelled and replaced. The path most
//   evaluations take.
// BM_EngineEvaluate/scale_up/instances:N
//   The same fleet with usage above the burst point: timed-out requests are
//   cancelled and replaced, and one more spot instance is requested.
// BM_EngineEvaluateReuse/{scale_in,steady,scale_up}/instances:N
//   The same evaluations written into one Evaluation kept across
//   iterations (Engine::Evaluate's refill form), whose plan and state
//   buffers are reused, as a controller's loop or the simulator does.
// BM_EngineEvaluateHistory/points:P
//   PriceWindow::Stats(now) followed by Evaluate (100 instances, steady),
//   with `now` one minute later in each iteration, for a price history of
//   P = 1,000 or 1,000,000 points (10 s apart). The window is built once,
//   outside the timing loop, and is long enough that every point stays in
//   it for the whole run (`live_points` reports how many the last Stats
//   saw): the cost should not depend on P.
// BM_EngineEvaluateHistoryNaive/points:P
//   The naive baseline for the benchmark above: the same Evaluate, with the
//   window's min / time-weighted mean / max recomputed by scanning every
//   point in the window on each evaluation, O(P).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "spotburst/engine.h"
#include "spotburst/fleet.h"
#include "spotburst/market.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"
#include "spotburst/price_window.h"

namespace spotburst {
namespace {

constexpr double kBaselineCpus = 40;
constexpr double kInstanceCpus = 2;
constexpr double kBurstPoint = 0.75;
constexpr double kSpotBidUsd = 0.127;
constexpr double kMaxBidUsd = 0.5;
constexpr double kOnDemandUsd = 0.1;
constexpr absl::Duration kPriceSpacing = absl::Seconds(10);
constexpr int kHistoryFleetSize = 100;

absl::Time Start() { return absl::FromUnixSeconds(1450000000); }

enum class Direction { kScaleIn, kSteady, kScaleUp };

// The prototype's c4.large policy, with room for the largest fleet, an
// hourly billing window with a drain time, and a minimum lifetime.
Policy BenchPolicy(int instances) {
  Policy p;
  p.name = "bench";
  p.baseline = {.cpus = kBaselineCpus, .mem_mib = 81920, .disk_mib = 819200};
  p.instance.type = "c4.large";
  p.instance.shape = {.cpus = kInstanceCpus, .mem_mib = 3840};
  p.instance.on_demand_usd_per_hour = kOnDemandUsd;
  p.instance.region = "us-east-1";
  p.instance.availability_zone = "us-east-1a";
  p.scaling.strategy = "burst-point";
  p.scaling.burst_point = kBurstPoint;
  p.scaling.max_instances = std::min(100000, 2 * instances + 10);
  p.scaling.min_instance_lifetime = absl::Minutes(10);
  p.bidding.strategy = "current-plus";
  p.bidding.padding_usd = 0.1;
  p.bidding.max_bid_usd_per_hour = kMaxBidUsd;
  p.requests.timeout = absl::Minutes(10);
  p.billing.partial_hour_limit = absl::Minutes(40);
  p.billing.drain_time = absl::Minutes(5);
  return p;
}

// The age of the i-th open request: 40 steps of 30 s over 20 minutes, in
// an order that spreads them evenly, so exactly half are past the 10-minute
// timeout at every fleet size (drawn at random, the share of timed-out
// requests, and with it the number of cancel actions, would differ by size
// and blur the per-instance comparison).
absl::Duration RequestAge(int i) {
  return absl::Seconds(15 + 30 * ((i * 37) % 40));
}

// N instances (launch times from a fixed seed) and N/20 open requests.
Fleet BenchFleet(int instances, absl::Time now) {
  std::mt19937_64 rng(20160201);
  std::uniform_int_distribution<int> launched_ago(0, 6 * 3600);
  Fleet fleet;
  fleet.instances.reserve(instances);
  for (int i = 0; i < instances; ++i) {
    const absl::Duration age = absl::Seconds(launched_ago(rng));
    const bool on_demand = i % 5 == 4;
    Instance instance{
        .id = "i-" + std::to_string(100000000 + i),
        .instance_type = "c4.large",
        .availability_zone = "us-east-1a",
        .lifecycle = on_demand ? Lifecycle::kOnDemand : Lifecycle::kSpot,
        .state = age < absl::Minutes(3) ? InstanceState::kPending
                                        : InstanceState::kRunning,
        .launch_time = now - age,
        .max_price_usd_per_hour = on_demand ? kOnDemandUsd : kSpotBidUsd};
    if (!on_demand) {
      // The request that launched it, as the cloud still reports it.
      instance.spot_request_id = "sir-a" + std::to_string(i);
      fleet.requests.push_back({.id = instance.spot_request_id,
                                .state = SpotRequestState::kActive,
                                .status_code = "fulfilled",
                                .create_time = instance.launch_time,
                                .bid_usd_per_hour = kSpotBidUsd,
                                .instance_type = "c4.large",
                                .availability_zone = "us-east-1a",
                                .instance_id = instance.id});
    }
    fleet.instances.push_back(std::move(instance));
  }
  const int open = std::max(1, instances / 20);
  for (int i = 0; i < open; ++i) {
    // One in four bids the maximum: kept past the timeout, as the
    // prototype did.
    fleet.requests.push_back(
        {.id = "sir-o" + std::to_string(i),
         .state = SpotRequestState::kOpen,
         .status_code = "pending-fulfillment",
         .create_time = now - RequestAge(i),
         .bid_usd_per_hour = i % 4 == 0 ? kMaxBidUsd : kSpotBidUsd,
         .instance_type = "c4.large",
         .availability_zone = "us-east-1a"});
  }
  return fleet;
}

// CPUs used so that burst-point scales in to about a quarter of `counted`
// instances, keeps the count, or scales up.
double UsedCpus(int counted, Direction direction) {
  if (direction == Direction::kScaleUp) {
    return 0.9 * (kBaselineCpus + kInstanceCpus * counted);
  }
  if (direction == Direction::kSteady) {
    // Just under the burst point, and over it with one instance fewer.
    return kBurstPoint * (kBaselineCpus + kInstanceCpus * counted) - 0.5;
  }
  return 0.99 * kBurstPoint * (kBaselineCpus + kInstanceCpus * counted / 4.0);
}

MarketView BenchMarket(absl::Time now) {
  return {.market = {.instance_type = "c4.large",
                     .availability_zone = "us-east-1a"},
          .stats = {.min_usd = 0.0188,
                    .mean_usd = 0.0262,
                    .max_usd = 0.0871,
                    .current_usd = 0.0271,
                    .points = 2048,
                    .last_change = now - absl::Minutes(4),
                    .as_of = now},
          .on_demand_usd_per_hour = kOnDemandUsd};
}

EvaluationInput BenchInput(int instances, Direction direction, absl::Time now) {
  EvaluationInput input;
  input.fleet = BenchFleet(instances, now);
  const int counted =
      instances + std::max(1, instances / 20);  // instances + open requests
  input.cluster.used = {.cpus = UsedCpus(counted, direction),
                        .mem_mib = 20480,
                        .disk_mib = 102400};
  input.cluster.baseline = {.cpus = kBaselineCpus};
  input.cluster.read_at = now;
  input.markets = {BenchMarket(now)};
  input.state.last_scale_up = now - absl::Hours(1);
  input.state.last_scale_down = now - absl::Hours(1);
  return input;
}

int Count(const Plan& plan, ActionKind kind) {
  return static_cast<int>(
      std::count_if(plan.actions.begin(), plan.actions.end(),
                    [kind](const Action& a) { return a.kind == kind; }));
}

// Skips the benchmark with an error unless the plan took the intended path.
bool CheckPath(benchmark::State& state, const Plan& plan, Direction direction) {
  bool ok = false;
  switch (direction) {
    case Direction::kScaleIn:
      ok = Count(plan, ActionKind::kTerminateInstance) > 0 &&
           Count(plan, ActionKind::kPostponeTermination) > 0 &&
           Count(plan, ActionKind::kCancelRequest) > 0;
      break;
    case Direction::kSteady:
      // Only the timed-out requests are cancelled and replaced.
      ok = plan.desired == plan.running + plan.pending &&
           Count(plan, ActionKind::kTerminateInstance) == 0 &&
           Count(plan, ActionKind::kPostponeTermination) == 0;
      break;
    case Direction::kScaleUp:
      ok = plan.desired == plan.running + plan.pending + 1 &&
           Count(plan, ActionKind::kRequestSpot) > 0 &&
           Count(plan, ActionKind::kTerminateInstance) == 0;
      break;
  }
  if (!ok) {
    state.SkipWithError(("unexpected plan:\n" + PlanToText(plan)).c_str());
  }
  return ok;
}

void SetPerInstance(benchmark::State& state, int instances) {
  state.SetItemsProcessed(state.iterations() * instances);
  state.counters["per_instance"] = benchmark::Counter(
      instances, benchmark::Counter::kIsIterationInvariantRate |
                     benchmark::Counter::kInvert);
}

// Evaluates `input` with a fresh Evaluation each time (`reuse` false) or
// into one kept across iterations, as a controller's loop does.
void RunEvaluate(benchmark::State& state, Direction direction, bool reuse) {
  const int instances = static_cast<int>(state.range(0));
  const absl::Time now = Start();
  absl::StatusOr<Engine> engine = Engine::Create(BenchPolicy(instances));
  if (!engine.ok()) {
    state.SkipWithError(engine.status().ToString().c_str());
    return;
  }
  const EvaluationInput input = BenchInput(instances, direction, now);
  absl::StatusOr<Evaluation> first = engine->Evaluate(input, now);
  if (!first.ok()) {
    state.SkipWithError(first.status().ToString().c_str());
    return;
  }
  if (!CheckPath(state, first->plan, direction)) return;
  state.counters["actions"] = static_cast<double>(first->plan.actions.size());
  if (reuse) {
    Evaluation kept;
    for (auto _ : state) {
      absl::Status status = engine->Evaluate(input, now, kept);
      benchmark::DoNotOptimize(status);
      benchmark::DoNotOptimize(kept);
    }
  } else {
    for (auto _ : state) {
      absl::StatusOr<Evaluation> evaluation = engine->Evaluate(input, now);
      benchmark::DoNotOptimize(evaluation);
    }
  }
  SetPerInstance(state, instances);
}

void BM_EngineEvaluate(benchmark::State& state, Direction direction) {
  RunEvaluate(state, direction, /*reuse=*/false);
}
void BM_EngineEvaluateReuse(benchmark::State& state, Direction direction) {
  RunEvaluate(state, direction, /*reuse=*/true);
}
BENCHMARK_CAPTURE(BM_EngineEvaluate, scale_in, Direction::kScaleIn)
    ->ArgName("instances")
    ->RangeMultiplier(10)
    ->Range(10, 10000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EngineEvaluate, steady, Direction::kSteady)
    ->ArgName("instances")
    ->RangeMultiplier(10)
    ->Range(10, 10000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EngineEvaluate, scale_up, Direction::kScaleUp)
    ->ArgName("instances")
    ->RangeMultiplier(10)
    ->Range(10, 10000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EngineEvaluateReuse, scale_in, Direction::kScaleIn)
    ->ArgName("instances")
    ->RangeMultiplier(10)
    ->Range(10, 10000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EngineEvaluateReuse, steady, Direction::kSteady)
    ->ArgName("instances")
    ->RangeMultiplier(10)
    ->Range(10, 10000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EngineEvaluateReuse, scale_up, Direction::kScaleUp)
    ->ArgName("instances")
    ->RangeMultiplier(10)
    ->Range(10, 10000)
    ->Unit(benchmark::kMicrosecond);

// A price history: a bounded random walk around 0.026 USD, one point every
// kPriceSpacing, ending at Start().
struct PricePoint {
  absl::Time time;
  double price;
};

std::vector<PricePoint> MakeHistory(int64_t points) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> step(0, 0.0004);
  std::vector<PricePoint> history;
  history.reserve(points);
  double price = 0.026;
  for (int64_t i = 0; i < points; ++i) {
    price = std::clamp(price + step(rng), 0.0150, 0.0900);
    history.push_back({Start() - (points - 1 - i) * kPriceSpacing,
                       std::round(price * 1e4) / 1e4});
  }
  return history;
}

// Made once per size: the benchmark runner calls each benchmark function
// several times while it settles on an iteration count.
const std::vector<PricePoint>& History(int64_t points) {
  static auto* const cache = new std::map<int64_t, std::vector<PricePoint>>;
  auto it = cache->find(points);
  if (it == cache->end())
    it = cache->emplace(points, MakeHistory(points)).first;
  return it->second;
}

// Long enough to hold the whole history plus a thousand years of one-minute
// steps (far more than any run takes), so no point leaves the window.
absl::Duration WholeHistory(int64_t points) {
  return points * kPriceSpacing + absl::Hours(24 * 365 * 1000);
}

void BM_EngineEvaluateHistory(benchmark::State& state) {
  const int64_t points = state.range(0);
  absl::StatusOr<Engine> engine =
      Engine::Create(BenchPolicy(kHistoryFleetSize));
  if (!engine.ok()) {
    state.SkipWithError(engine.status().ToString().c_str());
    return;
  }
  PriceWindow window(WholeHistory(points));
  for (const PricePoint& p : History(points)) {
    if (absl::Status s = window.Add(p.time, p.price); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
  absl::Time now = Start();
  EvaluationInput input =
      BenchInput(kHistoryFleetSize, Direction::kSteady, now);
  int64_t live = 0;
  for (auto _ : state) {
    now += absl::Minutes(1);
    input.markets[0].stats = window.Stats(now);
    absl::StatusOr<Evaluation> evaluation = engine->Evaluate(input, now);
    benchmark::DoNotOptimize(evaluation);
    live = input.markets[0].stats.points;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["live_points"] = static_cast<double>(live);
}
BENCHMARK(BM_EngineEvaluateHistory)
    ->ArgName("points")
    ->Arg(1000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);

// Window statistics by a full scan of the points in [now - length, now],
// the point in force at the window start included.
PriceStats ScanStats(const std::vector<PricePoint>& history,
                     absl::Duration length, absl::Time now) {
  PriceStats stats;
  stats.as_of = now;
  const absl::Time start = now - length;
  auto first = std::upper_bound(
      history.begin(), history.end(), start,
      [](absl::Time t, const PricePoint& p) { return t < p.time; });
  if (first != history.begin()) --first;
  stats.min_usd = first->price;
  stats.max_usd = first->price;
  double area = 0;
  for (auto it = first; it != history.end(); ++it) {
    stats.min_usd = std::min(stats.min_usd, it->price);
    stats.max_usd = std::max(stats.max_usd, it->price);
    const absl::Time from = std::max(it->time, start);
    const absl::Time to = it + 1 == history.end() ? now : (it + 1)->time;
    area += it->price * absl::ToDoubleSeconds(to - from);
    ++stats.points;
  }
  const absl::Time from = std::max(first->time, start);
  stats.mean_usd = area / absl::ToDoubleSeconds(now - from);
  stats.current_usd = history.back().price;
  stats.last_change = history.back().time;
  return stats;
}

void BM_EngineEvaluateHistoryNaive(benchmark::State& state) {
  const int64_t points = state.range(0);
  absl::StatusOr<Engine> engine =
      Engine::Create(BenchPolicy(kHistoryFleetSize));
  if (!engine.ok()) {
    state.SkipWithError(engine.status().ToString().c_str());
    return;
  }
  const std::vector<PricePoint>& history = History(points);
  const absl::Duration length = WholeHistory(points);
  absl::Time now = Start();
  EvaluationInput input =
      BenchInput(kHistoryFleetSize, Direction::kSteady, now);
  int64_t live = 0;
  for (auto _ : state) {
    now += absl::Minutes(1);
    input.markets[0].stats = ScanStats(history, length, now);
    absl::StatusOr<Evaluation> evaluation = engine->Evaluate(input, now);
    benchmark::DoNotOptimize(evaluation);
    live = input.markets[0].stats.points;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["live_points"] = static_cast<double>(live);
}
BENCHMARK(BM_EngineEvaluateHistoryNaive)
    ->ArgName("points")
    ->Arg(1000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace spotburst

BENCHMARK_MAIN();
