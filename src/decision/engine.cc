// Engine::Evaluate: one pure decision, in a fixed order of rules.
//
//  1. check the input; fold launch failures into backoffs; pick the market
//     (away from backed-off ones; warn when its prices are over a day
//     old); compute the bid
//  2. find open requests past the timeout (cancelled unless at max bid)
//  3. scaling strategy -> desired count; with scaling.forecast, learn the
//     lags from the fleet and raise the count to cover the demand expected
//     over them (act) or note it (record); clamp to [min, max]; churn
//     control (a scale-up cooldown still lets through the replacement of
//     each instance under interruption notice, once)
//  4. supply mode: spot, or on-demand fallback (and the way back)
//  5. remove: excess open requests first (newest first), then instances,
//     billing-aware (end or postpone); never one under an interruption
//     notice (not counted, so replaced in step 6). When the cluster reports
//     agents, an instance's agent is drained before it ends (and at once
//     on an interruption notice); drains that are over end their instance
//  6. add: spot requests or on-demand launches, within max instances and
//     the cost ceiling
//  7. replace on-demand instances with spot when back on spot; end the
//     replaced ones at their next good billing point
#include "spotburst/engine.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "decision/engine_steps.h"
#include "decision/fleet_view.h"
#include "decision/forecast.h"
#include "decision/launch_backoff.h"
#include "decision/scale_in.h"
#include "decision/supply_mode.h"
#include "spotburst/bidding.h"
#include "spotburst/status_macros.h"

