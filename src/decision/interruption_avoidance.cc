// instance.avoid_interruptions: the markets' recent interruption notices,
// learned from the fleet, weigh in the choice of where to ask spot: the
// zone, or with several spot markets (instance.min_markets > 1 or
// instance.alternatives) the order the spread and the type choice take.
#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "decision/engine_steps.h"
#include "decision/unit_weights.h"

namespace spotburst::internal {

void LearnInterruptions(const Fleet& fleet, const InterruptionAvoidance& avoid,
                        absl::Time now, std::vector<MarketInterruption>& seen) {
  if (avoid.window <= absl::ZeroDuration()) {
    seen.clear();  // off: turning it on again starts afresh
    return;
  }
  const absl::Time horizon = now - avoid.window;
  seen.erase(std::remove_if(seen.begin(), seen.end(),
                            [&](const MarketInterruption& i) {
                              return i.noticed < horizon;
                            }),
             seen.end());
  for (const Instance& instance : fleet.instances) {
    if (!instance.interruption_notice ||
        instance.lifecycle != Lifecycle::kSpot) {
      continue;
    }
    // Notices are few, and each is listed while its instance lives: a scan
    // of what was seen is cheaper than an index built every evaluation.
    const bool known =
        std::any_of(seen.begin(), seen.end(), [&](const MarketInterruption& i) {
          return i.instance_id == instance.id;
        });
    if (known) continue;
    seen.push_back({.market = {.instance_type = instance.instance_type,
                               .availability_zone = instance.availability_zone},
                    .instance_id = instance.id,
                    .noticed = now});
  }
  if (seen.size() > kMaxInterruptionsKept) {
    seen.erase(seen.begin(),
               seen.begin() + (seen.size() - kMaxInterruptionsKept));
  }
}

namespace {

int NoticesIn(const std::vector<MarketInterruption>& seen,
              const Market& market) {
  return static_cast<int>(
      std::count_if(seen.begin(), seen.end(), [&](const MarketInterruption& i) {
        return i.market.instance_type == market.instance_type &&
               i.market.availability_zone == market.availability_zone;
      }));
}

// Several spot markets (selected.spot_markets, cheapest per unit first):
// those within the tolerance of the cheapest per unit are put in order of
// fewer notices, the cheaper first among equals; the dearer stay after, in
// price order. The spread fills the markets in this order and the type
// choice takes the first whose instance fits, so both prefer the markets
// interrupted less. Says why when the order changed.
std::optional<Reason> OrderByNotices(
    const Policy& policy, const std::vector<MarketInterruption>& seen,
    SelectedMarket& selected) {
  std::vector<MarketView>& markets = selected.spot_markets;
  if (markets.size() < 2) return std::nullopt;
  const InstanceSpec& spec = policy.instance;
  const InterruptionAvoidance& avoid = spec.avoid_interruptions;
  const UnitWeights weights(spec);
  auto per_unit = [&](const MarketView& view) {
    return view.stats.current_usd / weights.Of(view.market.instance_type);
  };
  const double cheapest_usd = per_unit(markets.front());
  const double limit = cheapest_usd * (1 + avoid.price_tolerance);
  // (notices, position in price order) of the markets near the cheapest.
  std::vector<std::pair<int, size_t>> near;
  for (size_t m = 0; m < markets.size() && per_unit(markets[m]) <= limit; ++m) {
    near.push_back({NoticesIn(seen, markets[m].market), m});
  }
  std::stable_sort(near.begin(), near.end(), [](const auto& a, const auto& b) {
    return a.first < b.first;
  });
  bool moved = false;
  for (size_t k = 0; k < near.size(); ++k) moved |= near[k].second != k;
  if (!moved) return std::nullopt;

  const bool types = !spec.alternatives.empty();
  const int cheapest_notices = NoticesIn(seen, markets.front().market);
  const MarketView& first = markets[near.front().second];
  const double gap = per_unit(first) / cheapest_usd - 1;
  Reason why{
      .code = ReasonCode::kAvoidInterruptions,
      .figures = {{"notices", static_cast<double>(near.front().first)},
                  {"cheapest_notices", static_cast<double>(cheapest_notices)},
                  {"current_usd", first.stats.current_usd},
                  {"price_gap", gap}}};
  why.text.Add("spot markets within %.0f%% of the cheapest",
               avoid.price_tolerance * 100);
  if (types) why.text.Add(" per unit");
  why.text.Add(", fewest interruption notices in the last %s first: ",
               absl::FormatDuration(avoid.window));
  for (size_t k = 0; k < near.size(); ++k) {
    const MarketView& view = markets[near[k].second];
    if (k > 0) why.text.Add("; ");
    if (types) why.text.Add("%s in ", view.market.instance_type);
    why.text.Add("%s: %d notice(s), %.4f", view.market.availability_zone,
                 near[k].first, per_unit(view));
    if (near[k].second == 0) {
      why.text.Add(" (the cheapest)");
    } else {
      why.text.Add(" (+%.1f%%)", (per_unit(view) / cheapest_usd - 1) * 100);
    }
  }
  if (near.size() < markets.size()) {
    why.text.Add("; %d dearer after, by price",
                 static_cast<int>(markets.size() - near.size()));
  }

  std::vector<MarketView> ordered;
  ordered.reserve(markets.size());
  for (const auto& [notices, m] : near)
    ordered.push_back(std::move(markets[m]));
  for (size_t m = near.size(); m < markets.size(); ++m) {
    ordered.push_back(std::move(markets[m]));
  }
  markets = std::move(ordered);
  // With one type the plan's market is where spot goes first, as with one
  // zone; with several it stays the primary type's (its bid, its notes).
  if (!types) selected.view = markets.front();
  return why;
}

}  // namespace

std::optional<Reason> AvoidInterruptions(
    const Policy& policy, const std::vector<MarketInterruption>& seen,
    SelectedMarket& selected) {
  const InterruptionAvoidance& avoid = policy.instance.avoid_interruptions;
  if (avoid.window <= absl::ZeroDuration() || selected.spot_blocked) {
    return std::nullopt;
  }
  if (policy.instance.min_markets > 1 ||
      !policy.instance.alternatives.empty()) {
    return OrderByNotices(policy, seen, selected);
  }
  if (selected.open_markets.size() < 2) return std::nullopt;
  // Cheapest first, so the first with the fewest notices is also the
  // cheaper (then the zone first by name) among equals.
  const MarketView& cheapest = selected.open_markets.front();
  const double limit = cheapest.stats.current_usd * (1 + avoid.price_tolerance);
  const MarketView* best = &cheapest;
  int best_notices = NoticesIn(seen, cheapest.market);
  const int cheapest_notices = best_notices;
  for (const MarketView& view : selected.open_markets) {
    if (best_notices == 0) break;
    if (view.stats.current_usd > limit) break;
    const int notices = NoticesIn(seen, view.market);
    if (notices < best_notices) {
      best = &view;
      best_notices = notices;
    }
  }
  if (best == &cheapest) return std::nullopt;
  Reason why = MakeReason(
      ReasonCode::kAvoidInterruptions,
      {{"notices", static_cast<double>(best_notices)},
       {"cheapest_notices", static_cast<double>(cheapest_notices)},
       {"current_usd", best->stats.current_usd}},
      "spot in %s at %.4f with %d interruption notice(s) in the last %s, "
      "not the cheapest %s at %.4f with %d: within %.0f%% of its price",
      best->market.availability_zone, best->stats.current_usd, best_notices,
      absl::FormatDuration(avoid.window), cheapest.market.availability_zone,
      cheapest.stats.current_usd, cheapest_notices,
      avoid.price_tolerance * 100);
  selected.view = *best;
  return why;
}

}  // namespace spotburst::internal
