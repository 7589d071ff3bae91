// The two billing models of billing_meter.h, in whole seconds.
#include "billing_meter.h"

#include <algorithm>

namespace spotburst::sim::internal {
namespace {

constexpr int64_t kHour = 3600;

int Slot(Lifecycle lifecycle) { return lifecycle == Lifecycle::kSpot ? 0 : 1; }

}  // namespace

BillingMeter::BillingMeter(BillingModel model, absl::Duration minimum_billed,
                           const SimMarket& spot, double on_demand_usd_per_hour)
    : model_(model),
      minimum_billed_s_(absl::ToInt64Seconds(minimum_billed)),
      spot_(spot),
      on_demand_usd_(on_demand_usd_per_hour) {}

double BillingMeter::PriceAt(Lifecycle lifecycle, int64_t t) const {
  return lifecycle == Lifecycle::kSpot ? spot_.PriceAt(t) : on_demand_usd_;
}

double BillingMeter::SumOfHours(const Entry& e, int64_t first_hour,
                                int64_t hours) const {
  if (e.lifecycle == Lifecycle::kOnDemand) return on_demand_usd_ * hours;
  double sum = 0;
  for (int64_t k = first_hour; k < first_hour + hours; ++k) {
    sum += spot_.PriceAt(e.launch + k * kHour);
  }
  return sum;
}

Bill BillingMeter::BillFor(Lifecycle lifecycle, int64_t launch, int64_t end,
                           EndedBy by) const {
  const int64_t run = std::max<int64_t>(0, end - launch);
  const Entry e{.lifecycle = lifecycle, .launch = launch};
  if (model_ == BillingModel::kHourly) {
    if (by == EndedBy::kRunEnd) {
      // The full hours, and the run's share of the hour in progress.
      const int64_t full = run / kHour;
      const int64_t part = run % kHour;
      double cost = SumOfHours(e, 0, full);
      if (part > 0) {
        cost += PriceAt(lifecycle, launch + full * kHour) * part /
                static_cast<double>(kHour);
      }
      return {.cost_usd = cost, .billed_s = run};
    }
    // Provider: full hours only. User: every started hour, and at least
    // one.
    const int64_t hours = by == EndedBy::kProvider
                              ? run / kHour
                              : std::max<int64_t>(1, (run + kHour - 1) / kHour);
    return {.cost_usd = SumOfHours(e, 0, hours), .billed_s = hours * kHour};
  }
  if (by == EndedBy::kProvider && run < kHour) return {};
  double cost = lifecycle == Lifecycle::kSpot
                    ? spot_.CostBetween(launch, end)
                    : on_demand_usd_ * run / static_cast<double>(kHour);
  int64_t billed = run;
  if (by == EndedBy::kUser && run < minimum_billed_s_) {
    cost += PriceAt(lifecycle, end) * (minimum_billed_s_ - run) /
            static_cast<double>(kHour);
    billed = minimum_billed_s_;
  }
  return {.cost_usd = cost, .billed_s = billed};
}

int BillingMeter::Open(Lifecycle lifecycle, absl::Time launch) {
  const int handle = static_cast<int>(entries_.size());
  const int64_t launch_s = absl::ToUnixSeconds(launch);
  entries_.push_back(
      {.lifecycle = lifecycle,
       .launch = launch_s,
       .cumulative_at_launch =
           lifecycle == Lifecycle::kSpot ? spot_.CumulativeCost(launch_s) : 0});
  open_.push_back(handle);
  ++open_count_;
  return handle;
}

void BillingMeter::Close(int handle, absl::Time end, EndedBy by) {
  Entry& e = entries_[handle];
  if (!e.open) return;
  e.open = false;
  --open_count_;
  open_.erase(std::find(open_.begin(), open_.end(), handle));
  const int64_t end_s = std::max(e.launch, absl::ToUnixSeconds(end));
  e.bill = BillFor(e.lifecycle, e.launch, end_s, by);
  const int64_t run = end_s - e.launch;
  closed_cost_[Slot(e.lifecycle)] += e.bill.cost_usd;
  closed_hours_[Slot(e.lifecycle)] +=
      e.bill.billed_s / static_cast<double>(kHour);
  run_hours_ += run / static_cast<double>(kHour);
  if (by == EndedBy::kProvider && run > e.bill.billed_s) {
    uncharged_hours_ += (run - e.bill.billed_s) / static_cast<double>(kHour);
  }
}

double BillingMeter::CostSoFar(absl::Time now) {
  const int64_t now_s = absl::ToUnixSeconds(now);
  double total = closed_cost_[0] + closed_cost_[1];
  // Per second, a spot instance has cost the market's cumulative cost now
  // less the one at its launch (SimMarket::CostBetween, one search fewer).
  const double cumulative_now =
      model_ == BillingModel::kPerSecond ? spot_.CumulativeCost(now_s) : 0;
  for (int handle : open_) {
    Entry& e = entries_[handle];
    if (now_s < e.launch) continue;
    if (model_ == BillingModel::kHourly) {
      // Incremental: each hour's price is looked up once, when it starts.
      const int64_t started = (now_s - e.launch) / kHour + 1;
      if (started > e.hours_accrued) {
        e.accrued_usd +=
            SumOfHours(e, e.hours_accrued, started - e.hours_accrued);
        e.hours_accrued = started;
      }
      total += e.accrued_usd;
    } else {
      total += e.lifecycle == Lifecycle::kSpot
                   ? cumulative_now - e.cumulative_at_launch
                   : on_demand_usd_ * (now_s - e.launch) /
                         static_cast<double>(kHour);
    }
  }
  return total;
}

}  // namespace spotburst::sim::internal
