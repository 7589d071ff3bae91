// PriceFeed: spot price history and on-demand prices.
//
// History returns the price points of one market in [from, to] in time
// order, including the point in force at `from` when there is one, ready to
// feed a PriceWindow. Implemented by adapters (today the recorded traces of
// adapters/sim; EC2's, adapters/ec2); may do I/O and block.
//
//   SPOTBURST_ASSIGN_OR_RETURN(PriceHistory h,
//                              feed.History(market, now - window, now));
//   for (const PricePoint& p : h.points) window.Add(p.time, p.usd_per_hour);
#ifndef SPOTBURST_PRICE_FEED_H_
#define SPOTBURST_PRICE_FEED_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/market.h"

namespace spotburst {

struct PriceHistory {
  Market market;
  std::vector<PricePoint> points;  // sorted by time
};

class PriceFeed {
 public:
  PriceFeed() = default;
  PriceFeed(const PriceFeed&) = delete;
  PriceFeed& operator=(const PriceFeed&) = delete;
  virtual ~PriceFeed() = default;

  // NotFound for a market the feed does not know; Unavailable when the
  // source cannot be reached.
  virtual absl::StatusOr<PriceHistory> History(const Market& market,
                                               absl::Time from,
                                               absl::Time to) = 0;
  // History() into `history`, overwriting it. An implementation may reuse
  // its vector, so that a loop reading every tick into the same history
  // stops allocating (the simulator does). On error `history` holds
  // nothing useful. The default calls History().
  virtual absl::Status HistoryInto(const Market& market, absl::Time from,
                                   absl::Time to, PriceHistory& history) {
    absl::StatusOr<PriceHistory> read = History(market, from, to);
    if (!read.ok()) return read.status();
    history = *std::move(read);
    return absl::OkStatus();
  }
  // NotFound when the feed has no price for the type in the region.
  virtual absl::StatusOr<double> OnDemandPrice(const std::string& instance_type,
                                               const std::string& region) = 0;
};

}  // namespace spotburst

#endif  // SPOTBURST_PRICE_FEED_H_
