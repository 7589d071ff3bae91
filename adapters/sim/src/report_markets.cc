// The per-market breakdown table (report_markets.h).
#include "report_markets.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace spotburst::sim::internal {

bool HasSeveralMarkets(const std::vector<LabelledMarkets>& runs) {
  return std::any_of(runs.begin(), runs.end(), [](const LabelledMarkets& r) {
    return r.markets != nullptr && r.markets->size() > 1;
  });
}

std::string FormatMarketBreakdown(const std::vector<LabelledMarkets>& runs,
                                  std::string_view label_header) {
  if (!HasSeveralMarkets(runs)) return "";
  const bool labelled = !label_header.empty();
  size_t label_width = label_header.size();
  size_t market_width = 6;
  for (const LabelledMarkets& run : runs) {
    label_width = std::max(label_width, run.label.size());
    for (const MarketTotals& m : *run.markets) {
      market_width = std::max(market_width, m.market.size());
    }
  }
  const int lw = static_cast<int>(label_width);
  const int mw = static_cast<int>(market_width);
  std::string out = "  ";
  if (labelled) absl::StrAppendFormat(&out, "%-*s ", lw, label_header);
  absl::StrAppendFormat(&out, "%-*s %10s %10s %10s %9s %7s\n", mw, "market",
                        "cost USD", "spot", "on-demand", "instances",
                        "interr.");
  for (const LabelledMarkets& run : runs) {
    for (const MarketTotals& m : *run.markets) {
      out += "  ";
      if (labelled) absl::StrAppendFormat(&out, "%-*s ", lw, run.label);
      absl::StrAppendFormat(
          &out, "%-*s %10.4f %10.4f %10.4f %9d %7d\n", mw, m.market,
          m.total_cost_usd(), m.spot_cost_usd, m.on_demand_cost_usd,
          m.spot_instances + m.on_demand_instances, m.interruptions);
    }
  }
  return out;
}

}  // namespace spotburst::sim::internal
