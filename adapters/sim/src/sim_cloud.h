// SimCloud: a simulated EC2 that sells spot markets and on-demand.
//
// It is the simulator's InstanceManager and PriceFeed, driven by a Clock.
// Every call first processes what happened up to the clock's now (or call
// AdvanceTo): in time order, ties broken by kind (terminations, joins and
// notices first, then price changes, then request batches), then by the
// order things were made, so a run is a pure function of its inputs and
// seed. The rules, in docs/simulator.md's words:
//
// - Spot requests are evaluated in batches every `request_batch_interval`
//   (on multiples of it since the Unix epoch), no sooner than a fulfilment
//   delay drawn uniformly from [min, max] after the request was made. At a
//   batch, a request whose bid is at or above the market price is fulfilled
//   (an instance launches then); otherwise it stays open with status
//   price-too-low until it is cancelled. Requests are one-time: a request
//   closes when its instance ends.
// - An instance joins the cluster (its resources count) after a boot delay
//   drawn uniformly from [boot_min, boot_max] after its launch; until then
//   it is listed as pending.
// - Interruptions: when the price rises above an instance's bid, and in the
//   capacity regime also at a rate per instance-hour (a Poisson process,
//   the time to it drawn at launch). Either way a notice comes first
//   (marked-for-termination) and the instance ends `interruption_notice`
//   later. On-demand instances are never interrupted.
// - Drains (when the cluster reports agents): Drain() takes a joined
//   instance's agent out of the capacity at once; the agent is drained a
//   delay drawn from [drain_min, drain_max] later, cut at the grace period.
//   The instance runs (and is billed) until someone ends it.
// - Markets: the cloud sells one or more (instance type, zone) markets,
//   each with its own price trace, regime, interruption process, capacity
//   outages and on-demand price. A request or launch goes to the market its
//   type and zone name (no zone: the first market of the type); an instance
//   keeps its market for life.
// - Billing: see billing_meter.h.
// - Idempotency: RequestSpot / LaunchOnDemand with a token already used
//   return the same ids and change nothing.
//
// Random draws come from seeded std::mt19937_64 streams, one per purpose
// (fulfilment delays, boot delays, drains, and each market's interruptions),
// so the n-th request gets the same delay whatever else differs between two
// policies' runs, and a market's interruptions do not depend on the others.
// Not thread-safe: the Controller calls it from one thread.
//
//   SimCloud cloud(config, {&history}, clock);
//   clock.SetTime(t);
//   cloud.AdvanceTo(t);
//   SPOTBURST_ASSIGN_OR_RETURN(Fleet fleet, cloud.List());
#ifndef SPOTBURST_SIM_SRC_SIM_CLOUD_H_
#define SPOTBURST_SIM_SRC_SIM_CLOUD_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "billing_meter.h"
#include "sim_market.h"
#include "spotburst/clock.h"
#include "spotburst/cluster_state.h"
#include "spotburst/drainer.h"
#include "spotburst/fleet.h"
#include "spotburst/instance_manager.h"
#include "spotburst/price_feed.h"
#include "spotburst/sim/scenario.h"

