// instance.avoid_interruptions: the zones' recent interruption notices,
// learned from the fleet, weigh in the choice of the zone to ask spot in.
#include <algorithm>
#include <string>

#include "absl/strings/str_format.h"
#include "decision/engine_steps.h"

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

}  // namespace

std::optional<Reason> AvoidInterruptions(
    const Policy& policy, const std::vector<MarketInterruption>& seen,
    SelectedMarket& selected) {
  const InterruptionAvoidance& avoid = policy.instance.avoid_interruptions;
  if (avoid.window <= absl::ZeroDuration() || selected.spot_blocked ||
      selected.open_markets.size() < 2) {
    return std::nullopt;
  }
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
