// Checking an evaluation's input and picking its market.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "decision/engine_steps.h"
#include "decision/launch_backoff.h"
#include "spotburst/price_window.h"

namespace spotburst::internal {
namespace {

// The error for the first negative or non-finite amount in `resources`;
// `path` makes the field's path, called only then.
template <typename PathFn>
absl::Status CheckResources(const Resources& resources, PathFn path) {
  for (ResourceKind kind : kAllResourceKinds) {
    const double value = resources.Get(kind);
    if (!std::isfinite(value) || value < 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.%s: %g must be a finite number >= 0", path(),
                          ResourceName(kind), value));
    }
  }
  return absl::OkStatus();
}

// Up to this many ids are compared pairwise; more are screened by hash.
constexpr size_t kPairwiseIds = 16;

// A cheap fingerprint of an id: its length and its first and last eight
// bytes (ids of one fleet mostly share a prefix and differ at the end).
uint64_t IdKey(std::string_view id) {
  uint64_t head = 0, tail = 0;
  if (id.size() >= 8) {
    std::memcpy(&head, id.data(), 8);
    std::memcpy(&tail, id.data() + id.size() - 8, 8);
  } else if (!id.empty()) {
    std::memcpy(&tail, id.data(), id.size());
  }
  return (head * 0x9E3779B97F4A7C15ull) ^ tail ^ (id.size() << 56);
}

// The first index whose id repeats an earlier one, with the earlier one's
// index, or nullopt when every id differs: what a hash map filled in order
// finds, at a fraction of its cost on the usual input, where ids differ.
// Few ids are compared pairwise; more are screened by their hashes in a
// scratch table kept between calls (open addressing, linear probing), and
// only a repeated hash (a duplicate, or a rare collision) takes the exact,
// slower way. `visit(i, item)` sees every item once, in order, in the same
// pass, so other checks of large lists read each element only once.
template <typename Item, typename IdOf, typename Visit>
std::optional<std::pair<size_t, size_t>> FirstDuplicate(
    const std::vector<Item>& items, IdOf id_of, Visit visit) {
  const size_t n = items.size();
  if (n <= kPairwiseIds) {
    // Pairwise, over a key per id held in registers' reach: equal ids have
    // equal keys, so only equal keys need the ids compared.
    uint64_t keys[kPairwiseIds];
    for (size_t i = 0; i < n; ++i) {
      visit(i, items[i]);
      keys[i] = IdKey(id_of(items[i]));
    }
    for (size_t i = 1; i < n; ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (keys[i] == keys[j] && id_of(items[i]) == id_of(items[j])) {
          return std::pair{i, j};
        }
      }
    }
    return std::nullopt;
  }
  thread_local std::vector<uint64_t> table;
  size_t capacity = 64;
  while (capacity < 2 * n) capacity *= 2;
  table.assign(capacity, 0);
  const absl::Hash<absl::string_view> hash;
  bool repeated_hash = false;
  for (size_t i = 0; i < n; ++i) {
    visit(i, items[i]);
    if (repeated_hash) continue;
    const std::string_view id = id_of(items[i]);
    const uint64_t h = hash(absl::string_view(id.data(), id.size())) | 1;
    for (size_t slot = h & (capacity - 1);;
         slot = (slot + 1) & (capacity - 1)) {
      if (table[slot] == 0) {
        table[slot] = h;
        break;
      }
      if (table[slot] == h) {
        repeated_hash = true;
        break;
      }
    }
  }
  if (!repeated_hash) return std::nullopt;
  absl::flat_hash_map<std::string_view, size_t> seen;
  seen.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    auto [it, added] = seen.emplace(id_of(items[i]), i);
    if (!added) return std::pair{i, it->second};
  }
  return std::nullopt;
}

}  // namespace

