// BillingMeter: what the simulated cloud charges for each instance.
//
// Two models, as EC2 billed Linux instances before and after October 2017:
//
// hourly (the 2015 rules)
//   Each started hour is charged in full at the price in force at the start
//   of that hour (spot: the market price then; on-demand: its price). An
//   instance the user ends pays every started hour, the last one in full
//   (at least one hour, even if ended at once). An instance the provider
//   interrupts pays its full hours only: the hour it was cut short in is
//   free, so one interrupted in its first hour costs nothing.
//
// per-second (today's Linux rules)
//   The seconds run at the price in force each second. An instance the user
//   ends pays at least `minimum_billed` (60 s): seconds short of it are
//   charged at the price in force when it ended. An instance the provider
//   interrupts pays nothing if that happens in its first hour, and the
//   seconds it ran otherwise, with no minimum. This is EC2's published rule
//   for Linux spot instances ("Billing for interrupted Spot Instances":
//   interrupted by EC2 in the first hour, no charge; in any later hour,
//   charged for the seconds used); a minimum would never apply anyway, since
//   an instance interrupted after its first hour ran more than 60 s.
//
// Instances still running when a run ends are charged for their time inside
// the run only (hourly: the full hours run, and the share of the hour in
// progress that lies inside the run at that hour's price; per-second: the
// seconds run, no minimum). A run is a window on a fleet that goes on:
// charging the whole hour in progress, or the minimum, would make a launch
// in the run's last minute cost an hour nobody used inside it.
//
// The meter keeps ended instances' costs final and accrues running ones on
// demand (CostSoFar), so a timeline can show the cost as it grows: with
// hourly billing an hour is added when it starts; an interruption gives the
// hour in progress back. Not thread-safe.
//
// A meter bills one or more markets (AddMarket), each at its own spot and
// on-demand prices; an instance is billed in the market it was opened in.
//
//   BillingMeter meter(BillingModel::kHourly, absl::Seconds(60), market, 0.1);
//   int id = meter.Open(Lifecycle::kSpot, launch);
//   meter.Close(id, end, EndedBy::kProvider);
#ifndef SPOTBURST_SIM_SRC_BILLING_METER_H_
#define SPOTBURST_SIM_SRC_BILLING_METER_H_

#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "sim_market.h"
#include "spotburst/fleet.h"
#include "spotburst/policy.h"

namespace spotburst::sim::internal {

enum class EndedBy { kUser, kProvider, kRunEnd };

// What one instance was charged: the cost, and the time it was charged for
// (hourly: whole hours, or the run's share of one; per-second: the seconds
// charged, the minimum included). It differs from the time run when an
// hour is rounded up, a minimum applies or an interruption was free.
struct Bill {
  double cost_usd = 0;
  int64_t billed_s = 0;
};

class BillingMeter {
 public:
  // `spot` (market 0) is borrowed and must outlive the meter.
  BillingMeter(BillingModel model, absl::Duration minimum_billed,
               const SimMarket& spot, double on_demand_usd_per_hour);
  // Adds a market (borrowed, as above); returns its index.
  int AddMarket(const SimMarket& spot, double on_demand_usd_per_hour);

  // Starts billing an instance launched at `launch` in market `market`;
  // returns its handle.
  int Open(Lifecycle lifecycle, absl::Time launch, int market = 0);
  // Ends it at `end` (not before its launch); the cost becomes final.
  void Close(int handle, absl::Time end, EndedBy by);

  // The final bill of one instance under this meter's rules.
  Bill BillFor(Lifecycle lifecycle, int64_t launch, int64_t end, EndedBy by,
               int market = 0) const;
  // Its cost alone, USD.
  double Cost(Lifecycle lifecycle, int64_t launch, int64_t end,
              EndedBy by) const {
    return BillFor(lifecycle, launch, end, by).cost_usd;
  }
  // The final bill of a closed instance (zero while it is open).
  Bill BillOf(int handle) const { return entries_[handle].bill; }

  // Ended instances' final costs plus what running ones have accrued by
  // `now` (hourly: every hour started by now; per-second: the seconds run).
  // `now` must not go back between calls.
  double CostSoFar(absl::Time now);

  // Final costs and instance-hours of the ended instances: billed (what
  // the model charged for) and run (launch to end).
  double spot_cost_usd() const { return closed_cost_[0]; }
  double on_demand_cost_usd() const { return closed_cost_[1]; }
  double spot_instance_hours() const { return closed_hours_[0]; }
  double on_demand_instance_hours() const { return closed_hours_[1]; }
  double run_instance_hours() const { return run_hours_; }
  // Instance-hours that interrupted instances ran beyond what they were
  // billed for: the time the provider gave for free.
  double uncharged_interrupted_hours() const { return uncharged_hours_; }
  int open_count() const { return open_count_; }
  // The same final costs and billed instance-hours, of one market.
  double spot_cost_usd(int market) const { return by_market_[market].cost[0]; }
  double on_demand_cost_usd(int market) const {
    return by_market_[market].cost[1];
  }
  double spot_instance_hours(int market) const {
    return by_market_[market].hours[0];
  }
  double on_demand_instance_hours(int market) const {
    return by_market_[market].hours[1];
  }

 private:
  struct Entry {
    Lifecycle lifecycle;
    int64_t launch;
    int market = 0;
    bool open = true;
    // Hourly accrual for CostSoFar: hours charged so far and their sum.
    int64_t hours_accrued = 0;
    double accrued_usd = 0;
    // Per-second spot: the market's cumulative cost at launch, so that
    // CostSoFar looks up only the one at now.
    double cumulative_at_launch = 0;
    Bill bill;  // final once closed
  };
  struct Prices {
    const SimMarket* spot;
    double on_demand_usd;
  };
  // Final costs and billed hours of one market: spot, on-demand.
  struct Sums {
    double cost[2] = {0, 0};
    double hours[2] = {0, 0};
  };
  double PriceAt(const Entry& e, int64_t t) const;
  double SumOfHours(const Entry& e, int64_t first_hour, int64_t hours) const;

  BillingModel model_;
  int64_t minimum_billed_s_;
  std::vector<Prices> markets_;
  std::vector<Sums> by_market_;
  // Per-second CostSoFar's scratch: each market's cumulative cost now.
  std::vector<double> cumulative_now_;
  std::vector<Entry> entries_;
  std::vector<int> open_;  // handles of open entries, in launch order
  int open_count_ = 0;
  double closed_cost_[2] = {0, 0};   // spot, on-demand
  double closed_hours_[2] = {0, 0};  // billed: spot, on-demand
  double run_hours_ = 0;
  double uncharged_hours_ = 0;
};

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_BILLING_METER_H_
