// instance.avoid_interruptions: each spot market's recent interruption rate,
// learned from the fleet, weighs in the choice of where to ask spot: the
// zone, or with several spot markets (instance.min_markets > 1 or
// instance.alternatives) the order the spread and the type choice take.
//
// A count of notices alone favours the markets the fleet avoided: a market
// with no instances draws no notices. So each market keeps the
// instance-hours spent in it beside its notices, both fading with age, and
// the ratio is the rate; a market watched for little time is drawn towards
// the fleet's overall rate (prior_hours), so one notice on one instance
// neither condemns it nor does a market never tried look safe.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "decision/engine_steps.h"
#include "decision/unit_weights.h"

namespace spotburst::internal {
namespace {

bool SameMarket(const Market& a, const Market& b) {
  return a.instance_type == b.instance_type &&
         a.availability_zone == b.availability_zone;
}

MarketExposure& ExposureOf(std::vector<MarketExposure>& exposures,
                           const Market& market) {
  for (MarketExposure& e : exposures) {
    if (SameMarket(e.market, market)) return e;
  }
  exposures.push_back({.market = market});
  return exposures.back();
}

Market MarketOf(const Instance& instance) {
  return {.instance_type = instance.instance_type,
          .availability_zone = instance.availability_zone};
}

}  // namespace

void LearnInterruptions(const Fleet& fleet, const InterruptionAvoidance& avoid,
                        absl::Time now, EngineState& state) {
  std::vector<MarketInterruption>& seen = state.interruptions;
  std::vector<MarketExposure>& exposures = state.exposures;
  if (avoid.window <= absl::ZeroDuration()) {
    // Off: turning it on again starts afresh.
    seen.clear();
    exposures.clear();
    state.exposures_as_of = absl::InfinitePast();
    return;
  }
  // Fade what was seen by the time since the last evaluation; each spot
  // instance adds the faded integral of the part of that time it ran
  // (since its launch, if later), window x (1 - e^(-ran / window)): the
  // hours it ran while they are short against the window.
  const bool known_since = state.exposures_as_of != absl::InfinitePast() &&
                           state.exposures_as_of < now;
  const double decay = known_since
                           ? std::exp(-absl::FDivDuration(
                                 now - state.exposures_as_of, avoid.window))
                           : 1;
  for (MarketExposure& e : exposures) {
    e.spot_hours *= decay;
    e.notices *= decay;
  }
  const double window_hours = absl::ToDoubleHours(avoid.window);
  for (const Instance& instance : fleet.instances) {
    if (instance.lifecycle != Lifecycle::kSpot) continue;
    const Market market = MarketOf(instance);
    const absl::Time since =
        std::max(state.exposures_as_of, instance.launch_time);
    if (known_since && since < now) {
      ExposureOf(exposures, market).spot_hours +=
          window_hours *
          (1 - std::exp(-absl::FDivDuration(now - since, avoid.window)));
    }
    if (!instance.interruption_notice) continue;
    // Notices are few, and each is listed while its instance is under
    // notice: a scan is cheaper than an index built every evaluation.
    const bool counted =
        std::any_of(seen.begin(), seen.end(), [&](const MarketInterruption& i) {
          return i.instance_id == instance.id;
        });
    if (counted) continue;
    ExposureOf(exposures, market).notices += 1;
    seen.push_back(
        {.market = market, .instance_id = instance.id, .noticed = now});
  }
  // A notice is remembered only while its instance is still under notice;
  // the count it made stays in the exposure.
  seen.erase(std::remove_if(seen.begin(), seen.end(),
                            [&](const MarketInterruption& i) {
                              return std::none_of(
                                  fleet.instances.begin(),
                                  fleet.instances.end(),
                                  [&](const Instance& instance) {
                                    return instance.interruption_notice &&
                                           instance.id == i.instance_id;
                                  });
                            }),
             seen.end());
  // Forget what has faded to nothing, then the least watched beyond the cap.
  exposures.erase(std::remove_if(exposures.begin(), exposures.end(),
                                 [](const MarketExposure& e) {
                                   return e.spot_hours < kForgottenExposure &&
                                          e.notices < kForgottenExposure;
                                 }),
                  exposures.end());
  if (exposures.size() > kMaxExposuresKept) {
    std::stable_sort(exposures.begin(), exposures.end(),
                     [](const MarketExposure& a, const MarketExposure& b) {
                       return a.spot_hours > b.spot_hours;
                     });
    exposures.resize(kMaxExposuresKept);
  }
  state.exposures_as_of = now;
}

InterruptionRates::InterruptionRates(
    const std::vector<MarketExposure>& exposures, double prior_hours)
    : exposures_(exposures), prior_hours_(prior_hours) {
  double hours = 0;
  double notices = 0;
  for (const MarketExposure& e : exposures) {
    hours += e.spot_hours;
    notices += e.notices;
  }
  pooled_rate_ = hours > 0 ? notices / hours : 0;
}

InterruptionRates::Seen InterruptionRates::Of(const Market& market) const {
  Seen seen;
  for (const MarketExposure& e : exposures_) {
    if (SameMarket(e.market, market)) {
      seen.spot_hours = e.spot_hours;
      seen.notices = e.notices;
      break;
    }
  }
  seen.rate = (seen.notices + pooled_rate_ * prior_hours_) /
              (seen.spot_hours + prior_hours_);
  return seen;
}

namespace {

// How a market ranks among those near the cheapest: its rate, or its
// expected cost per unit-hour when an interruption has a price.
struct Ranked {
  size_t position;  // in price order
  InterruptionRates::Seen seen;
  double price;     // per unit
  double expected;  // per unit, with the interruptions' cost
  double key;
};

std::vector<Ranked> RankNearCheapest(const InterruptionAvoidance& avoid,
                                     const InterruptionRates& rates,
                                     const std::vector<MarketView>& markets,
                                     const auto& per_unit) {
  std::vector<Ranked> near;
  if (markets.empty()) return near;
  const double limit = per_unit(markets.front()) * (1 + avoid.price_tolerance);
  for (size_t m = 0; m < markets.size() && per_unit(markets[m]) <= limit; ++m) {
    const InterruptionRates::Seen seen = rates.Of(markets[m].market);
    const double price = per_unit(markets[m]);
    const double expected = price * (1 + seen.rate * avoid.cost_hours);
    const double key = avoid.cost_hours > 0 ? expected : seen.rate;
    near.push_back({.position = m,
                    .seen = seen,
                    .price = price,
                    .expected = expected,
                    // A state the caller filled with NaN must not break
                    // the sort's ordering: such a market ranks last.
                    .key = std::isnan(key) ? HUGE_VAL : key});
  }
  // Stable: among equals the cheaper (then the earlier by name) first.
  std::stable_sort(
      near.begin(), near.end(),
      [](const Ranked& a, const Ranked& b) { return a.key < b.key; });
  return near;
}

// "2 notice(s) in 14.3 h, rate 3.5 per 100 h, 0.0312 (+4.0%), expected
// 0.0331".
void DescribeMarket(Reason& why, const InterruptionAvoidance& avoid,
                    const Ranked& r, double cheapest_usd) {
  why.text.Add("%.1f notice(s) in %.1f h, rate %.2f per 100 h, %.4f",
               r.seen.notices, r.seen.spot_hours, r.seen.rate * 100, r.price);
  if (r.position == 0) {
    why.text.Add(" (the cheapest)");
  } else {
    why.text.Add(" (+%.1f%%)", (r.price / cheapest_usd - 1) * 100);
  }
  if (avoid.cost_hours > 0) why.text.Add(", expected %.4f", r.expected);
}

void DescribeRanking(Reason& why, const InterruptionAvoidance& avoid,
                     bool per_unit) {
  why.text.Add("spot markets within %.0f%% of the cheapest",
               avoid.price_tolerance * 100);
  if (per_unit) why.text.Add(" per unit");
  if (avoid.cost_hours > 0) {
    why.text.Add(
        ", lowest expected cost first (an interruption costing %g h of the "
        "price; rates fading over %s): ",
        avoid.cost_hours, absl::FormatDuration(avoid.window));
  } else {
    why.text.Add(
        ", fewest interruptions per instance-hour first (rates "
        "fading over %s): ",
        absl::FormatDuration(avoid.window));
  }
}

Reason MakeWhy(const Ranked& first, const Ranked& cheapest,
               double current_usd) {
  return Reason{.code = ReasonCode::kAvoidInterruptions,
                .figures = {{"notices", first.seen.notices},
                            {"cheapest_notices", cheapest.seen.notices},
                            {"rate", first.seen.rate},
                            {"cheapest_rate", cheapest.seen.rate},
                            {"current_usd", current_usd},
                            {"price_gap", first.price / cheapest.price - 1}}};
}

const Ranked& CheapestOf(const std::vector<Ranked>& near) {
  return *std::find_if(near.begin(), near.end(),
                       [](const Ranked& r) { return r.position == 0; });
}

// Several spot markets (selected.spot_markets, cheapest per unit first):
// those within the tolerance of the cheapest per unit are put in rank
// order; the dearer stay after, in price order. The spread fills the
// markets in this order and the type choice takes the first whose instance
// fits, so both prefer the markets interrupted less. Says why when the
// order changed.
std::optional<Reason> OrderByRates(const Policy& policy,
                                   const InterruptionRates& rates,
                                   SelectedMarket& selected) {
  std::vector<MarketView>& markets = selected.spot_markets;
  if (markets.size() < 2) return std::nullopt;
  const InstanceSpec& spec = policy.instance;
  const InterruptionAvoidance& avoid = spec.avoid_interruptions;
  const UnitWeights weights(spec);
  auto per_unit = [&](const MarketView& view) {
    return view.stats.current_usd / weights.Of(view.market.instance_type);
  };
  const std::vector<Ranked> near =
      RankNearCheapest(avoid, rates, markets, per_unit);
  bool moved = false;
  for (size_t k = 0; k < near.size(); ++k) moved |= near[k].position != k;
  if (!moved) return std::nullopt;

  const bool types = !spec.alternatives.empty();
  const Ranked& cheapest = CheapestOf(near);
  Reason why = MakeWhy(near.front(), cheapest,
                       markets[near.front().position].stats.current_usd);
  DescribeRanking(why, avoid, types);
  for (size_t k = 0; k < near.size(); ++k) {
    const MarketView& view = markets[near[k].position];
    if (k > 0) why.text.Add("; ");
    if (types) why.text.Add("%s in ", view.market.instance_type);
    why.text.Add("%s: ", view.market.availability_zone);
    DescribeMarket(why, avoid, near[k], cheapest.price);
  }
  if (near.size() < markets.size()) {
    why.text.Add("; %d dearer after, by price",
                 static_cast<int>(markets.size() - near.size()));
  }

  std::vector<MarketView> ordered;
  ordered.reserve(markets.size());
  for (const Ranked& r : near)
    ordered.push_back(std::move(markets[r.position]));
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
    const Policy& policy, const std::vector<MarketExposure>& exposures,
    SelectedMarket& selected) {
  const InterruptionAvoidance& avoid = policy.instance.avoid_interruptions;
  if (avoid.window <= absl::ZeroDuration() || selected.spot_blocked) {
    return std::nullopt;
  }
  const InterruptionRates rates(exposures, avoid.prior_hours);
  if (policy.instance.min_markets > 1 ||
      !policy.instance.alternatives.empty()) {
    return OrderByRates(policy, rates, selected);
  }
  if (selected.open_markets.size() < 2) return std::nullopt;
  // Cheapest first, so among equals the cheaper (then the zone first by
  // name) stays first.
  auto price = [](const MarketView& view) { return view.stats.current_usd; };
  const std::vector<Ranked> near =
      RankNearCheapest(avoid, rates, selected.open_markets, price);
  if (near.empty() || near.front().position == 0) return std::nullopt;
  const Ranked& best = near.front();
  const Ranked& cheapest = CheapestOf(near);
  const MarketView& chosen = selected.open_markets[best.position];
  const MarketView& cheapest_view = selected.open_markets.front();
  Reason why = MakeWhy(best, cheapest, chosen.stats.current_usd);
  why.text.Add("spot in %s, not the cheapest %s, within %.0f%% of its price",
               chosen.market.availability_zone,
               cheapest_view.market.availability_zone,
               avoid.price_tolerance * 100);
  if (avoid.cost_hours > 0) {
    why.text.Add(" and cheaper with an interruption costing %g h of it",
                 avoid.cost_hours);
  }
  why.text.Add(" (rates fading over %s): %s ",
               absl::FormatDuration(avoid.window),
               chosen.market.availability_zone);
  DescribeMarket(why, avoid, best, cheapest.price);
  why.text.Add("; %s ", cheapest_view.market.availability_zone);
  DescribeMarket(why, avoid, cheapest, cheapest.price);
  selected.view = chosen;
  return why;
}

}  // namespace spotburst::internal
