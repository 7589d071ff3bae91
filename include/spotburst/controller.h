// Controller: the control loop around the pure Engine.
//
// One Tick() gathers (cluster metrics, fleet, prices), evaluates, applies the
// plan through the InstanceManager and reports what happened. It owns the
// things the engine must not: the clock, the engine's state between ticks,
// price windows fed incrementally from the PriceFeed, and the safety rules
// of applying:
//   - a failed read (metrics, fleet or prices) means no action at all in
//     that tick, never a destructive one;
//   - cancels, drains and terminations go first; if any of them fails,
//     launches are skipped for the tick, so a fleet the controller cannot
//     shrink never grows;
//   - a drain (the plan's drain-instance actions) goes to the Drainer with
//     the policy's billing.drain_time as the grace period; a failed drain
//     is forgotten, so the next tick asks again (its grace period starts
//     when a drain is really under way);
//   - ControllerOptions.may_apply is asked before applying and between
//     groups of actions; a refusal stops the apply there (an HA standby,
//     or a leader that lost its lease);
//   - launches carry the plan's idempotency token, so a retried tick never
//     doubles a request;
//   - a launch refused for capacity or quota (launch_failure.h) goes to the
//     engine at once: the fleet is listed again and a follow-up evaluation
//     in the same tick launches elsewhere or on-demand (once per tick; a
//     failure of the follow-up waits for the next tick);
//   - an interruption notice is acted on when it appears, not at the next
//     tick: with the policy's notice_poll_interval, Run() lists the fleet
//     that often between ticks and TickOnNewNotice() evaluates at once when
//     an instance is under a notice no evaluation has seen (its
//     replacement is requested then).
// Adapters are borrowed and must outlive the Controller. Tick() and Run()
// are called from one thread; observers are called on that thread.
//
//   Controller controller(engine, metrics, prices, instances, Clock::Real(),
//                         {.dry_run = true});
//   controller.AddObserver([](const TickReport& r) {
//     if (r.plan) std::cout << PlanToText(*r.plan);
//   });
//   controller.Run([] { return !stop_requested; });
#ifndef SPOTBURST_CONTROLLER_H_
#define SPOTBURST_CONTROLLER_H_

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "spotburst/clock.h"
#include "spotburst/drainer.h"
#include "spotburst/engine.h"
#include "spotburst/instance_manager.h"
#include "spotburst/launch_failure.h"
#include "spotburst/metrics_source.h"
#include "spotburst/plan.h"
#include "spotburst/price_feed.h"
#include "spotburst/price_window.h"

namespace spotburst {

struct ControllerOptions {
  // Make plans, apply none.
  bool dry_run = false;
  // Zones whose spot markets are watched when the policy names no zone
  // (the engine then picks the cheapest). Ignored when the policy has one.
  std::vector<std::string> availability_zones;
  // Hands agents back to the cluster before their instance ends (borrowed;
  // must outlive the Controller). Needed when the MetricsSource reports
  // agents: without one, every planned drain is an apply error naming the
  // missing Drainer, and the instance is left running.
  Drainer* drainer = nullptr;
  // Asked before the tick applies anything and again before each group of
  // actions (cancels, drains, terminations, each launch); an error stops
  // applying at once. Highly available deployments answer "this replica
  // leads, on a live session" here, so that a replica which lost its lease
  // stops mid-plan (fencing). Unset: always OK.
  std::function<absl::Status()> may_apply;
};

// What one tick did.
struct TickReport {
  absl::Time time = absl::InfinitePast();
  // Why nothing was decided (a failed read or evaluation); OK otherwise.
  absl::Status status;
  std::optional<Plan> plan;
  // What the evaluation saw (cluster, markets, fleet as listed at the start
  // of the tick, the engine state before it) and the state after it: with
  // the policy, enough to record the decision and replay it.
  EvaluationInput input;
  EngineState next_state;
  // Actions handed to the InstanceManager, and the ones that failed.
  int applied = 0;
  // `applied` by the kind of action (a launch counts once, whatever its
  // count).
  std::map<ActionKind, int> applied_by_kind;
  std::vector<absl::Status> apply_errors;
  // Launches not attempted because a cancel or termination failed.
  int launches_skipped = 0;
  bool dry_run = false;
  // Paused: the tick evaluated but applied nothing.
  bool paused = false;
  // ControllerOptions.may_apply refused before anything was applied: the
  // tick evaluated but applied nothing, and `standby` says why.
  std::optional<absl::Status> standby;
  // Launches refused for capacity or quota in this report's apply.
  std::vector<LaunchFailure> launch_failures;
  // The evaluation that followed those failures in the same tick (at most
  // one), with its own input, plan and apply. Observers see it as a report
  // of its own, after this one.
  std::vector<TickReport> follow_ups;
  bool follow_up = false;
  // Made by TickOnNewNotice at a new interruption notice, between regular
  // ticks (and the follow-up of one).
  bool on_notice = false;
};

class Controller {
 public:
  Controller(const Engine& engine, MetricsSource& metrics, PriceFeed& prices,
             InstanceManager& instances, Clock& clock,
             ControllerOptions options = {});
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // One gather -> evaluate -> apply -> report cycle at the clock's now.
  TickReport Tick();
  // The same into `report`, which is overwritten: the fleet and markets are
  // gathered into the vectors of the input it holds (the fleet through
  // InstanceManager::ListInto), so a loop that keeps one report allocates
  // less per tick.
  void Tick(TickReport& report);

