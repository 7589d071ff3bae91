// Replaying recorded price traces into market views.
#include "cli/trace_markets.h"

#include <cctype>
#include <set>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace spotburst::cli {

TraceReplay::TraceReplay(const PriceHistory& history, absl::Duration window)
    : history_(history), window_(window) {}

absl::StatusOr<MarketView> TraceReplay::ViewAt(absl::Time now,
                                               double on_demand_usd) {
  while (next_ < history_.points.size() && history_.points[next_].time <= now) {
    const PricePoint& point = history_.points[next_++];
    if (absl::Status s = window_.Add(point.time, point.usd_per_hour); !s.ok())
      return s;
  }
  return MarketView{.market = history_.market,
                    .stats = window_.Stats(now),
                    .on_demand_usd_per_hour = on_demand_usd};
}

absl::StatusOr<std::vector<const PriceHistory*>> SelectHistories(
    const std::vector<PriceHistory>& trace, const std::string& instance_type,
    const std::string& zone) {
  std::vector<const PriceHistory*> selected;
  std::set<std::string> types;
  for (const PriceHistory& h : trace) {
    types.insert(h.market.instance_type + "/" + h.market.availability_zone);
    if (h.market.instance_type == instance_type &&
        (zone.empty() || h.market.availability_zone == zone)) {
      selected.push_back(&h);
    }
  }
  if (selected.empty()) {
    return absl::NotFoundError(absl::StrFormat(
        "trace has no market %s%s%s (it has: %s)", instance_type,
        zone.empty() ? "" : "/", zone, absl::StrJoin(types, ", ")));
  }
  return selected;
}

std::string RegionOfZone(const std::string& zone) {
  if (!zone.empty() && std::isalpha(static_cast<unsigned char>(zone.back())))
    return zone.substr(0, zone.size() - 1);
  return zone;
}

}  // namespace spotburst::cli