namespace spotburst::sim::internal {

// One market the cloud sells, spot and on-demand.
struct CloudMarket {
  Market market;
  MarketRegime regime = MarketRegime::kBidSet;
  double interruption_rate_per_hour = 0;
  double on_demand_usd_per_hour = 0;
  // The purpose its interruption stream is drawn with (Stream's second
  // argument; 1, 2 and 4 are the cloud's other streams).
  uint64_t interruption_stream = 3;
  // [from, to) spans without spot capacity in this market.
  std::vector<std::pair<absl::Time, absl::Time>> spot_capacity_outages;
};

struct CloudConfig {
  // The markets sold, at least one; no two with the same type and zone.
  std::vector<CloudMarket> markets;
  std::string region;
  // Batching, delays and notice (the scenario's cloud section).
  CloudScenario timing;
  BillingModel billing = BillingModel::kHourly;
  absl::Duration minimum_billed = absl::Seconds(60);
  uint64_t seed = 1;
  // How long List() still shows a closed or cancelled request (EC2 keeps
  // them visible for four hours).
  absl::Duration closed_request_retention = absl::Hours(4);
  // Agents reported and drained (the scenario's cluster section).
  ClusterScenario cluster;
};

struct CloudCounters {
  int spot_requests = 0;       // requests made (one per instance asked)
  int requests_cancelled = 0;  // open requests cancelled by the caller
  int interruptions = 0;       // instances ended by the provider
  int instances_launched = 0;  // spot fulfilled + on-demand launched
  int instances_ended_by_user = 0;
  int capacity_failures = 0;  // spot launches refused in an outage
};

// Everything the cloud made, for accounting and tests.
struct InstanceRecord {
  Instance instance;
  absl::Time join_time = absl::InfiniteFuture();    // agent joined
  absl::Time drain_start = absl::InfiniteFuture();  // agent took no new work
  absl::Time drained_at = absl::InfiniteFuture();   // and ran none
  absl::Time notice_time = absl::InfiniteFuture();  // interruption notice
  bool notice_for_price = false;  // the price passed the bid (else capacity)
  absl::Time end_time = absl::InfiniteFuture();
  std::optional<EndedBy> ended_by;
  int request = -1;  // index into requests(), spot only
  int market = 0;    // index into config().markets, for life
};

struct RequestRecord {
  SpotRequest request;
  absl::Time eligible_at;                         // made + fulfilment delay
  absl::Time closed_at = absl::InfiniteFuture();  // left open/active
  int instance = -1;                              // index into instances()
  int market = 0;                                 // into config().markets
};

class SimCloud final : public InstanceManager,
                       public PriceFeed,
                       public Drainer {
 public:
  // `prices` (one trace per market of `config`, in order) and `clock` are
  // borrowed and must outlive the cloud. The clock's time when the cloud is
  // made is where it starts.
  SimCloud(CloudConfig config, const std::vector<const PriceHistory*>& prices,
           const Clock& clock);
  // The spot capacity outage of market `market` at `t`, or nullptr.
  const std::pair<absl::Time, absl::Time>* SpotOutageAt(int market,
                                                        absl::Time t) const;

  // Processes everything due at or before `t` (not before the last time).
  void AdvanceTo(absl::Time t);
  // The same, but stops right after the first interruption notice given
  // (everything due at its time that came before it is processed) and
  // returns its time; InfiniteFuture when none came by `t`.
  absl::Time AdvanceToNotice(absl::Time t);
  // Ends the run at `t`: processes what is due before `t` (not at it), then
  // bills every live instance for its time up to `t` (EndedBy::kRunEnd).
  void EndRun(absl::Time t);

  // InstanceManager. Errors name the call ("sim RequestSpot: ...").
  absl::StatusOr<Fleet> List() override;
  // Assigns element by element: no allocation once `fleet` has held as
  // many instances and requests, with strings as long.
  absl::Status ListInto(Fleet& fleet) override;
  absl::StatusOr<std::vector<std::string>> RequestSpot(
      const SpotRequestSpec& spec) override;
  absl::StatusOr<std::vector<std::string>> LaunchOnDemand(
      const OnDemandSpec& spec) override;
  absl::Status CancelRequests(const std::vector<std::string>& ids) override;
  absl::Status Terminate(const std::vector<std::string>& ids) override;

  // Drainer: drains the agents of joined instances (others have none).
  // NotFound for an id the cloud never made.
  absl::Status Drain(const std::vector<std::string>& instance_ids,
                     absl::Duration grace) override;
  // The agents of live joined instances at the clock's now.
  std::vector<BurstAgent> Agents() const;

  // PriceFeed. Never returns a point after the clock's now.
  absl::StatusOr<PriceHistory> History(const Market& market, absl::Time from,
                                       absl::Time to) override;
  absl::Status HistoryInto(const Market& market, absl::Time from, absl::Time to,
                           PriceHistory& history) override;
  absl::StatusOr<double> OnDemandPrice(const std::string& instance_type,
                                       const std::string& region) override;

  absl::Time now() const { return absl::FromUnixSeconds(now_); }
  // The spot price of market `market` now.
  double PriceNow(int market = 0) const {
    return markets_[market]->prices.PriceAt(now_);
  }
  // The index of the market with this type and zone (empty zone: the first
  // of the type), or -1.
  int MarketIndex(const std::string& type, const std::string& zone) const;
  int open_requests() const { return static_cast<int>(open_.size()); }
  int booting() const { return booting_; }
  int joined_spot() const { return joined_[0]; }
  int joined_on_demand() const { return joined_[1]; }
  // Joined (and not draining) instances of market `market`, spot or not.
  int joined_in(int market) const { return markets_[market]->joined; }
  int live_instances() const { return static_cast<int>(live_.size()); }
  // Live instances (booting, joined or draining) of market `market`.
  int live_in(int market) const { return markets_[market]->live; }

  const CloudCounters& counters() const { return counters_; }
  BillingMeter& meter() { return meter_; }
  const BillingMeter& meter() const { return meter_; }
  const CloudConfig& config() const { return config_; }
  int market_count() const { return static_cast<int>(markets_.size()); }
  const SimMarket& market(int index = 0) const {
    return markets_[index]->prices;
  }
  const std::vector<InstanceRecord>& instances() const { return instances_; }
  const std::vector<RequestRecord>& requests() const { return requests_; }

 private:
  enum class EventKind { kTerminate = 0, kJoin = 1, kNotice = 2 };
  struct Event {
    int64_t time;
    EventKind kind;
    uint64_t seq;
    int instance;
    // priority_queue puts the greatest first: the latest is "less".
    bool operator<(const Event& o) const {
      if (time != o.time) return time > o.time;
      if (kind != o.kind) return kind > o.kind;
      return seq > o.seq;
    }
  };
  // One independent random stream.
  class Stream {
   public:
    // Purposes: 1 fulfilment, 2 boot, 3 the single market's interruptions,
    // 4 drains; a market of a list draws its interruptions with a purpose
    // derived from its identity (CloudMarket::interruption_stream).
    Stream(uint64_t seed, uint64_t purpose);
    // Whole seconds uniformly in [lo, hi].
    int64_t UniformSeconds(absl::Duration lo, absl::Duration hi);
    // Exponential with `rate_per_hour`, in whole seconds.
    int64_t ExponentialSeconds(double rate_per_hour);

   private:
    double Unit();  // [0, 1), 53 bits, the same on every platform
    std::mt19937_64 engine_;
  };

  // What the cloud tracks of each market it sells.
  struct MarketState {
    MarketState(const PriceHistory& history, uint64_t seed, uint64_t purpose)
        : prices(history), interruptions(seed, purpose) {}
    SimMarket prices;
    Stream interruptions;
    int64_t price_cursor = -1;  // the point in force at now_ (or -1)
    int live_spot = 0;
    int live = 0;    // spot and on-demand, until they end
    int joined = 0;  // spot and on-demand, their agents taking work
  };

  static std::vector<std::unique_ptr<MarketState>> MakeMarkets(
      const CloudConfig& config, const std::vector<const PriceHistory*>& prices,
      int64_t now);
  void CatchUp();
  // AdvanceTo; with `stop_at_notice`, AdvanceToNotice's stop (its time).
  std::optional<int64_t> Advance(int64_t until, bool stop_at_notice);
  void Push(int64_t time, EventKind kind, int instance);
  int64_t NextBatchTime() const;
  void ProcessEvent(const Event& event);
  void ProcessPriceChange(int market, size_t index);
  void ProcessBatch(int64_t time);
  int LaunchInstance(Lifecycle lifecycle, int market, int request, int64_t time,
                     double max_price);
  void MarkForTermination(int instance, int64_t time, bool by_price);
  void EndInstance(int instance, int64_t time, EndedBy by,
                   std::string_view request_status);
  void CloseRequest(int request, int64_t time, SpotRequestState state,
                    std::string_view status);
  // The market a call names, or an error naming the call.
  absl::StatusOr<int> CheckMarket(std::string_view call,
                                  const std::string& type,
                                  const std::string& zone, int count) const;
  std::string MarketNames() const;  // "a, b" for errors

  CloudConfig config_;
  const Clock& clock_;
  // Pointers: a SimMarket is neither copied nor moved.
  std::vector<std::unique_ptr<MarketState>> markets_;
  BillingMeter meter_;
  Stream fulfilment_stream_, boot_stream_, drain_stream_;

  int64_t now_;  // processed up to here
  int64_t batch_seconds_;
  int64_t last_batch_;  // the last batch processed
  std::priority_queue<Event> events_;
  uint64_t next_seq_ = 0;

  std::vector<InstanceRecord> instances_;
  std::vector<RequestRecord> requests_;
  std::vector<int> live_;    // live instances, launch order
  std::vector<int> open_;    // open requests, creation order
  std::vector<int> listed_;  // requests List() shows, creation order
  // ProcessBatch's next open_, kept for its capacity.
  std::vector<int> batch_scratch_;
  int live_spot_ = 0;  // over every market
  int booting_ = 0;
  int joined_[2] = {0, 0};  // spot, on-demand
  absl::flat_hash_map<std::string, int> instance_by_id_;
  absl::flat_hash_map<std::string, int> request_by_id_;
  // What each idempotency token made, per call kind.
  struct TokenUse {
    std::vector<std::string> ids;
    int count = 0;
    double bid_usd = 0;
  };
  absl::flat_hash_map<std::string, TokenUse> spot_tokens_;
  absl::flat_hash_map<std::string, TokenUse> on_demand_tokens_;
  CloudCounters counters_;
  int notices_ = 0;  // interruption notices given
};

}  // namespace spotburst::sim::internal

#endif  // SPOTBURST_SIM_SRC_SIM_CLOUD_H_
