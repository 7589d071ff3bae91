// Checking an evaluation's input and picking its market.
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "decision/engine_steps.h"
#include "decision/launch_backoff.h"
#include "spotburst/price_window.h"

namespace spotburst::internal {
namespace {

absl::Status CheckResources(const Resources& resources, std::string_view path) {
  for (ResourceKind kind : kAllResourceKinds) {
    const double value = resources.Get(kind);
    if (!std::isfinite(value) || value < 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.%s: %g must be a finite number >= 0", path,
                          ResourceName(kind), value));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckEvaluationInput(const EvaluationInput& input) {
  for (const auto& [resources, path] :
       {std::pair{&input.cluster.used, "cluster.used"},
        std::pair{&input.cluster.queued, "cluster.queued"},
        std::pair{&input.cluster.baseline, "cluster.baseline"}}) {
    if (absl::Status s = CheckResources(*resources, path); !s.ok()) return s;
  }
  for (size_t i = 0; i < input.cluster.held_back.size(); ++i) {
    const HeldBackDemand& d = input.cluster.held_back[i];
    if (d.instances < 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "cluster.held_back[%d].instances: %d must be >= 0", i, d.instances));
    }
    const std::string path =
        absl::StrFormat("cluster.held_back[%d].resources", i);
    if (absl::Status s = CheckResources(d.resources, path.c_str()); !s.ok()) {
      return s;
    }
  }
  // An agent listed twice for one instance would be read either way.
  absl::flat_hash_map<std::string_view, size_t> agent_of;
  for (size_t i = 0; i < input.cluster.burst_agents.size(); ++i) {
    const BurstAgent& a = input.cluster.burst_agents[i];
    if (a.instance_id.empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("cluster.burst_agents[%d].instance_id: required", i));
    }
    auto [it, added] = agent_of.emplace(a.instance_id, i);
    if (!added) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "cluster.burst_agents[%d].instance_id: %s already has "
          "cluster.burst_agents[%d]",
          i, a.instance_id.substr(0, 64), it->second));
    }
    for (const auto& [resources, name] :
         {std::pair{&a.total, "total"}, std::pair{&a.used, "used"}}) {
      const std::string path =
          absl::StrFormat("cluster.burst_agents[%d].%s", i, name);
      if (absl::Status s = CheckResources(*resources, path.c_str()); !s.ok()) {
        return s;
      }
    }
  }
  for (size_t i = 0; i < input.fleet.requests.size(); ++i) {
    const double bid = input.fleet.requests[i].bid_usd_per_hour;
    if (!std::isfinite(bid) || bid < 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "fleet.requests[%d].bid_usd_per_hour: %g must be >= 0", i, bid));
    }
  }
  for (size_t i = 0; i < input.fleet.instances.size(); ++i) {
    const double price = input.fleet.instances[i].max_price_usd_per_hour;
    if (!std::isfinite(price) || price < 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "fleet.instances[%d].max_price_usd_per_hour: %g must be >= 0", i,
          price));
    }
  }
  // An id listed twice would be counted twice (and could be ended twice).
  absl::flat_hash_map<std::string_view, size_t> seen;
  for (size_t i = 0; i < input.fleet.instances.size(); ++i) {
    auto [it, added] = seen.emplace(input.fleet.instances[i].id, i);
    if (!added) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "fleet.instances[%d].id: duplicate of fleet.instances[%d]", i,
          it->second));
    }
  }
  for (size_t i = 0; i < input.markets.size(); ++i) {
    const MarketView& view = input.markets[i];
    if (!view.price_history.empty() && view.stats.points > 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "markets[%d]: both stats and price_history given; give one", i));
    }
  }
  seen.clear();
  for (size_t i = 0; i < input.fleet.requests.size(); ++i) {
    auto [it, added] = seen.emplace(input.fleet.requests[i].id, i);
    if (!added) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "fleet.requests[%d].id: duplicate of fleet.requests[%d]", i,
          it->second));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<SelectedMarket> SelectMarket(
    const Policy& policy, const std::vector<MarketView>& markets,
    const std::vector<LaunchBackoff>& backoffs, absl::Time now) {
  const InstanceSpec& spec = policy.instance;
  // The cheapest usable market, and the cheapest that spot may be asked in:
  // its index in `markets` and its statistics.
  struct Usable {
    size_t index;
    PriceStats stats;
  };
  std::optional<Usable> cheapest, cheapest_open;
  absl::Status first_error = absl::OkStatus();
  auto cheaper = [&](const PriceStats& stats, const Market& market,
                     const std::optional<Usable>& than) {
    if (!than.has_value()) return true;
    const Market& other = markets[than->index].market;
    return stats.current_usd < than->stats.current_usd ||
           (stats.current_usd == than->stats.current_usd &&
            market.availability_zone < other.availability_zone);
  };
  for (size_t i = 0; i < markets.size(); ++i) {
    const MarketView& view = markets[i];
    if (view.market.instance_type != spec.type ||
        view.market.product != spec.product ||
        (!spec.availability_zone.empty() &&
         view.market.availability_zone != spec.availability_zone)) {
      continue;
    }
    PriceStats stats = view.stats;
    if (!view.price_history.empty()) {
      absl::StatusOr<PriceStats> summary = SummarizePriceHistory(
          view.price_history, policy.bidding.price_window, now);
      if (!summary.ok()) {
        return absl::Status(summary.status().code(),
                            absl::StrFormat("markets[%d].price_history%s", i,
                                            summary.status().message()));
      }
      stats = *summary;
    }
    if (absl::Status s = CheckPriceStats(view.market, stats, now,
                                         policy.bidding.max_price_age);
        !s.ok()) {
      if (first_error.ok()) first_error = s;
      continue;
    }
    const Usable usable{.index = i, .stats = stats};
    if (BlockingBackoff(backoffs, view.market, Lifecycle::kSpot, now) ==
            nullptr &&
        cheaper(stats, view.market, cheapest_open)) {
      cheapest_open = usable;
    }
    if (cheaper(stats, view.market, cheapest)) cheapest = usable;
  }
  // The selection carries no price history: its statistics stand for it.
  auto view_of = [&](const Usable& u) {
    const MarketView& view = markets[u.index];
    return MarketView{.market = view.market,
                      .stats = u.stats,
                      .on_demand_usd_per_hour = view.on_demand_usd_per_hour,
                      .price_history = {}};
  };
  if (cheapest_open.has_value()) {
    return SelectedMarket{.view = view_of(*cheapest_open)};
  }
  if (cheapest.has_value()) {
    // Every usable market is backed off for spot: price on the cheapest.
    SelectedMarket selected{.view = view_of(*cheapest)};
    const LaunchBackoff* blocking =
        BlockingBackoff(backoffs, selected.view.market, Lifecycle::kSpot, now);
    selected.spot_blocked = BackoffReason(*blocking, now);
    return selected;
  }
  if (!first_error.ok()) return first_error;
  std::vector<std::string> offered;
  for (const MarketView& view : markets) offered.push_back(view.market.Name());
  return absl::FailedPreconditionError(absl::StrFormat(
      "markets: no price data for %s in zone %s (given: %s)", spec.type,
      spec.availability_zone.empty() ? "any" : spec.availability_zone,
      offered.empty() ? "none" : absl::StrJoin(offered, ", ")));
}

