// Engine: the one decision spotburst makes, as a pure function.
//
// Engine::Create binds a validated Policy to strategies from a registry.
// Evaluate then takes what the adapters gathered (cluster metrics, markets,
// fleet) plus the engine's own state from the previous evaluation, and
// returns a Plan and the next state. It does no I/O, reads no clock and
// keeps nothing between calls: the same input and `now` give the same plan.
// Evaluate is const and safe to call from many threads at once.
//
//   SPOTBURST_ASSIGN_OR_RETURN(Engine engine, Engine::Create(policy));
//   EngineState state;  // start empty, then feed each result back
//   SPOTBURST_ASSIGN_OR_RETURN(Evaluation e,
//                              engine.Evaluate({cluster, markets, fleet,
//                              state},
//                                              now));
//   state = e.state;
//   std::cout << PlanToText(e.plan);
#ifndef SPOTBURST_ENGINE_H_
#define SPOTBURST_ENGINE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/bidding_strategy.h"
#include "spotburst/cluster_state.h"
#include "spotburst/fleet.h"
#include "spotburst/launch_failure.h"
#include "spotburst/market.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"
#include "spotburst/scaling_strategy.h"
#include "spotburst/strategy_registry.h"

namespace spotburst {

// An agent the engine has asked the cluster to drain (ActionKind::
// kDrainInstance). Kept while the instance lives: a drain once started ends
// in the instance's end (by the policy, once drained or after the grace
// period; by the provider, for an interruption notice).
struct AgentDrain {
  std::string instance_id;
  absl::Time started = absl::InfinitePast();
  // Drained because of an interruption notice: the provider ends it.
  bool for_interruption = false;

  friend bool operator==(const AgentDrain&, const AgentDrain&) = default;
};

// An interruption notice the engine saw on a spot instance
// (instance.avoid_interruptions): kept while the instance is under notice,
// so that each notice is counted once.
struct MarketInterruption {
  Market market;
  std::string instance_id;
  // The evaluation that first saw the notice.
  absl::Time noticed = absl::InfinitePast();

  friend bool operator==(const MarketInterruption&,
                         const MarketInterruption&) = default;
};

// What the fleet saw of one spot market (instance.avoid_interruptions):
// instance-hours spent in it and interruption notices received, both
// fading with age (halving about every 0.69 window), so their ratio is a
// recent interruption rate.
struct MarketExposure {
  Market market;
  double spot_hours = 0;
  double notices = 0;

  friend bool operator==(const MarketExposure&,
                         const MarketExposure&) = default;
};

// A lag learned from the fleet's own history (scaling.forecast): a running
// mean of what was observed, and the newest launch time learned from, so
// that no instance is learned from twice.
struct LagEstimate {
  absl::Duration mean = absl::ZeroDuration();
  int samples = 0;
  absl::Time learned_until = absl::InfinitePast();

  friend bool operator==(const LagEstimate&, const LagEstimate&) = default;
};

// Demand (used + queued) as one evaluation saw it, kept for the forecast.
struct DemandSample {
  absl::Time time = absl::InfinitePast();
  Resources demand;

  friend bool operator==(const DemandSample&, const DemandSample&) = default;
};

// What the engine remembers between evaluations; the caller keeps it.
// A default-constructed state is a fresh start.
struct EngineState {
  absl::Time last_scale_up = absl::InfinitePast();
  absl::Time last_scale_down = absl::InfinitePast();
  // Since when the scaling strategy has wanted fewer instances
  // (InfiniteFuture: it does not).
  absl::Time scale_in_wanted_since = absl::InfiniteFuture();
  SupplyMode supply_mode = SupplyMode::kSpot;
  absl::Time supply_mode_since = absl::InfinitePast();
  // Why the engine fell back to on-demand (a ReasonCode message).
  std::string fallback_reason;
  // Whether the fallback came from unfulfilled requests (spot capacity we
  // cannot observe) rather than prices (which we can).
  bool fallback_for_capacity = false;
  // Since when spot has looked healthy while in on-demand mode
  // (InfiniteFuture: it has not).
  absl::Time spot_healthy_since = absl::InfiniteFuture();
  // Markets and lifecycles left alone after capacity or quota failures,
  // kept until the quiet time after their end has passed (see
  // launch_failure.h).
  std::vector<LaunchBackoff> backoffs;
  // Drains under way, by instance.
  std::vector<AgentDrain> drains;
  // Lag-aware scaling (kept only while scaling.forecast is on): spot
  // request made -> its instance launched, and instance launched -> joined
  // the cluster (or running, when the cluster reports no agents).
  LagEstimate fulfilment_lag;
  LagEstimate boot_lag;
  // Recent demand, oldest first, one sample per kDemandSampleInterval,
  // over a day and the longest horizon.
  std::vector<DemandSample> demand_history;
  // instance.avoid_interruptions (kept only while it is on): the notices
  // of instances still under notice, oldest first, and what each spot
  // market was seen to do, faded to `exposures_as_of`.
  std::vector<MarketInterruption> interruptions;
  std::vector<MarketExposure> exposures;
  absl::Time exposures_as_of = absl::InfinitePast();
  // Instances under an interruption notice whose capacity a launch has
  // replaced, kept while they are under notice. A scale-up cooldown holds
  // growth, not the replacement of what the provider takes back: each
  // notice lets its replacement through the cooldown once.
  std::vector<std::string> replaced_notices;

  friend bool operator==(const EngineState&, const EngineState&) = default;
};

struct EvaluationInput {
  ClusterState cluster;
  // Price statistics of the markets the policy's instance type trades in.
  std::vector<MarketView> markets;
  Fleet fleet;
  EngineState state;
  // Launches the cloud refused for capacity or quota since the last
  // evaluation; they become backoffs in the next state.
  std::vector<LaunchFailure> launch_failures;
};

struct Evaluation {
  Plan plan;
  EngineState state;
};

class Engine {
 public:
  // InvalidArgument if the policy is invalid; NotFound if a strategy name is
  // not in the registry. The registry must outlive nothing: strategies are
  // created here and owned by the Engine.
  static absl::StatusOr<Engine> Create(
      Policy policy,
      const StrategyRegistry& registry = StrategyRegistry::Builtin());

  Engine(Engine&&) = default;
  Engine& operator=(Engine&&) = default;

  // InvalidArgument for a bad input (negative resources, NaN), naming the
  // field; FailedPrecondition when no usable market price is there while a
  // spot bid is needed. On error nothing is decided.
  absl::StatusOr<Evaluation> Evaluate(const EvaluationInput& input,
                                      absl::Time now) const;

  // The same decision, written into `out` over its previous contents. A
  // caller that keeps one Evaluation across evaluations (a controller's
  // loop, a simulator) reuses its plan's and state's buffers, so a steady
  // evaluation allocates little. On error nothing is decided: `out.plan`
  // is an empty Plan and `out.state` equals `input.state`.
  absl::Status Evaluate(const EvaluationInput& input, absl::Time now,
                        Evaluation& out) const;

  const Policy& policy() const { return policy_; }

 private:
  Engine(Policy policy, std::unique_ptr<BiddingStrategy> bidding,
         std::unique_ptr<ScalingStrategy> scaling);

  absl::Status Decide(const EvaluationInput& input, absl::Time now,
                      Evaluation& out) const;

  Policy policy_;
  std::unique_ptr<BiddingStrategy> bidding_;
  std::unique_ptr<ScalingStrategy> scaling_;
};

}  // namespace spotburst

#endif  // SPOTBURST_ENGINE_H_
