// The per-market breakdown the reports share (summary, comparison, sweep):
// what each market sold in a run cost, how many instances it gave and how
// many it took back. Runs with one market have no breakdown: their totals
// say it all, and their reports stay as they were.
#ifndef SPOTBURST_SIM_SRC_REPORT_MARKETS_H_
#define SPOTBURST_SIM_SRC_REPORT_MARKETS_H_

#include <string>
#include <string_view>
#include <vector>

#include "spotburst/sim/result.h"

namespace spotburst::sim::internal {

// One run's markets, under a label (a policy name, sweep values; "" for
// none).
struct LabelledMarkets {
  std::string label;
  const std::vector<MarketTotals>* markets = nullptr;
};

// Whether any run sold more than one market.
bool HasSeveralMarkets(const std::vector<LabelledMarkets>& runs);

// A table, one line per (run, market), indented by two spaces:
//   [label] market  cost USD  spot  on-demand  instances  interr.
// The label column is left out when `label_header` is empty. Empty when no
// run sold more than one market.
std::string FormatMarketBreakdown(const std::vector<LabelledMarkets>& runs,
                                  std::string_view label_header);

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_REPORT_MARKETS_H_
