// The fallback state machine.
#include "decision/supply_mode.h"

#include <algorithm>

namespace spotburst::internal {

std::optional<Reason> PriceTrouble(const SpotSignals& s) {
  const std::initializer_list<Figure> figures = {
      {"current_usd", s.current_usd},
      {"bid_usd", s.bid_usd},
      {"on_demand_usd", s.on_demand_usd}};
  if (s.current_usd > s.on_demand_usd) {
    return MakeReason(ReasonCode::kFallbackToOnDemand, figures,
                      "spot %.4f > on-demand %.4f", s.current_usd,
                      s.on_demand_usd);
  }
  if (s.bid_usd > s.on_demand_usd) {
    return MakeReason(ReasonCode::kFallbackToOnDemand, figures,
                      "bid %.4f would exceed on-demand %.4f", s.bid_usd,
                      s.on_demand_usd);
  }
  if (s.bid_below_current) {
    return MakeReason(ReasonCode::kFallbackToOnDemand, figures,
                      "bid %.4f (capped) below spot %.4f: requests cannot be "
                      "fulfilled",
                      s.bid_usd, s.current_usd);
  }
  return std::nullopt;
}

std::optional<Reason> UpdateSupplyMode(const FallbackPolicy& policy,
                                       const SpotSignals& signals,
                                       absl::Time now, EngineState& state) {
  if (policy.on_demand_only) {
    const bool changed = state.supply_mode != SupplyMode::kOnDemand;
    state.supply_mode = SupplyMode::kOnDemand;
    state.fallback_reason = "policy buys on-demand only";
    state.fallback_for_capacity = false;
    state.spot_healthy_since = absl::InfiniteFuture();
    if (!changed) return std::nullopt;
    state.supply_mode_since = now;
    return Reason{.code = ReasonCode::kFallbackToOnDemand,
                  .text = "on-demand only (fallback.on_demand_only)"};
  }
  if (!policy.enabled) {
    state.supply_mode = SupplyMode::kSpot;
    state.fallback_reason.clear();
    state.fallback_for_capacity = false;
    state.spot_healthy_since = absl::InfiniteFuture();
    return std::nullopt;
  }
  const std::optional<Reason> price = PriceTrouble(signals);
  if (state.supply_mode == SupplyMode::kSpot) {
    std::optional<Reason> trigger = price;
    if (!trigger && signals.spot_blocked) {
      trigger = signals.spot_blocked;
      trigger->code = ReasonCode::kFallbackToOnDemand;
    }
    if (!trigger && signals.unfulfilled_past_timeout > 0) {
      trigger =
          MakeReason(ReasonCode::kFallbackToOnDemand,
                     {{"unfulfilled",
                       static_cast<double>(signals.unfulfilled_past_timeout)}},
                     "%d spot request(s) unfulfilled after %s",
                     signals.unfulfilled_past_timeout, signals.request_timeout);
    }
    if (!trigger) return std::nullopt;
    state.supply_mode = SupplyMode::kOnDemand;
    state.supply_mode_since = now;
    // Kept in the state as text: it outlives this evaluation's values.
    state.fallback_reason = trigger->message();
    state.fallback_for_capacity = !price.has_value();
    state.spot_healthy_since = absl::InfiniteFuture();
    trigger->text = ReasonText("fallback to on-demand: ").Add(trigger->text);
    return trigger;
  }
  // On-demand: watch for spot to be healthy long enough.
  const bool retry_due =
      !state.fallback_for_capacity ||
      now - state.supply_mode_since >= policy.retry_spot_after;
  if (price || signals.spot_blocked || !retry_due) {
    state.spot_healthy_since = absl::InfiniteFuture();
    return std::nullopt;
  }
  state.spot_healthy_since = std::min(state.spot_healthy_since, now);
  const absl::Duration healthy_for = now - state.spot_healthy_since;
  if (healthy_for < policy.revert_after) return std::nullopt;
  Reason back = MakeReason(
      ReasonCode::kRevertToSpot,
      {{"current_usd", signals.current_usd},
       {"bid_usd", signals.bid_usd},
       {"on_demand_usd", signals.on_demand_usd}},
      "back to spot: spot %.4f <= bid %.4f <= on-demand %.4f for %s (after: "
      "%s)",
      signals.current_usd, signals.bid_usd, signals.on_demand_usd, healthy_for,
      state.fallback_reason);
  state.supply_mode = SupplyMode::kSpot;
  state.supply_mode_since = now;
  state.fallback_reason.clear();
  state.fallback_for_capacity = false;
  state.spot_healthy_since = absl::InfiniteFuture();
  return back;
}

}  // namespace spotburst::internal
