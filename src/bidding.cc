// ComputeBid: strategy quote, then the policy's floor and cap.
#include "spotburst/bidding.h"

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spotburst/status_macros.h"

namespace spotburst {
namespace {

// Bids are kept to whole micro-dollars so that plans print and compare
// cleanly (0.026 + 0.001 is 0.027, not 0.027000000000000003).
double RoundToMicros(double usd) { return std::round(usd * 1e6) / 1e6; }

// Appends " = 0.7010" to a derivation unless it already ends with that
// number ("window mean 0.7010" needs no "= 0.7010"). Only a floored or
// capped bid gets here, so reading the rule's text is rare.
void AppendResult(ReasonText& steps, double usd) {
  const std::string value = absl::StrFormat("%.4f", usd);
  if (!absl::EndsWith(steps.ToString(), value)) steps.Add(" = %s", value);
}

}  // namespace

absl::StatusOr<BidResult> ComputeBid(const BiddingStrategy& strategy,
                                     const BiddingPolicy& policy,
                                     const MarketView& view,
                                     double on_demand_usd_per_hour,
                                     absl::Time now) {
  SPOTBURST_RETURN_IF_ERROR(
      CheckPriceStats(view.market, view.stats, now, policy.max_price_age));
  const double on_demand = view.on_demand_usd_per_hour > 0
                               ? view.on_demand_usd_per_hour
                               : on_demand_usd_per_hour;
  BidResult result;
  result.quote = strategy.Quote({.market = view.market,
                                 .stats = view.stats,
                                 .on_demand_usd_per_hour = on_demand});
  if (!std::isfinite(result.quote.usd_per_hour) ||
      result.quote.usd_per_hour < 0) {
    return absl::InternalError(
        absl::StrFormat("bidding: strategy quoted %g for market %s (%s)",
                        result.quote.usd_per_hour, view.market.Name(),
                        result.quote.rule.ToString()));
  }
  double bid = RoundToMicros(result.quote.usd_per_hour);
  const double current = view.stats.current_usd;
  // The derivation, one clause per step, so that a capped or floored bid
  // never reads as the strategy's own number.
  ReasonText steps = result.quote.rule;
  if (policy.floor_at_current && bid < current) {
    const double floored = RoundToMicros(current + kBidStepUsd);
    Reason& adjustment = result.adjustments.emplace_back(
        Reason{.code = ReasonCode::kBidFloored,
               .figures = {{"quoted_usd", bid}, {"current_usd", current}}});
    adjustment.text.Add("bid %.4f below current price %.4f: raised to %.4f",
                        bid, current, floored);
    AppendResult(steps, bid);
    steps.Add(", raised to current %.4f + %.4f = %.4f", current, kBidStepUsd,
              floored);
    bid = floored;
  }
  if (bid > policy.max_bid_usd_per_hour) {
    Reason& adjustment = result.adjustments.emplace_back(
        Reason{.code = ReasonCode::kBidCapped,
               .figures = {{"quoted_usd", bid},
                           {"max_bid_usd", policy.max_bid_usd_per_hour}}});
    adjustment.text.Add("bid %.4f above max bid %.4f: capped", bid,
                        policy.max_bid_usd_per_hour);
    AppendResult(steps, bid);
    steps.Add(", capped at max bid %.4f", policy.max_bid_usd_per_hour);
    bid = policy.max_bid_usd_per_hour;
  }
  result.usd_per_hour = bid;
  result.below_current = bid < current;
  if (result.below_current) steps.Add(", below the current price");
  result.reason.Add("bid %.4f: ", bid).Add(steps);
  return result;
}

}  // namespace spotburst
