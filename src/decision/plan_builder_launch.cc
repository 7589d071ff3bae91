// PlanBuilder's launches: spot requests (in the plan's market, spread over
// zones, or in the market cheapest per unit), on-demand launches, and the
// bridges that serve while spot arrives.
#include <algorithm>
#include <string_view>
#include <vector>

#include "decision/engine_steps.h"

namespace spotburst::internal {

int PlanBuilder::ScaleOut(int count, const EngineState& state,
                          const Reason& cause) {
  const int room = policy_.scaling.max_instances - live_after_;
  if (count > room) {
    notes_.push_back(MakeReason(
        ReasonCode::kAtMaxInstances, "%d to add, room for %d under max %d",
        count, std::max(room, 0), policy_.scaling.max_instances));
    count = room;
  }
  if (count <= 0) return 0;
  const bool spot = state.supply_mode == SupplyMode::kSpot;
  const std::optional<Reason>& blocked =
      spot ? spot_blocked_
           : (on_demand_ ? on_demand_->blocked : std::optional<Reason>());
  if (blocked) {
    Reason note = MakeReason(
        ReasonCode::kLaunchBackoff, {{"held_back", static_cast<double>(count)}},
        "%d %s launch(es) held back: ", count, spot ? "spot" : "on-demand");
    note.text.Add(blocked->text);
    notes_.push_back(std::move(note));
    return 0;
  }
  if (spot && spread_ != nullptr) {
    if (policy_.instance.min_markets > 1 && spread_->size() > 1) {
      return ScaleOutSpread(count, room, cause);
    }
    if (!policy_.instance.alternatives.empty() && !spread_->empty()) {
      return ScaleOutCheapest(count, room, cause);
    }
  }
  if (spot) return RequestSpot(count, market_, bid_, cause, nullptr);
  const double on_demand = OnDemandPrice();
  count = FitUnderCeiling(count, on_demand, "on-demand");
  if (count <= 0) return 0;
  return LaunchOnDemand(
      count, on_demand, cause,
      MakeReason(ReasonCode::kFallbackToOnDemand,
                 {{"on_demand_usd", on_demand}}, "on-demand at %.4f: %s",
                 on_demand, state.fallback_reason));
}

double PlanBuilder::OnDemandPrice() const {
  return market_.on_demand_usd_per_hour > 0
             ? market_.on_demand_usd_per_hour
             : policy_.instance.on_demand_usd_per_hour;
}

int PlanBuilder::LaunchOnDemand(int count, double on_demand,
                                const Reason& cause, Reason why) {
  Action launch{.kind = ActionKind::kLaunchOnDemand,
                .count = count,
                .instance_type = policy_.instance.type,
                .availability_zone = on_demand_
                                         ? on_demand_->zone
                                         : market_.market.availability_zone};
  launch.idempotency_token = TokenFor(launch.kind, count, "");
  launch.reasons.push_back(cause);
  launch.reasons.push_back(std::move(why));
  fleet_usd_per_hour_ += count * on_demand;
  live_after_ += count;
  launches_.push_back(std::move(launch));
  return count;
}

int PlanBuilder::RequestSpot(int count, const MarketView& market,
                             const BidResult& bid, const Reason& cause,
                             const Reason* more) {
  count = FitUnderCeiling(count, bid.usd_per_hour, "spot requests");
  if (count <= 0) return 0;
  Action launch{.kind = ActionKind::kRequestSpot,
                .count = count,
                .instance_type = market.market.instance_type,
                .availability_zone = market.market.availability_zone,
                .bid_usd_per_hour = bid.usd_per_hour};
  launch.idempotency_token = TokenFor(launch.kind, count, "", market.market);
  launch.reasons.push_back(cause);
  if (more != nullptr) launch.reasons.push_back(*more);
  launch.reasons.push_back(
      {.code = ReasonCode::kBid,
       .text = bid.reason,
       .figures = {{"bid_usd", bid.usd_per_hour},
                   {"current_usd", market.stats.current_usd}}});
  for (const Reason& r : bid.adjustments) launch.reasons.push_back(r);
  fleet_usd_per_hour_ += count * bid.usd_per_hour;
  live_after_ += count * fleet_.weights.Of(market.market.instance_type);
  launches_.push_back(std::move(launch));
  return count;
}

int PlanBuilder::ScaleOutSpread(int count, int room, const Reason& cause) {
  const std::vector<SpotMarket>& markets = *spread_;
  // What spot each market holds once this plan's cancels and ends are
  // done, in units: its counted spot instances and open requests
  // (on-demand ones are not interrupted, so they need no spreading).
  std::vector<int> held(markets.size(), 0);
  int spot_before = 0;
  auto add_to = [&](std::string_view type, std::string_view zone) {
    const int weight = fleet_.weights.Of(type);
    spot_before += weight;
    for (size_t m = 0; m < markets.size(); ++m) {
      const Market& market = markets[m].view.market;
      if (market.availability_zone == zone && market.instance_type == type) {
        held[m] += weight;
        return;
      }
    }
  };
  for (const Instance* instance : fleet_.counted_instances) {
    if (instance->lifecycle == Lifecycle::kSpot &&
        !leaving_.contains(instance)) {
      add_to(instance->instance_type, instance->availability_zone);
    }
  }
  for (const SpotRequest* request : fleet_.open_requests) {
    if (!cancelled_.contains(request)) {
      add_to(request->instance_type, request->availability_zone);
    }
  }
  const int spread_over = policy_.instance.min_markets;
  const int fleet_after = spot_before + count;
  const int share = (fleet_after + spread_over - 1) / spread_over;
  // Each new instance goes to the cheapest market under its share; when
  // every market is full (fewer usable markets than min_markets), to the
  // one holding fewest, the cheaper on a tie. Shares and holdings are in
  // units; an instance heavier than the room left goes nowhere.
  std::vector<int> added(markets.size(), 0);  // instances
  auto units_in = [&](size_t m) {
    return held[m] + added[m] * markets[m].weight;
  };
  for (int units = 0; units < count;) {
    size_t pick = markets.size();
    for (size_t m = 0; m < markets.size(); ++m) {
      if (markets[m].weight <= room - units && units_in(m) < share) {
        pick = m;
        break;
      }
    }
    if (pick == markets.size()) {
      for (size_t m = 0; m < markets.size(); ++m) {
        if (markets[m].weight > room - units) continue;
        if (pick == markets.size() || units_in(m) < units_in(pick)) pick = m;
      }
    }
    if (pick == markets.size()) break;
    ++added[pick];
    units += markets[pick].weight;
  }
  const bool types = !policy_.instance.alternatives.empty();
  // instance.avoid_interruptions has put the markets in its own order.
  const bool avoiding =
      policy_.instance.avoid_interruptions.window > absl::ZeroDuration();
  int requested = 0;
  for (size_t m = 0; m < markets.size(); ++m) {
    if (added[m] == 0) continue;
    const SpotMarket& market = markets[m];
    const Market& where = market.view.market;
    Reason why{.code = ReasonCode::kMarketSpread,
               .figures = {{"current_usd", market.view.stats.current_usd},
                           {"market_share", static_cast<double>(share)},
                           {"markets", static_cast<double>(markets.size())}}};
    if (types) {
      // Two types may share a zone: the market is the type and the zone,
      // and its price and holdings are in units.
      why.text.Add(
          "%d instance(s), %d unit(s) of %d, to %s in %s at current %.4f "
          "USD/h (%.4f per unit): it held %d unit(s), at most %d each "
          "spreads %d units of spot over instance.min_markets %d; ",
          added[m], added[m] * market.weight, count, where.instance_type,
          where.availability_zone, market.view.stats.current_usd,
          market.view.stats.current_usd / market.weight, held[m], share,
          fleet_after, spread_over);
    } else {
      why.text.Add(
          "%d of %d to %s at current %.4f USD/h: it held %d, at most %d each "
          "spreads %d spot over instance.min_markets %d; ",
          added[m], count, where.availability_zone,
          market.view.stats.current_usd, held[m], share, fleet_after,
          spread_over);
    }
    if (units_in(m) <= share && avoiding) {
      why.text.Add(
          "the first with room of %d usable markets, ranked by recent "
          "interruptions within the price tolerance",
          static_cast<int>(markets.size()));
    } else if (units_in(m) <= share) {
      if (types) {
        why.text.Add("the cheapest per unit with room of ");
      } else {
        why.text.Add("the cheapest with room of ");
      }
      why.text.Add("%d usable markets", static_cast<int>(markets.size()));
    } else {
      why.text.Add("only %d usable markets, so the one holding fewest",
                   static_cast<int>(markets.size()));
    }
    requested += market.weight *
                 RequestSpot(added[m], market.view, market.bid, cause, &why);
  }
  return requested;
}

int PlanBuilder::Bridge(int count, int scale_up, const Reason& cause) {
  count = std::min(count, policy_.scaling.max_instances - live_after_);
  if (count <= 0 || (on_demand_ && on_demand_->blocked)) return 0;
  const double on_demand = OnDemandPrice();
  // What the ceiling does not let bridge is requested as spot: nothing is
  // held back here, so no ceiling note.
  count = FitUnderCeiling(count, on_demand, "", /*note_held_back=*/false);
  if (count <= 0) return 0;
  Reason why = MakeReason(ReasonCode::kBridge,
                          {{"bridged", static_cast<double>(count)},
                           {"on_demand_usd", on_demand},
                           {"current_usd", market_.stats.current_usd}},
                          "bridge %d of %d", count, scale_up);
  if (policy_.scaling.bridge == BridgeMode::kShortfall) {
    why.text.Add(" (the demand's need now beyond the instances up or booting)");
  }
  why.text.Add(
      ": on-demand at %.4f USD/h serves once booted, a spot request only once "
      "fulfilled; spot (now %.4f) replaces each from the next evaluation, and "
      "each ends once its replacement serves",
      on_demand, market_.stats.current_usd);
  return LaunchOnDemand(count, on_demand, cause, std::move(why));
}

int PlanBuilder::ScaleOutCheapest(int count, int room, const Reason& cause) {
  const std::vector<SpotMarket>& markets = *spread_;
  // Cheapest per unit first: the first whose instance fits the room.
  size_t pick = markets.size();
  for (size_t m = 0; m < markets.size(); ++m) {
    if (markets[m].weight <= room) {
      pick = m;
      break;
    }
  }
  if (pick == markets.size()) return 0;
  const SpotMarket& chosen = markets[pick];
  const int weight = chosen.weight;
  // Enough instances for `count` units, unless that passes the room.
  int instances = (count + weight - 1) / weight;
  if (instances * weight > room) instances = room / weight;
  const double per_unit = chosen.view.stats.current_usd / weight;
  Reason why = MakeReason(
      ReasonCode::kMarketChoice,
      {{"usd_per_unit", per_unit}, {"weight", static_cast<double>(weight)}},
      "%s in %s: %.4f USD/h per unit (%.4f / weight %d), %d instance(s) for "
      "%d unit(s); ",
      chosen.view.market.instance_type, chosen.view.market.availability_zone,
      per_unit, chosen.view.stats.current_usd, weight, instances, count);
  // The next best: the cheapest other market (the list is in that order).
  const SpotMarket* next = nullptr;
  for (size_t m = 0; m < markets.size() && next == nullptr; ++m) {
    if (m != pick) next = &markets[m];
  }
  if (next == nullptr) {
    why.text.Add("the only usable market");
  } else {
    const double next_per_unit = next->view.stats.current_usd / next->weight;
    why.figures.push_back({"next_usd_per_unit", next_per_unit});
    if (next_per_unit < per_unit) {
      // Only instance.avoid_interruptions puts a dearer market first.
      why.text.Add(
          "the cheaper %s in %s at %.4f per unit ranked lower on recent "
          "interruptions (of %d usable markets)",
          next->view.market.instance_type, next->view.market.availability_zone,
          next_per_unit, static_cast<int>(markets.size()));
    } else {
      why.text.Add("next best %s in %s at %.4f per unit (of %d usable markets)",
                   next->view.market.instance_type,
                   next->view.market.availability_zone, next_per_unit,
                   static_cast<int>(markets.size()));
    }
  }
  return weight * RequestSpot(instances, chosen.view, chosen.bid, cause, &why);
}

}  // namespace spotburst::internal
