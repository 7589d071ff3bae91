// The simulated cloud's clockwork: events, batches, price changes,
// launches and ends. The calls of InstanceManager and PriceFeed are in
// sim_cloud_api.cc.
#include "sim_cloud.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace spotburst::sim::internal {
namespace {

// EC2's spot request status codes (the ones this cloud can produce).
constexpr char kFulfilled[] = "fulfilled";
constexpr char kMarked[] = "marked-for-termination";
constexpr char kByPrice[] = "instance-terminated-by-price";
constexpr char kNoCapacity[] = "instance-terminated-no-capacity";
constexpr char kPriceTooLow[] = "price-too-low";
constexpr char kNoCapacityYet[] = "capacity-not-available";

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// SplitMix64: spreads (seed, purpose) over the generator's seed space, so
// streams of neighbouring seeds are unrelated.
uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

SimCloud::Stream::Stream(uint64_t seed, uint64_t purpose)
    : engine_(SplitMix64(SplitMix64(seed) ^ purpose)) {}

double SimCloud::Stream::Unit() {
  // std::uniform_real_distribution differs between standard libraries;
  // the top 53 bits of the (fully specified) engine do not.
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

int64_t SimCloud::Stream::UniformSeconds(absl::Duration lo, absl::Duration hi) {
  const int64_t a = absl::ToInt64Seconds(lo);
  const int64_t b = std::max(a, absl::ToInt64Seconds(hi));
  const double u = Unit();  // drawn even when a == b: streams stay aligned
  return std::min(b,
                  a + static_cast<int64_t>(u * static_cast<double>(b - a + 1)));
}

int64_t SimCloud::Stream::ExponentialSeconds(double rate_per_hour) {
  const double u = Unit();
  if (!(rate_per_hour > 0)) return kNever;
  const double seconds = -std::log1p(-u) / rate_per_hour * 3600.0;
  // Far beyond any run (and clear of overflow).
  constexpr double kCap = 1e12;
  return seconds >= kCap ? static_cast<int64_t>(kCap)
                         : static_cast<int64_t>(std::llround(seconds));
}

std::vector<std::unique_ptr<SimCloud::MarketState>> SimCloud::MakeMarkets(
    const CloudConfig& config, const std::vector<const PriceHistory*>& prices,
    int64_t now) {
  std::vector<std::unique_ptr<SimCloud::MarketState>> markets;
  for (size_t m = 0; m < config.markets.size(); ++m) {
    markets.push_back(std::make_unique<SimCloud::MarketState>(
        *prices[m], config.seed, config.markets[m].interruption_stream));
    markets.back()->price_cursor = markets.back()->prices.IndexAt(now);
  }
  return markets;
}

SimCloud::SimCloud(CloudConfig config,
                   const std::vector<const PriceHistory*>& prices,
                   const Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      markets_(MakeMarkets(config_, prices, absl::ToUnixSeconds(clock.Now()))),
      meter_(config_.billing, config_.minimum_billed, markets_[0]->prices,
             config_.markets[0].on_demand_usd_per_hour),
      fulfilment_stream_(config_.seed, 1),
      boot_stream_(config_.seed, 2),
      drain_stream_(config_.seed, 4),
      now_(absl::ToUnixSeconds(clock.Now())),
      batch_seconds_(std::max<int64_t>(
          1, absl::ToInt64Seconds(config_.timing.request_batch_interval))),
      last_batch_(std::numeric_limits<int64_t>::min() / 2) {
  for (size_t m = 1; m < markets_.size(); ++m) {
    meter_.AddMarket(markets_[m]->prices,
                     config_.markets[m].on_demand_usd_per_hour);
  }
}

int SimCloud::MarketIndex(const std::string& type,
                          const std::string& zone) const {
  for (size_t m = 0; m < config_.markets.size(); ++m) {
    const Market& market = config_.markets[m].market;
    if (market.instance_type == type &&
        (zone.empty() || market.availability_zone == zone)) {
      return static_cast<int>(m);
    }
  }
  return -1;
}

std::string SimCloud::MarketNames() const {
  std::string names;
  for (const CloudMarket& m : config_.markets) {
    absl::StrAppend(&names, names.empty() ? "" : ", ", m.market.Name());
  }
  return names;
}

void SimCloud::CatchUp() {
  const absl::Time t = clock_.Now();
  if (absl::ToUnixSeconds(t) > now_) AdvanceTo(t);
}

void SimCloud::Push(int64_t time, EventKind kind, int instance) {
  events_.push(
      {.time = time, .kind = kind, .seq = next_seq_++, .instance = instance});
}

int64_t SimCloud::NextBatchTime() const {
  if (open_.empty()) return kNever;
  int64_t earliest = kNever;
  for (int r : open_) {
    earliest =
        std::min(earliest, absl::ToUnixSeconds(requests_[r].eligible_at));
  }
  const int64_t after = std::max(earliest, last_batch_ + 1);
  // The first multiple of the batch interval at or after `after`.
  return -FloorDiv(-after, batch_seconds_) * batch_seconds_;
}

void SimCloud::AdvanceTo(absl::Time t) {
  Advance(absl::ToUnixSeconds(t), /*stop_at_notice=*/false);
}

absl::Time SimCloud::AdvanceToNotice(absl::Time t) {
  const std::optional<int64_t> notice =
      Advance(absl::ToUnixSeconds(t), /*stop_at_notice=*/true);
  return notice ? absl::FromUnixSeconds(*notice) : absl::InfiniteFuture();
}

std::optional<int64_t> SimCloud::Advance(int64_t until, bool stop_at_notice) {
  while (true) {
    const int64_t event_time = events_.empty() ? kNever : events_.top().time;
    // Price changes only matter while a spot instance could be interrupted;
    // at the same second, the market listed first changes first.
    int64_t price_time = kNever;
    int price_market = -1;
    for (size_t m = 0; m < markets_.size() && live_spot_ > 0; ++m) {
      const MarketState& market = *markets_[m];
      if (market.live_spot == 0 ||
          market.price_cursor + 1 >=
              static_cast<int64_t>(market.prices.size())) {
        continue;
      }
      const int64_t time = market.prices.TimeOf(market.price_cursor + 1);
      if (time < price_time) {
        price_time = time;
        price_market = static_cast<int>(m);
      }
    }
    const int64_t batch_time = NextBatchTime();
    const int64_t next = std::min({event_time, price_time, batch_time});
    if (next > until) break;
    now_ = std::max(now_, next);
    const int notices_before = notices_;
    if (event_time == next) {
      const Event event = events_.top();
      events_.pop();
      ProcessEvent(event);
    } else if (price_time == next) {
      ProcessPriceChange(price_market,
                         markets_[price_market]->price_cursor + 1);
    } else {
      ProcessBatch(batch_time);
    }
    if (stop_at_notice && notices_ != notices_before) return next;
  }
  now_ = std::max(now_, until);
  for (const std::unique_ptr<MarketState>& market : markets_) {
    if (market->live_spot > 0) continue;
    // Walked, not searched: time only moves forward, a few points a tick.
    while (market->price_cursor + 1 <
               static_cast<int64_t>(market->prices.size()) &&
           market->prices.TimeOf(market->price_cursor + 1) <= now_) {
      ++market->price_cursor;
    }
  }
  return std::nullopt;
}

void SimCloud::ProcessEvent(const Event& event) {
  InstanceRecord& record = instances_[event.instance];
  if (record.ended_by.has_value()) return;  // ended before this came due
  switch (event.kind) {
    case EventKind::kJoin:
      record.join_time = absl::FromUnixSeconds(event.time);
      record.instance.state = InstanceState::kRunning;
      --booting_;
      ++joined_[record.instance.lifecycle == Lifecycle::kSpot ? 0 : 1];
      ++markets_[record.market]->joined;
      break;
    case EventKind::kNotice:
      MarkForTermination(event.instance, event.time, /*by_price=*/false);
      break;
    case EventKind::kTerminate:
      ++counters_.interruptions;
      EndInstance(event.instance, event.time, EndedBy::kProvider,
                  record.notice_for_price ? kByPrice : kNoCapacity);
      break;
  }
}

void SimCloud::ProcessPriceChange(int market, size_t index) {
  MarketState& state = *markets_[market];
  state.price_cursor = static_cast<int64_t>(index);
  const double price = state.prices.PriceOf(index);
  const int64_t time = state.prices.TimeOf(index);
  for (int i : live_) {
    InstanceRecord& record = instances_[i];
    if (record.market != market ||
        record.instance.lifecycle != Lifecycle::kSpot ||
        record.notice_time != absl::InfiniteFuture()) {
      continue;
    }
    // Above the bid, not at it: a bid equal to the price still holds.
    if (price > record.instance.max_price_usd_per_hour) {
      MarkForTermination(i, time, /*by_price=*/true);
    }
  }
}

void SimCloud::ProcessBatch(int64_t time) {
  last_batch_ = time;
  std::vector<int>& still_open = batch_scratch_;
  still_open.clear();
  for (int r : open_) {
    RequestRecord& record = requests_[r];
    if (absl::ToUnixSeconds(record.eligible_at) > time) {
      still_open.push_back(r);
      continue;
    }
    const SimMarket& prices = markets_[record.market]->prices;
    const int64_t price_index = prices.IndexAt(time);
    const double price = price_index < 0 ? 0.0 : prices.PriceOf(price_index);
    if (record.request.bid_usd_per_hour < price || price_index < 0) {
      record.request.status_code = kPriceTooLow;
      still_open.push_back(r);
      continue;
    }
    if (SpotOutageAt(record.market, absl::FromUnixSeconds(time)) != nullptr) {
      record.request.status_code = kNoCapacityYet;
      still_open.push_back(r);
      continue;
    }
    const int instance = LaunchInstance(Lifecycle::kSpot, record.market, r,
                                        time, record.request.bid_usd_per_hour);
    record.instance = instance;
    record.request.state = SpotRequestState::kActive;
    record.request.status_code = kFulfilled;
    record.request.instance_id = instances_[instance].instance.id;
  }
  open_.swap(still_open);
}

const std::pair<absl::Time, absl::Time>* SimCloud::SpotOutageAt(
    int market, absl::Time t) const {
  for (const auto& span : config_.markets[market].spot_capacity_outages) {
    if (t >= span.first && t < span.second) return &span;
  }
  return nullptr;
}

int SimCloud::LaunchInstance(Lifecycle lifecycle, int market, int request,
                             int64_t time, double max_price) {
  const int index = static_cast<int>(instances_.size());
  const CloudMarket& sold = config_.markets[market];
  MarketState& state = *markets_[market];
  InstanceRecord record;
  record.instance = {.id = absl::StrFormat("i-%08x", index + 1),
                     .instance_type = sold.market.instance_type,
                     .availability_zone = sold.market.availability_zone,
                     .lifecycle = lifecycle,
                     .state = InstanceState::kPending,
                     .launch_time = absl::FromUnixSeconds(time),
                     .max_price_usd_per_hour = max_price,
                     .spot_request_id = request >= 0
                                            ? requests_[request].request.id
                                            : std::string()};
  record.request = request;
  record.market = market;
  instance_by_id_.emplace(record.instance.id, index);
  instances_.push_back(std::move(record));
  live_.push_back(index);
  ++state.live;
  ++booting_;
  ++counters_.instances_launched;
  // Meter handles are given out in order, so an instance's handle is its
  // index.
  meter_.Open(lifecycle, absl::FromUnixSeconds(time), market);
  Push(time + boot_stream_.UniformSeconds(config_.timing.boot_min,
                                          config_.timing.boot_max),
       EventKind::kJoin, index);
  if (lifecycle == Lifecycle::kSpot) {
    ++live_spot_;
    if (state.live_spot++ == 0) state.price_cursor = state.prices.IndexAt(time);
    if (sold.regime == MarketRegime::kCapacity) {
      const int64_t after = state.interruptions.ExponentialSeconds(
          sold.interruption_rate_per_hour);
      if (after != kNever) Push(time + after, EventKind::kNotice, index);
    }
  }
  return index;
}

void SimCloud::MarkForTermination(int instance, int64_t time, bool by_price) {
  InstanceRecord& record = instances_[instance];
  if (record.notice_time != absl::InfiniteFuture()) return;
  ++notices_;
  record.notice_time = absl::FromUnixSeconds(time);
  record.notice_for_price = by_price;
  if (record.request >= 0) {
    requests_[record.request].request.status_code = kMarked;
  }
  const int64_t end =
      time + absl::ToInt64Seconds(config_.timing.interruption_notice);
  // Listed as EC2's adapter lists it: the engine replaces it at once and
  // never ends it itself.
  record.instance.interruption_notice = true;
  record.instance.interruption_time = absl::FromUnixSeconds(end);
  Push(end, EventKind::kTerminate, instance);
}

void SimCloud::EndInstance(int instance, int64_t time, EndedBy by,
                           std::string_view request_status) {
  InstanceRecord& record = instances_[instance];
  if (record.ended_by.has_value()) return;
  record.ended_by = by;
  record.end_time = absl::FromUnixSeconds(time);
  live_.erase(std::find(live_.begin(), live_.end(), instance));
  --markets_[record.market]->live;
  if (record.join_time == absl::InfiniteFuture()) {
    --booting_;
  } else if (record.drain_start == absl::InfiniteFuture()) {
    --joined_[record.instance.lifecycle == Lifecycle::kSpot ? 0 : 1];
    --markets_[record.market]->joined;
  }
  if (record.instance.lifecycle == Lifecycle::kSpot) {
    --live_spot_;
    --markets_[record.market]->live_spot;
  }
  meter_.Close(instance, absl::FromUnixSeconds(time), by);
  if (record.request >= 0) {
    RequestRecord& request = requests_[record.request];
    // One-time requests close with their instance; a cancelled one keeps
    // its state and only says what became of the instance.
    CloseRequest(record.request, time,
                 request.request.state == SpotRequestState::kCancelled
                     ? SpotRequestState::kCancelled
                     : SpotRequestState::kClosed,
                 request_status);
  }
}

void SimCloud::CloseRequest(int request, int64_t time, SpotRequestState state,
                            std::string_view status) {
  RequestRecord& record = requests_[request];
  record.request.state = state;
  record.request.status_code = std::string(status);
  if (record.closed_at == absl::InfiniteFuture()) {
    record.closed_at = absl::FromUnixSeconds(time);
  }
}

absl::Status SimCloud::Drain(const std::vector<std::string>& instance_ids,
                             absl::Duration grace) {
  AdvanceTo(clock_.Now());
  for (const std::string& id : instance_ids) {
    if (!instance_by_id_.contains(id)) {
      return absl::NotFoundError(absl::StrCat("sim Drain: no instance ", id));
    }
  }
  for (const std::string& id : instance_ids) {
    InstanceRecord& record = instances_[instance_by_id_.at(id)];
    if (record.ended_by.has_value() ||
        record.join_time == absl::InfiniteFuture() ||
        record.drain_start != absl::InfiniteFuture()) {
      continue;  // no agent, or draining already
    }
    record.drain_start = now();
    const absl::Duration takes = absl::Seconds(drain_stream_.UniformSeconds(
        config_.cluster.drain_min, config_.cluster.drain_max));
    record.drained_at = now() + std::min(takes, grace);
    // Its capacity is gone at once: nothing new lands on a draining agent.
    --joined_[record.instance.lifecycle == Lifecycle::kSpot ? 0 : 1];
    --markets_[record.market]->joined;
  }
  return absl::OkStatus();
}

std::vector<BurstAgent> SimCloud::Agents() const {
  std::vector<BurstAgent> agents;
  const absl::Time at = now();
  for (int i : live_) {
    const InstanceRecord& record = instances_[i];
    if (record.join_time > at) continue;
    agents.push_back({.instance_id = record.instance.id,
                      .agent_id = absl::StrCat("sim-agent-", i),
                      .state = record.drain_start > at ? AgentState::kActive
                               : record.drained_at > at
                                   ? AgentState::kDraining
                                   : AgentState::kDrained});
  }
  return agents;
}

void SimCloud::EndRun(absl::Time t) {
  // The run is [start, t): what falls due at t (a batch launching
  // instances, say) happens after it.
  AdvanceTo(std::max(now(), t - absl::Seconds(1)));
  const std::vector<int> live = live_;
  for (int i : live) {
    InstanceRecord& record = instances_[i];
    record.ended_by = EndedBy::kRunEnd;
    record.end_time = t;
    meter_.Close(i, t, EndedBy::kRunEnd);
  }
  // Requests stay as they were: the run stopped, nobody ended anything.
  live_.clear();
  live_spot_ = booting_ = joined_[0] = joined_[1] = 0;
  for (const std::unique_ptr<MarketState>& market : markets_) {
    market->live_spot = market->live = market->joined = 0;
  }
}

}  // namespace spotburst::sim::internal