absl::Status CheckEvaluationInput(const EvaluationInput& input) {
  for (const auto& [resources, path] :
       {std::pair{&input.cluster.used, "cluster.used"},
        std::pair{&input.cluster.queued, "cluster.queued"},
        std::pair{&input.cluster.baseline, "cluster.baseline"}}) {
    if (absl::Status s = CheckResources(
            *resources, [path = path] { return std::string(path); });
        !s.ok()) {
      return s;
    }
  }
  for (size_t i = 0; i < input.cluster.held_back.size(); ++i) {
    const HeldBackDemand& d = input.cluster.held_back[i];
    if (d.instances < 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "cluster.held_back[%d].instances: %d must be >= 0", i, d.instances));
    }
    if (absl::Status s = CheckResources(
            d.resources,
            [i] {
              return absl::StrFormat("cluster.held_back[%d].resources", i);
            });
        !s.ok()) {
      return s;
    }
  }
  // An agent listed twice for one instance would be read either way.
  // Errors come in the order of the agents, as one pass would find them.
  const std::vector<BurstAgent>& agents = input.cluster.burst_agents;
  const auto twice = FirstDuplicate(
      agents,
      [](const BurstAgent& a) -> std::string_view { return a.instance_id; },
      [](size_t, const BurstAgent&) {});
  for (size_t i = 0; i < agents.size(); ++i) {
    const BurstAgent& a = agents[i];
    if (a.instance_id.empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("cluster.burst_agents[%d].instance_id: required", i));
    }
    if (twice && twice->first == i) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "cluster.burst_agents[%d].instance_id: %s already has "
          "cluster.burst_agents[%d]",
          i, a.instance_id.substr(0, 64), twice->second));
    }
    for (const auto& [resources, name] :
         {std::pair{&a.total, "total"}, std::pair{&a.used, "used"}}) {
      if (absl::Status s = CheckResources(
              *resources,
              [i, name = name] {
                return absl::StrFormat("cluster.burst_agents[%d].%s", i, name);
              });
          !s.ok()) {
        return s;
      }
    }
  }
  // One pass over each list finds its first bad price and its first
  // repeated id (an id listed twice would be counted twice, and could be
  // ended twice); the errors keep the order of the checks.
  const auto bad_usd = [](double usd) {
    return !std::isfinite(usd) || usd < 0;
  };
  std::optional<size_t> bad_bid, bad_price;
  const auto request_twice = FirstDuplicate(
      input.fleet.requests,
      [](const SpotRequest& r) -> std::string_view { return r.id; },
      [&](size_t i, const SpotRequest& r) {
        if (!bad_bid && bad_usd(r.bid_usd_per_hour)) bad_bid = i;
      });
  const auto instance_twice = FirstDuplicate(
      input.fleet.instances,
      [](const Instance& i) -> std::string_view { return i.id; },
      [&](size_t i, const Instance& instance) {
        if (!bad_price && bad_usd(instance.max_price_usd_per_hour)) {
          bad_price = i;
        }
      });
  if (bad_bid) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "fleet.requests[%d].bid_usd_per_hour: %g must be >= 0", *bad_bid,
        input.fleet.requests[*bad_bid].bid_usd_per_hour));
  }
  if (bad_price) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "fleet.instances[%d].max_price_usd_per_hour: %g must be >= 0",
        *bad_price, input.fleet.instances[*bad_price].max_price_usd_per_hour));
  }
  if (instance_twice) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "fleet.instances[%d].id: duplicate of fleet.instances[%d]",
        instance_twice->first, instance_twice->second));
  }
  for (size_t i = 0; i < input.markets.size(); ++i) {
    const MarketView& view = input.markets[i];
    if (!view.price_history.empty() && view.stats.points > 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "markets[%d]: both stats and price_history given; give one", i));
    }
  }
  if (request_twice) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "fleet.requests[%d].id: duplicate of fleet.requests[%d]",
        request_twice->first, request_twice->second));
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
  // Every market spot may be asked in, when the fleet is spread, the type
  // is chosen (instance.alternatives) or interruptions weigh in.
  const bool spread = spec.min_markets > 1;
  const bool avoid = spec.avoid_interruptions.window > absl::ZeroDuration();
  const bool choose_type = !spec.alternatives.empty();
  std::vector<Usable> open_markets;
  // Each listed type's weight, the primary type's 1 (first).
  std::vector<std::pair<std::string_view, int>> types;
  if (choose_type) {
    types.reserve(spec.alternatives.size() + 1);
    types.push_back({spec.type, 1});
    for (const InstanceAlternative& alternative : spec.alternatives) {
      types.push_back({alternative.type, UnitWeight(spec, alternative)});
    }
  }
  // The index in `types` of a market's type, or -1 when not listed.
  auto type_of = [&](const Market& market) -> int {
    for (size_t t = 0; t < types.size(); ++t) {
      if (types[t].first == market.instance_type) return static_cast<int>(t);
    }
    return -1;
  };
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
    const bool primary = view.market.instance_type == spec.type;
    if ((!primary && (!choose_type || type_of(view.market) < 0)) ||
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
    const bool open = BlockingBackoff(backoffs, view.market, Lifecycle::kSpot,
                                      now) == nullptr;
    if (open && (spread || choose_type || avoid)) {
      open_markets.push_back(usable);
    }
    if (!primary) continue;
    if (open && cheaper(stats, view.market, cheapest_open)) {
      cheapest_open = usable;
    }
    if (cheaper(stats, view.market, cheapest)) cheapest = usable;
  }
  // With several types: cheapest per unit first, then the primary type,
  // then by zone (and type, so the order never depends on the input's).
  auto cheaper_per_unit = [&](const Usable& a, const Usable& b) {
    const Market& ma = markets[a.index].market;
    const Market& mb = markets[b.index].market;
    const int ta = type_of(ma), tb = type_of(mb);
    const double ua = a.stats.current_usd / types[ta].second;
    const double ub = b.stats.current_usd / types[tb].second;
    if (ua != ub) return ua < ub;
    if ((ta == 0) != (tb == 0)) return ta == 0;
    if (ma.availability_zone != mb.availability_zone) {
      return ma.availability_zone < mb.availability_zone;
    }
    return ma.instance_type < mb.instance_type;
  };
  // The selection carries no price history: its statistics stand for it.
  auto view_of = [&](const Usable& u) {
    const MarketView& view = markets[u.index];
    return MarketView{.market = view.market,
                      .stats = u.stats,
                      .on_demand_usd_per_hour = view.on_demand_usd_per_hour,
                      .price_history = {}};
  };
  if (choose_type && cheapest.has_value() && !open_markets.empty()) {
    // The primary type's market prices the bid and the notes; spot goes
    // to whichever listed market is cheapest per unit.
    SelectedMarket selected{
        .view = view_of(cheapest_open ? *cheapest_open : *cheapest)};
    std::sort(open_markets.begin(), open_markets.end(), cheaper_per_unit);
    for (const Usable& u : open_markets) {
      selected.spot_markets.push_back(view_of(u));
    }
    return selected;
  }
  if (cheapest_open.has_value()) {
    SelectedMarket selected{.view = view_of(*cheapest_open)};
    if ((spread || avoid) && open_markets.size() > 1) {
      std::sort(open_markets.begin(), open_markets.end(),
                [&](const Usable& a, const Usable& b) {
                  return cheaper(a.stats, markets[a.index].market, b);
                });
      for (const Usable& u : open_markets) {
        (spread ? selected.spot_markets : selected.open_markets)
            .push_back(view_of(u));
      }
    }
    return selected;
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

double OnDemandPriceOf(const InstanceSpec& spec, const Market& market) {
  for (const InstanceAlternative& alternative : spec.alternatives) {
    if (alternative.type == market.instance_type) {
      return alternative.on_demand_usd_per_hour;
    }
  }
  return spec.on_demand_usd_per_hour;
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
