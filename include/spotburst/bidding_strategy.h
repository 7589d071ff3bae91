// BiddingStrategy: what to bid for one spot market, from its price statistics.
//
// A strategy only proposes a price; the engine then applies the policy's
// floor (floor_at_current) and cap (max_bid_usd_per_hour) and records both
// in the plan (see ComputeBid in bidding.h). Strategies are pure and
// immutable once made: Quote may be called from any thread.
//
// Embedders add their own with a BiddingStrategyFactory registered under a
// prefixed name ("acme.my-bid") in a StrategyRegistry::Builder:
//
//   class FixedBid : public BiddingStrategy {
//     BidQuote Quote(const BidContext&) const override {
//       return {.usd_per_hour = 0.05, .rule = "fixed 0.050"};
//       // or, quoting values: .rule = ReasonText().Add("fixed %.3f", bid_)
//     }
//   };
#ifndef SPOTBURST_BIDDING_STRATEGY_H_
#define SPOTBURST_BIDDING_STRATEGY_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "spotburst/market.h"
#include "spotburst/policy.h"
#include "spotburst/reason.h"

namespace spotburst {

struct BidContext {
  const Market& market;
  // Already checked: non-empty, finite and non-negative.
  const PriceStats& stats;
  double on_demand_usd_per_hour;
};

struct BidQuote {
  double usd_per_hour = 0;
  // How the number was made, e.g. "current 0.0260 + padding 0.0010"
  // (made when read: see reason.h).
  ReasonText rule;
};

class BiddingStrategy {
 public:
  BiddingStrategy() = default;
  BiddingStrategy(const BiddingStrategy&) = delete;
  BiddingStrategy& operator=(const BiddingStrategy&) = delete;
  virtual ~BiddingStrategy() = default;

  virtual BidQuote Quote(const BidContext& context) const = 0;
};

class BiddingStrategyFactory {
 public:
  virtual ~BiddingStrategyFactory() = default;
  // The stable name the policy's bidding.strategy selects.
  virtual std::string_view name() const = 0;
  // One line for `spotburst` help and ListStrategies.
  virtual std::string_view description() const = 0;
  // Reads and checks the settings this strategy uses from `policy`;
  // InvalidArgument naming the key when one is out of range.
  virtual absl::StatusOr<std::unique_ptr<BiddingStrategy>> Create(
      const BiddingPolicy& policy) const = 0;
};

}  // namespace spotburst

#endif  // SPOTBURST_BIDDING_STRATEGY_H_
