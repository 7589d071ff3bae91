// ComputeBid: a strategy's quote turned into the bid a plan carries.
//
// Checks the market's statistics (empty, stale, NaN or negative prices are
// errors naming the market), asks the strategy, then applies the policy:
// raise to current + G when floor_at_current is set, and cut to
// max_bid_usd_per_hour (the cap always wins). Each adjustment is a Reason.
//
//   auto bid = ComputeBid(*strategy, policy.bidding, view,
//                         policy.instance.on_demand_usd_per_hour, now);
//   if (bid.ok()) std::cout << bid->usd_per_hour << " " <<
//   bid->reason.ToString();
#ifndef SPOTBURST_BIDDING_H_
#define SPOTBURST_BIDDING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/bidding_strategy.h"
#include "spotburst/market.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"

namespace spotburst {

struct BidResult {
  double usd_per_hour = 0;
  BidQuote quote;
  // kBidFloored / kBidCapped when the policy changed the quote.
  std::vector<Reason> adjustments;
  // The bid is below the current price: a request would not be fulfilled.
  bool below_current = false;
  // The whole derivation on one line, for plans and `spotburst bid`, e.g.
  // "bid 0.5000: current 0.7000 + padding 0.0010 = 0.7010, capped at max
  // bid 0.5000, below the current price".
  ReasonText reason;
};

// `on_demand_usd_per_hour` is the fallback when view.on_demand_usd_per_hour
// is 0.
absl::StatusOr<BidResult> ComputeBid(const BiddingStrategy& strategy,
                                     const BiddingPolicy& policy,
                                     const MarketView& view,
                                     double on_demand_usd_per_hour,
                                     absl::Time now);

}  // namespace spotburst

#endif  // SPOTBURST_BIDDING_H_
