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
    : model_(model), minimum_billed_s_(absl::ToInt64Seconds(minimum_billed)) {
  AddMarket(spot, on_demand_usd_per_hour);
}

int BillingMeter::AddMarket(const SimMarket& spot,
                            double on_demand_usd_per_hour) {
  markets_.push_back({.spot = &spot, .on_demand_usd = on_demand_usd_per_hour});
  by_market_.emplace_back();
  cumulative_now_.push_back(0);
  return static_cast<int>(markets_.size()) - 1;
}

double BillingMeter::PriceAt(const Entry& e, int64_t t) const {
  const Prices& p = markets_[e.market];
  return e.lifecycle == Lifecycle::kSpot ? p.spot->PriceAt(t) : p.on_demand_usd;
}

double BillingMeter::SumOfHours(const Entry& e, int64_t first_hour,
                                int64_t hours) const {
  const Prices& p = markets_[e.market];
  if (e.lifecycle == Lifecycle::kOnDemand) return p.on_demand_usd * hours;
  double sum = 0;
  for (int64_t k = first_hour; k < first_hour + hours; ++k) {
    sum += p.spot->PriceAt(e.launch + k * kHour);
  }
  return sum;
}

Bill BillingMeter::BillFor(Lifecycle lifecycle, int64_t launch, int64_t end,
                           EndedBy by, int market) const {
  const int64_t run = std::max<int64_t>(0, end - launch);
  const Entry e{.lifecycle = lifecycle, .launch = launch, .market = market};
  const Prices& p = markets_[market];
  if (model_ == BillingModel::kHourly) {
    if (by == EndedBy::kRunEnd) {
      // The full hours, and the run's share of the hour in progress.
      const int64_t full = run / kHour;
      const int64_t part = run % kHour;
      double cost = SumOfHours(e, 0, full);
      if (part > 0) {
        cost += PriceAt(e, launch + full * kHour) * part /
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
                    ? p.spot->CostBetween(launch, end)
                    : p.on_demand_usd * run / static_cast<double>(kHour);
  int64_t billed = run;
  if (by == EndedBy::kUser && run < minimum_billed_s_) {
    cost += PriceAt(e, end) * (minimum_billed_s_ - run) /
            static_cast<double>(kHour);
    billed = minimum_billed_s_;
  }
  return {.cost_usd = cost, .billed_s = billed};
}

int BillingMeter::Open(Lifecycle lifecycle, absl::Time launch, int market) {
  const int handle = static_cast<int>(entries_.size());
  const int64_t launch_s = absl::ToUnixSeconds(launch);
  entries_.push_back({.lifecycle = lifecycle,
                      .launch = launch_s,
                      .market = market,
                      .cumulative_at_launch =
                          lifecycle == Lifecycle::kSpot
                              ? markets_[market].spot->CumulativeCost(launch_s)
                              : 0});
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
  e.bill = BillFor(e.lifecycle, e.launch, end_s, by, e.market);
  const int64_t run = end_s - e.launch;
  const double billed_hours = e.bill.billed_s / static_cast<double>(kHour);
  closed_cost_[Slot(e.lifecycle)] += e.bill.cost_usd;
  closed_hours_[Slot(e.lifecycle)] += billed_hours;
  by_market_[e.market].cost[Slot(e.lifecycle)] += e.bill.cost_usd;
  by_market_[e.market].hours[Slot(e.lifecycle)] += billed_hours;
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
  if (model_ == BillingModel::kPerSecond) {
    for (size_t m = 0; m < markets_.size(); ++m) {
      cumulative_now_[m] = markets_[m].spot->CumulativeCost(now_s);
    }
  }
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
                   ? cumulative_now_[e.market] - e.cumulative_at_launch
                   : markets_[e.market].on_demand_usd * (now_s - e.launch) /
                         static_cast<double>(kHour);
    }
  }
  return total;
}

}  // namespace spotburst::sim::internal