  // Lists the fleet and, when an instance is under an interruption notice
  // that no evaluation has seen yet, ticks at once into `report` (the
  // replacement is requested now, not at the next tick). Returns whether it
  // ticked; a failed list is no tick (the next tick or poll lists again).
  bool TickOnNewNotice(TickReport& report);

  // Ticks every evaluation interval while keep_going() is true (checked
  // before each tick), sleeping on the clock in between. With the policy's
  // notice_poll_interval, it calls TickOnNewNotice that often in between.
  void Run(const std::function<bool()>& keep_going);

  void AddObserver(std::function<void(const TickReport&)> observer);

  // While paused, ticks still gather and evaluate (status and decisions stay
  // fresh) but apply nothing, and a plan not applied starts no scale-up or
  // scale-down cooldown (nor does a standby's, see may_apply). Safe to call
  // from any thread.
  void set_paused(bool paused) { paused_.store(paused); }
  bool paused() const { return paused_.load(); }

  const EngineState& engine_state() const { return state_; }
  // Sets the state a restarted controller resumes from.
  void set_engine_state(EngineState state) { state_ = std::move(state); }

 private:
  // Tick(report), marked as made at a notice or not.
  void Retick(TickReport& report, bool on_notice);
  // Tick() into a fresh `report`; the fleet and markets are gathered into
  // the vectors of `buffers` (the last report's input, or empty).
  void TickWith(TickReport& report, EvaluationInput buffers,
                bool on_notice = false);
  // Overwrites `views`.
  absl::Status GatherMarkets(absl::Time now, std::vector<MarketView>& views);
  void Evaluate(TickReport& report);
  void Apply(const Plan& plan, TickReport& report);
  // Lists the fleet again and evaluates with the failures `first` met.
  TickReport FollowUp(const TickReport& first);
  void Notify(const TickReport& report);
  absl::Status MayApply() const;
  // Drops failed drains from the engine state (see Apply).
  void ForgetDrains(const std::vector<std::string>& instance_ids);

  const Engine& engine_;
  MetricsSource& metrics_;
  PriceFeed& prices_;
  InstanceManager& instances_;
  Clock& clock_;
  ControllerOptions options_;
  EngineState state_;
  struct WatchedMarket {
    Market market;
    // Its type: 0 instance.type, k instance.alternatives[k - 1].
    size_t type = 0;
    PriceWindow window;
    absl::Time fetched_until = absl::InfinitePast();
    // The last answer of the feed; its vector is reused.
    PriceHistory fetched;
  };
  std::vector<WatchedMarket> markets_;
  // The feed's on-demand price of each type (as WatchedMarket::type),
  // once read.
  std::vector<std::optional<double>> on_demand_usd_;
  // Launch failures not yet seen by an evaluation.
  std::vector<LaunchFailure> unseen_failures_;
  // Buffers the engine evaluates into: a plan handed back by Tick(report)
  // and the state before the last evaluation, both overwritten.
  Evaluation evaluation_;
  // Instances under an interruption notice the last evaluation saw, and
  // the fleet TickOnNewNotice lists into.
  std::vector<std::string> noticed_;
  Fleet notice_scratch_;
  std::vector<std::function<void(const TickReport&)>> observers_;
  std::atomic<bool> paused_{false};
};

}  // namespace spotburst

#endif  // SPOTBURST_CONTROLLER_H_