std::optional<Reason> InterruptionNote(const FleetView& fleet) {
  if (fleet.interrupted.empty()) return std::nullopt;
  const int n = static_cast<int>(fleet.interrupted.size());
  Reason note = MakeReason(ReasonCode::kInterruption,
                           {{"interrupted", static_cast<double>(n)}},
                           "%d instance(s) under interruption notice: ", n);
  for (size_t k = 0; k < fleet.interrupted.size(); ++k) {
    const Instance* i = fleet.interrupted[k];
    if (k > 0) note.text.Add(", ");
    if (i->interruption_time == absl::InfinitePast()) {
      note.text.Add("%s", i->id);
    } else {
      note.text.Add("%s (ends %s)", i->id,
                    absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", i->interruption_time,
                                     absl::UTCTimeZone()));
    }
  }
  note.text.Add(
      "; not counted as capacity and never ended by the policy (the "
      "provider's end costs less)");
  return note;
}

std::optional<Reason> OldPricesWarning(const MarketView& market,
                                       absl::Duration max_price_age,
                                       absl::Time now) {
  const PriceStats& stats = market.stats;
  const bool has_as_of = stats.as_of != absl::InfinitePast();
  const absl::Time since = has_as_of ? stats.as_of : stats.last_change;
  if (since == absl::InfinitePast()) return std::nullopt;  // nothing to go by
  const absl::Duration age = now - since;
  if (age <= kOldPricesAge) return std::nullopt;
  const std::string when =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", since, absl::UTCTimeZone());
  Reason warning = MakeReason(
      ReasonCode::kOldPrices, {{"price_age_s", absl::ToDoubleSeconds(age)}},
      "warning: market %s: prices ", market.market.Name());
  if (has_as_of) {
    warning.text.Add("as of %s", when);
  } else {
    warning.text.Add("last changed at %s, no as_of", when);
  }
  warning.text.Add(", %s old (over %s); acting on them because ",
                   absl::Trunc(age, absl::Seconds(1)), kOldPricesAge);
  if (max_price_age == absl::ZeroDuration()) {
    warning.text.Add("bidding.max_price_age_s is 0 (no limit)");
  } else {
    warning.text.Add("bidding.max_price_age_s is %d",
                     absl::ToInt64Seconds(max_price_age));
  }
  return warning;
}

}  // namespace spotburst::internal