namespace spotburst {

using internal::FleetView;

Engine::Engine(Policy policy, std::unique_ptr<BiddingStrategy> bidding,
               std::unique_ptr<ScalingStrategy> scaling)
    : policy_(std::move(policy)),
      bidding_(std::move(bidding)),
      scaling_(std::move(scaling)) {}

absl::StatusOr<Engine> Engine::Create(Policy policy,
                                      const StrategyRegistry& registry) {
  SPOTBURST_RETURN_IF_ERROR(ValidatePolicy(policy));
  SPOTBURST_ASSIGN_OR_RETURN(const BiddingStrategyFactory* bidding_factory,
                             registry.FindBidding(policy.bidding.strategy));
  SPOTBURST_ASSIGN_OR_RETURN(const ScalingStrategyFactory* scaling_factory,
                             registry.FindScaling(policy.scaling.strategy));
  SPOTBURST_ASSIGN_OR_RETURN(std::unique_ptr<BiddingStrategy> bidding,
                             bidding_factory->Create(policy.bidding));
  SPOTBURST_ASSIGN_OR_RETURN(std::unique_ptr<ScalingStrategy> scaling,
                             scaling_factory->Create(policy.scaling));
  return Engine(std::move(policy), std::move(bidding), std::move(scaling));
}

absl::StatusOr<Evaluation> Engine::Evaluate(const EvaluationInput& input,
                                            absl::Time now) const {
  Evaluation out;
  SPOTBURST_RETURN_IF_ERROR(Evaluate(input, now, out));
  return out;
}

absl::Status Engine::Evaluate(const EvaluationInput& input, absl::Time now,
                              Evaluation& out) const {
  absl::Status decided = Decide(input, now, out);
  if (!decided.ok()) {
    out.plan = Plan{};
    out.state = input.state;
  }
  return decided;
}

namespace {

// Empties `plan` as a default Plan, keeping its strings' and vectors'
// buffers for the next plan written into it.
void ClearKeepingBuffers(Plan& plan) {
  std::string policy_name = std::move(plan.policy_name);
  Market market = std::move(plan.market);
  std::vector<ResourceUsage> usage = std::move(plan.usage);
  std::vector<Action> actions = std::move(plan.actions);
  std::vector<Reason> notes = std::move(plan.notes);
  plan = Plan{};
  policy_name.clear();
  usage.clear();
  actions.clear();
  notes.clear();
  plan.policy_name = std::move(policy_name);
  plan.market = std::move(market);
  plan.usage = std::move(usage);
  plan.actions = std::move(actions);
  plan.notes = std::move(notes);
}

}  // namespace

absl::Status Engine::Decide(const EvaluationInput& input, absl::Time now,
                            Evaluation& out) const {
  const Policy& p = policy_;
  SPOTBURST_RETURN_IF_ERROR(internal::CheckEvaluationInput(input));

  // 1. Market and bid, away from markets the cloud just refused.
  EngineState& state = out.state;
  state = input.state;
  SPOTBURST_RETURN_IF_ERROR(internal::UpdateBackoffs(
      p.requests, input.launch_failures, now, state.backoffs));
  for (const LaunchFailure& failure : input.launch_failures) {
    // A scale-up the cloud refused added nothing: it starts no cooldown.
    if (failure.time >= state.last_scale_up) {
      state.last_scale_up = absl::InfinitePast();
    }
  }
  internal::LearnInterruptions(input.fleet, p.instance.avoid_interruptions, now,
                               state);
  SPOTBURST_ASSIGN_OR_RETURN(
      internal::SelectedMarket selected,
      internal::SelectMarket(p, input.markets, state.backoffs, now));
  std::optional<Reason> avoided =
      internal::AvoidInterruptions(p, state.exposures, selected);
  const MarketView* market = &selected.view;
  const double on_demand = market->on_demand_usd_per_hour > 0
                               ? market->on_demand_usd_per_hour
                               : p.instance.on_demand_usd_per_hour;
  SPOTBURST_ASSIGN_OR_RETURN(
      BidResult bid, ComputeBid(*bidding_, p.bidding, *market, on_demand, now));

  internal::ForgetEndedDrains(input.fleet, state.drains);
  const std::vector<std::string> adopted = internal::AdoptClusterDrains(
      input.fleet, input.cluster, now, state.drains);
  const FleetView fleet =
      internal::ViewFleet(input.fleet, input.cluster, state.drains, p.instance);
  Plan& plan = out.plan;
  ClearKeepingBuffers(plan);
  plan.notes.reserve(6);  // a Reason is large: regrowing copies them all
  plan.policy_name = p.name;
  plan.evaluated_at = now;
  plan.market = market->market;
  plan.current_price_usd = market->stats.current_usd;
  plan.bid_usd_per_hour = bid.usd_per_hour;
  Reason& bid_note = plan.notes.emplace_back(Reason{
      .code = ReasonCode::kBid, .figures = {{"bid_usd", bid.usd_per_hour}}});
  bid_note.text.Add("%s ", p.bidding.strategy).Add(bid.reason);
  for (const Reason& adjustment : bid.adjustments)
    plan.notes.push_back(adjustment);
  if (avoided) plan.notes.push_back(*std::move(avoided));
  if (std::optional<Reason> warning =
          internal::OldPricesWarning(*market, p.bidding.max_price_age, now)) {
    plan.notes.push_back(*std::move(warning));
  }
  for (Reason& note : internal::ActiveBackoffNotes(state.backoffs, now)) {
    plan.notes.push_back(std::move(note));
  }
  if (std::optional<Reason> note = internal::InterruptionNote(fleet)) {
    plan.notes.push_back(*std::move(note));
  }
  if (!adopted.empty()) {
    Reason& note = plan.notes.emplace_back(
        Reason{.code = ReasonCode::kDraining,
               .figures = {{"adopted", static_cast<double>(adopted.size())}}});
    note.text.Add("the cluster drains the agent(s) of ");
    for (size_t k = 0; k < adopted.size(); ++k) {
      if (k > 0) note.text.Add(", ");
      note.text.Add("%s", adopted[k]);
    }
    note.text.Add(
        " without a drain in the engine state (a restart, or an operator's "
        "drain): no capacity now, ended once drained or after the grace "
        "period");
  }
  if (std::optional<Reason> note = internal::BootingNote(fleet, now)) {
    plan.notes.push_back(*std::move(note));
  }
  if (std::optional<Reason> note = internal::UnmetDemandNote(input.cluster)) {
    plan.notes.push_back(*std::move(note));
  }

  // 2. Requests past the timeout.
  const internal::TimedOutRequests timed_out =
      internal::FindTimedOutRequests(p, fleet, now);

  // 3. Desired count.
  const Resources baseline =
      p.baseline == Resources{} ? input.cluster.baseline : p.baseline;
  const ScalingInput scaling_input{
      .used = input.cluster.used,
      .queued = input.cluster.queued,
      .baseline = baseline,
      .shape = p.instance.shape,
      // In units of the shape (instance.alternatives).
      .running = fleet.counted_units,
      .pending = fleet.open_request_units,
      .burst_point = p.scaling.burst_point,
      .min_instances = p.scaling.min_instances,
      .max_instances = p.scaling.max_instances};
  SPOTBURST_ASSIGN_OR_RETURN(ScalingDecision decision,
                             scaling_->Decide(scaling_input));
  if (p.scaling.forecast.mode != ForecastMode::kOff) {
    // Lag-aware: cover the demand expected once new capacity has joined.
    internal::LearnLags(input.fleet, fleet, now, state);
    internal::ApplyForecast(p, scaling_input, now, state, decision, plan.notes);
  } else if (!state.demand_history.empty() ||
             state.fulfilment_lag != LagEstimate{} ||
             state.boot_lag != LagEstimate{}) {
    // Off: nothing of it is kept, so turning it on again starts afresh.
    state.demand_history.clear();
    state.fulfilment_lag = state.boot_lag = LagEstimate{};
  }
  const int counted = scaling_input.counted();
  plan.running = scaling_input.running;
  plan.pending = scaling_input.pending;
  plan.usage = std::move(decision.usage);
  const int unreplaced_notices =
      internal::UnreplacedNoticeUnits(fleet, state.replaced_notices);
  const internal::ChurnTarget target = internal::ApplyChurnControl(
      p, counted, unreplaced_notices, decision, now, state, plan.notes);
  const int desired = target.desired;
  plan.desired = desired;

  // 4. Supply mode.
  const internal::SpotSignals signals{
      .current_usd = market->stats.current_usd,
      .bid_usd = bid.usd_per_hour,
      .on_demand_usd = on_demand,
      .bid_below_current = bid.below_current,
      .unfulfilled_past_timeout = timed_out.unfulfilled,
      .request_timeout = p.requests.timeout,
      .spot_blocked = selected.spot_blocked};
  if (std::optional<Reason> change =
          internal::UpdateSupplyMode(p.fallback, signals, now, state)) {
    plan.notes.push_back(*std::move(change));
  }
  plan.supply_mode = state.supply_mode;

  // Spreading spot over several markets: each with its own bid. One whose
  // bid cannot be made, or would be under its current price, takes none.
  // With instance.alternatives, the same for every listed type's markets,
  // each bid made with its own type's on-demand price.
  std::vector<internal::SpotMarket> spread;
  if (selected.spot_markets.size() > 1 || !p.instance.alternatives.empty()) {
    for (const MarketView& view : selected.spot_markets) {
      const int weight = fleet.weights.Of(view.market.instance_type);
      if (view.market == market->market) {
        // The selected market: its bid is made already.
        if (!bid.below_current) {
          spread.push_back({.view = view, .bid = bid, .weight = weight});
        }
        continue;
      }
      const double view_on_demand =
          view.on_demand_usd_per_hour > 0
              ? view.on_demand_usd_per_hour
              : internal::OnDemandPriceOf(p.instance, view.market);
      absl::StatusOr<BidResult> view_bid =
          ComputeBid(*bidding_, p.bidding, view, view_on_demand, now);
      if (!view_bid.ok() || view_bid->below_current) continue;
      spread.push_back(
          {.view = view, .bid = *std::move(view_bid), .weight = weight});
    }
  }

  internal::PlanBuilder builder(p, fleet, *market, bid, now, counted);
  builder.SetSpreadMarkets(&spread);
  builder.SetLaunchLimits(
      selected.spot_blocked,
      internal::PlaceOnDemand(p, input.markets, market->market, state.backoffs,
                              now));
  builder.CancelTimedOut(timed_out);
  builder.FinishDrains();
  builder.DrainInterrupted();

  // 5. Remove.
  const int remaining = counted - timed_out.counted_cancelled;
  if (desired < remaining) {
    builder.ScaleIn(remaining - desired, desired, decision.reason);
  }

  // 6. Add.
  if (desired > remaining) {
    const bool scale_up = desired > counted;
    Reason why = scale_up ? decision.reason
                          : MakeReason(ReasonCode::kRequestTimedOut,
                                       "replace %d timed-out request(s) to "
                                       "keep %d",
                                       desired - remaining, desired);
    if (!fleet.interrupted.empty()) {
      const int notices = static_cast<int>(fleet.interrupted.size());
      why.text.Add(" (%d under interruption notice, not counted)", notices);
      why.figures.push_back({"interrupted", static_cast<double>(notices)});
    }
    int to_add = desired - remaining;
    int added = 0;
    if (p.scaling.bridge != BridgeMode::kOff &&
        state.supply_mode == SupplyMode::kSpot) {
      const int bridge =
          p.scaling.bridge == BridgeMode::kAll
              ? to_add
              : std::min(to_add, internal::Shortfall(scaling_input));
      added = builder.Bridge(bridge, to_add, why);
      to_add -= added;
    }
    if (to_add > 0) added += builder.ScaleOut(to_add, state, why);
    if (scale_up && added > 0) {
      if (!target.replacing_notices_only) state.last_scale_up = now;
      internal::MarkNoticesReplaced(fleet, std::min(added, desired - counted),
                                    state.replaced_notices);
    }
  }

  // 7. Back to spot: replace on-demand, end the replaced. Replacements go
  // where scale-outs go (the first market of their type in the spread's
  // order, else the plan's market); none while the cloud keeps refusing
  // spot in the plan's market (with alternatives, other markets may still
  // be open to scale-outs).
  if (state.supply_mode == SupplyMode::kSpot &&
      (p.fallback.enabled || p.scaling.bridge != BridgeMode::kOff) &&
      !internal::PriceTrouble(signals) && !signals.spot_blocked &&
      internal::BlockingBackoff(state.backoffs, market->market,
                                Lifecycle::kSpot, now) == nullptr) {
    builder.ReplaceOnDemand();
  }
  builder.RetireReplaced();

  if (builder.removed_for_scale_in() > 0) state.last_scale_down = now;
  builder.Finish(plan);
  plan.booting = static_cast<int>(fleet.booting.size());
  internal::RememberDrains(builder.new_drains(), state.drains);
  return absl::OkStatus();
}

}  // namespace spotburst
