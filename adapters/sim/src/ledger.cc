// BuildLedger: the cloud's instance records joined with their bills.
#include "ledger.h"

#include <optional>
#include <utility>

namespace spotburst::sim {

std::string_view InstanceEndName(InstanceEnd end) {
  switch (end) {
    case InstanceEnd::kPolicy:
      return "policy";
    case InstanceEnd::kInterruption:
      return "interruption";
    case InstanceEnd::kRunEnd:
      return "end-of-run";
  }
  return "end-of-run";
}

namespace internal {
namespace {

InstanceEnd EndOf(EndedBy by) {
  switch (by) {
    case EndedBy::kUser:
      return InstanceEnd::kPolicy;
    case EndedBy::kProvider:
      return InstanceEnd::kInterruption;
    case EndedBy::kRunEnd:
      return InstanceEnd::kRunEnd;
  }
  return InstanceEnd::kRunEnd;
}

std::optional<absl::Time> IfSet(absl::Time t) {
  if (t == absl::InfiniteFuture()) return std::nullopt;
  return t;
}

}  // namespace

std::vector<InstanceLedgerRow> BuildLedger(const SimCloud& cloud) {
  const std::vector<InstanceRecord>& instances = cloud.instances();
  std::vector<InstanceLedgerRow> rows;
  rows.reserve(instances.size());
  for (size_t i = 0; i < instances.size(); ++i) {
    const InstanceRecord& record = instances[i];
    const Instance& instance = record.instance;
    // Meter handles are instance indices (SimCloud::LaunchInstance).
    const Bill bill = cloud.meter().BillOf(static_cast<int>(i));
    InstanceLedgerRow row;
    row.id = instance.id;
    row.lifecycle = instance.lifecycle;
    // An instance keeps its market for life, spot or on-demand.
    const CloudMarket& market = cloud.config().markets[record.market];
    row.market = market.market.Name();
    const bool spot = instance.lifecycle == Lifecycle::kSpot;
    row.price_usd =
        spot ? instance.max_price_usd_per_hour : market.on_demand_usd_per_hour;
    row.launched = instance.launch_time;
    row.requested = spot && record.request >= 0
                        ? cloud.requests()[record.request].request.create_time
                        : instance.launch_time;
    row.joined = IfSet(record.join_time);
    row.notice = IfSet(record.notice_time);
    row.ended = record.end_time;
    row.ended_by = EndOf(record.ended_by.value_or(EndedBy::kRunEnd));
    row.billed_s = bill.billed_s;
    row.cost_usd = bill.cost_usd;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace internal
}  // namespace spotburst::sim
