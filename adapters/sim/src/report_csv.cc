// WriteTimelineCsv and WriteInstancesCsv: one row per evaluation, and one
// per instance, of a simulation run, for spreadsheets and plotting scripts.
// The columns are listed in docs/reports.md; numbers are printed the same
// way on every run.
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "report_notes.h"
#include "spotburst/fleet.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/plan.h"
#include "spotburst/sim/report.h"

namespace spotburst::sim {
namespace {

using internal::CsvField;

constexpr char kHeader[] =
    "time,price_usd,bid_usd,desired,open_requests,booting,running_spot,"
    "running_on_demand,demand_cpus,demand_mem_mib,demand_disk_mib,"
    "demand_gpus,capacity_cpus,capacity_mem_mib,capacity_disk_mib,"
    "capacity_gpus,used_cpus,used_mem_mib,used_disk_mib,used_gpus,"
    "usage_share,burst_point,cost_usd,interruptions,supply_mode,actions\n";

constexpr char kInstancesHeader[] =
    "id,lifecycle,market,bid_usd,on_demand_usd,requested,launched,joined,"
    "notice,ended,ended_by,billed_s,billed_hours,cost_usd\n";

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string OptionalTime(const std::optional<absl::Time>& t) {
  return t.has_value() ? Rfc3339(*t) : "";
}

void AppendResources(std::string& out, const Resources& r) {
  absl::StrAppendFormat(&out, ",%.10g,%.10g,%.10g,%.10g", r.cpus, r.mem_mib,
                        r.disk_mib, r.gpus);
}

}  // namespace

absl::Status WriteTimelineCsv(const SimulationResult& result,
                              const std::string& path) {
  std::string out = kHeader;
  // With several markets, a last column names the one each row's price is
  // of (the one the plan bought in); one market keeps the columns above.
  const std::vector<MarketTotals>& markets = result.totals.markets;
  const bool market_column = markets.size() > 1;
  if (market_column) out.insert(out.size() - 1, ",market");
  out.reserve(result.timeline.size() * 200 + out.size());
  for (const TimelineRow& row : result.timeline) {
    absl::StrAppendFormat(
        &out, "%s,%.10g,%s,%d,%d,%d,%d,%d", Rfc3339(row.time), row.price_usd,
        row.bid_usd.has_value() ? absl::StrFormat("%.10g", *row.bid_usd) : "",
        row.desired, row.open_requests, row.booting, row.running_spot,
        row.running_on_demand);
    AppendResources(out, row.demand);
    AppendResources(out, row.capacity);
    AppendResources(out, row.used);
    absl::StrAppendFormat(&out, ",%.10g,%.10g,%.10g,%d,%s,%s", row.usage_share,
                          row.burst_point, row.cost_usd, row.interruptions,
                          SupplyModeName(row.supply_mode),
                          CsvField(row.actions));
    if (market_column) {
      absl::StrAppend(&out, ",", CsvField(markets[row.market].market));
    }
    out += "\n";
  }
  return spotburst::internal::WriteStringToFile(path, out, "report");
}

absl::Status WriteInstancesCsv(const SimulationResult& result,
                               const std::string& path) {
  std::string out = kInstancesHeader;
  for (const InstanceLedgerRow& row : result.instances) {
    const bool spot = row.lifecycle == Lifecycle::kSpot;
    const std::string_view lifecycle = LifecycleName(row.lifecycle);
    const std::string_view ended_by = InstanceEndName(row.ended_by);
    absl::StrAppendFormat(
        &out, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d,%.10g,%.10g\n",
        CsvField(row.id), lifecycle, CsvField(row.market),
        spot ? absl::StrFormat("%.10g", row.price_usd) : "",
        spot ? "" : absl::StrFormat("%.10g", row.price_usd),
        Rfc3339(row.requested), Rfc3339(row.launched), OptionalTime(row.joined),
        OptionalTime(row.notice), Rfc3339(row.ended), ended_by, row.billed_s,
        row.billed_s / 3600.0, row.cost_usd);
  }
  return spotburst::internal::WriteStringToFile(path, out, "report");
}

}  // namespace spotburst::sim
