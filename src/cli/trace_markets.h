// Market views from a recorded price trace, replayed forward in time.
//
// A TraceReplay feeds one market's price points into a PriceWindow as time
// advances, so each step costs only the points that arrived since the last
// one. Times must not go back.
#ifndef SPOTBURST_CLI_TRACE_MARKETS_H_
#define SPOTBURST_CLI_TRACE_MARKETS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/market.h"
#include "spotburst/price_feed.h"
#include "spotburst/price_window.h"

namespace spotburst::cli {

class TraceReplay {
 public:
  // `history` must outlive the replay.
  TraceReplay(const PriceHistory& history, absl::Duration window);

  // Statistics at `now` (points after `now` are not seen yet).
  absl::StatusOr<MarketView> ViewAt(absl::Time now, double on_demand_usd);

  const Market& market() const { return history_.market; }

 private:
  const PriceHistory& history_;
  PriceWindow window_;
  size_t next_ = 0;
};

// The markets of `trace` whose instance type (and zone, when not empty)
// match; NotFound listing what the trace holds otherwise.
absl::StatusOr<std::vector<const PriceHistory*>> SelectHistories(
    const std::vector<PriceHistory>& trace, const std::string& instance_type,
    const std::string& zone);

// "us-east-1b" -> "us-east-1".
std::string RegionOfZone(const std::string& zone);

}  // namespace spotburst::cli

#endif  // SPOTBURST_CLI_TRACE_MARKETS_H_
