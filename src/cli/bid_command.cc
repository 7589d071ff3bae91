// `spotburst bid`: what each bidding strategy would bid on a price trace.
#include <iostream>
#include <memory>
#include <optional>

#include "absl/flags/flag.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/trace_markets.h"
#include "spotburst/bidding.h"
#include "spotburst/internal/installed_files.h"
#include "spotburst/policy.h"
#include "spotburst/price_trace.h"
#include "spotburst/strategy_registry.h"

namespace spotburst::cli {
namespace {

struct NamedStrategy {
  std::string name;
  std::unique_ptr<BiddingStrategy> strategy;
};

absl::StatusOr<std::vector<NamedStrategy>> AllStrategies(
    const BiddingPolicy& policy) {
  std::vector<NamedStrategy> all;
  const StrategyRegistry& registry = StrategyRegistry::Builtin();
  for (const std::string& name : registry.BiddingNames()) {
    absl::StatusOr<std::unique_ptr<BiddingStrategy>> made =
        (*registry.FindBidding(name))->Create(policy);
    if (!made.ok()) return made.status();
    all.push_back({name, *std::move(made)});
  }
  return all;
}

absl::StatusOr<double> OnDemandPrice(const Policy* policy,
                                     const std::string& type,
                                     const std::string& region, absl::Time at) {
  if (absl::GetFlag(FLAGS_on_demand) > 0) return absl::GetFlag(FLAGS_on_demand);
  if (policy != nullptr && policy->instance.type == type)
    return policy->instance.on_demand_usd_per_hour;
  // Another catalogue given is read as given.
  std::string catalog_path = absl::GetFlag(FLAGS_catalog);
  if (catalog_path == kDefaultCatalog) {
    catalog_path = internal::FindInstalledFile(catalog_path);
  }
  absl::StatusOr<std::vector<CatalogEntry>> catalog =
      ReadInstanceCatalogCsv(catalog_path);
  if (!catalog.ok()) return catalog.status();
  absl::StatusOr<CatalogEntry> entry =
      FindCatalogEntry(*catalog, region, type, at);
  if (!entry.ok()) {
    return absl::NotFoundError(absl::StrFormat(
        "no on-demand price for %s in %s at %s in %s; pass --on_demand", type,
        region, absl::FormatTime(at), catalog_path));
  }
  return entry->on_demand_usd_per_hour;
}

int Fail(const absl::Status& status) {
  std::cerr << "spotburst bid: " << status.message() << "\n";
  return 1;
}

}  // namespace

int RunBid(const std::vector<std::string>&) {
  const std::string trace_path = absl::GetFlag(FLAGS_trace);
  const std::string market_flag = absl::GetFlag(FLAGS_market);
  if (trace_path.empty() || market_flag.empty()) {
    std::cerr << "spotburst bid: --trace and --market are required\n";
    return 2;
  }
  std::vector<std::string> market_parts = absl::StrSplit(market_flag, '/');
  const std::string type = market_parts[0];
  const std::string zone = market_parts.size() > 1 ? market_parts[1] : "";

  std::optional<Policy> policy;
  if (!absl::GetFlag(FLAGS_policy).empty()) {
    absl::StatusOr<Policy> loaded = LoadPolicyFile(absl::GetFlag(FLAGS_policy));
    if (!loaded.ok()) return Fail(loaded.status());
    policy = *std::move(loaded);
  }
  const BiddingPolicy bidding = policy ? policy->bidding : BiddingPolicy{};
  absl::StatusOr<std::vector<NamedStrategy>> strategies =
      AllStrategies(bidding);
  if (!strategies.ok()) return Fail(strategies.status());

  absl::StatusOr<std::vector<PriceHistory>> trace =
      ReadPriceTraceCsv(trace_path);
  if (!trace.ok()) return Fail(trace.status());
  absl::StatusOr<std::vector<const PriceHistory*>> histories =
      SelectHistories(*trace, type, zone);
  if (!histories.ok()) return Fail(histories.status());

  absl::Time at = absl::InfinitePast();
  absl::Time first = absl::InfiniteFuture();
  for (const PriceHistory* h : *histories) {
    at = std::max(at, h->points.back().time);
    first = std::min(first, h->points.front().time);
  }
  if (!absl::GetFlag(FLAGS_at).empty()) {
    std::string error;
    const std::string text = absl::GetFlag(FLAGS_at);
    if (!absl::ParseTime(absl::RFC3339_full, text, &at, &error)) {
      return Fail(absl::InvalidArgumentError(
          absl::StrFormat("--at: expected %s, not \"%s\"", kAtFormat,
                          absl::CEscape(text.substr(0, 40)))));
    }
  }
  const std::string region =
      RegionOfZone((*histories)[0]->market.availability_zone);
  absl::StatusOr<double> on_demand =
      OnDemandPrice(policy ? &*policy : nullptr, type, region, at);
  if (!on_demand.ok()) return Fail(on_demand.status());

  absl::Duration every;
  const bool series = !absl::GetFlag(FLAGS_every).empty();
  if (series && (!absl::ParseDuration(absl::GetFlag(FLAGS_every), &every) ||
                 every <= absl::ZeroDuration())) {
    return Fail(absl::InvalidArgumentError(
        "--every: expected a positive duration such as 6h or 30m"));
  }

  if (series) {
    // Prices and bids in USD/h; a strategy's column is bid_<name>, apart
    // from the price columns even for the strategy called "current".
    std::cout << "time,zone,price_current,price_min,price_mean,price_max";
    for (const NamedStrategy& s : *strategies) std::cout << ",bid_" << s.name;
    std::cout << "\n";
  }
  for (const PriceHistory* history : *histories) {
    TraceReplay replay(*history, bidding.price_window);
    const absl::Time start = series ? first + every : at;
    for (absl::Time t = start; t <= at; t += series ? every : absl::Hours(1)) {
      absl::StatusOr<MarketView> view = replay.ViewAt(t, *on_demand);
      if (!view.ok()) return Fail(view.status());
      if (view->stats.points == 0) {
        if (!series)
          return Fail(absl::FailedPreconditionError(
              absl::StrFormat("market %s: no price before %s",
                              history->market.Name(), absl::FormatTime(t))));
        continue;
      }
      if (series) {
        std::cout << absl::StrFormat(
            "%s,%s,%.4f,%.4f,%.4f,%.4f",
            absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()),
            history->market.availability_zone, view->stats.current_usd,
            view->stats.min_usd, view->stats.mean_usd, view->stats.max_usd);
      } else {
        std::cout << absl::StrFormat(
            "%s at %s (window %s, %d points)\n"
            "  USD/h: current %.4f  min %.4f  mean %.4f  max %.4f  "
            "on-demand %.4f  max bid %.4f\n"
            "  %-13s %9s  %s\n",
            history->market.Name(),
            absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone()),
            absl::FormatDuration(bidding.price_window), view->stats.points,
            view->stats.current_usd, view->stats.min_usd, view->stats.mean_usd,
            view->stats.max_usd, *on_demand, bidding.max_bid_usd_per_hour,
            "strategy", "bid USD/h", "reason");
      }
      for (const NamedStrategy& s : *strategies) {
        absl::StatusOr<BidResult> bid =
            ComputeBid(*s.strategy, bidding, *view, *on_demand, t);
        if (series) {
          std::cout << (bid.ok() ? absl::StrFormat(",%.4f", bid->usd_per_hour)
                                 : std::string(","));
        } else if (bid.ok()) {
          // The same text as the bid reason of a plan.
          std::cout << absl::StrFormat("  %-13s %9.4f  %s\n", s.name,
                                       bid->usd_per_hour,
                                       bid->reason.ToString());
        } else {
          std::cout << absl::StrFormat("  %-13s error: %s\n", s.name,
                                       bid.status().message());
        }
      }
      std::cout << "\n";
      if (!series) break;
    }
  }
  return 0;
}

}  // namespace spotburst::cli
