// The Controller's safety rules under random faults: thousands of random
// fault schedules (failures, timeouts, wrong answers from every adapter)
// over a small in-memory cloud that keeps the truth, and that itself runs
// out of spot capacity, hits its on-demand quota (failures with their
// causes, which the engine backs off from in a follow-up evaluation) and
// interrupts spot instances with notice. Checked after every tick:
//   - never more live instances and open requests than max_instances
//     (instances under notice included), and never a fleet whose
//     worst-case cost is above the cost ceiling;
//   - never a bid above the maximum bid;
//   - never a launch after a cancel or terminate failed in the same tick;
//   - never an action after a read that failed or answered wrongly;
//   - never a termination of an instance under an interruption notice;
//   - where the cluster reports agents, never a termination of an instance
//     whose agent is active, or draining for less than the grace period.
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "spotburst/controller.h"
#include "spotburst/fault_injection.h"
#include "testing/engine_fixtures.h"

namespace spotburst {
namespace {

using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::T0;

constexpr double kOnDemandUsd = 0.1;

class StepClock final : public Clock {
 public:
  absl::Time Now() const override { return now; }
  void SleepUntil(absl::Time deadline) override {
    now = std::max(now, deadline);
  }
  absl::Time now = T0();
};

// The world as it is: demand, the spot price and the burst fleet. Requests
// are fulfilled two minutes after they are made while the price is at or
// below their bid; spot instances are interrupted when it rises above.
class TruthWorld final : public MetricsSource,
                         public PriceFeed,
                         public InstanceManager,
                         public Drainer {
 public:
  // With `drain_grace` set, the cluster reports the agents of burst
  // instances (joined a minute after launch) and drains them; a drain takes
  // up to four minutes.
  TruthWorld(uint64_t seed, const StepClock& clock,
             std::optional<absl::Duration> drain_grace = std::nullopt)
      : random_(seed), clock_(clock), drain_grace_(drain_grace) {
    prices_.push_back({clock_.Now() - absl::Hours(3), 0.03});
  }

  // Moves the world on by one tick: new demand, maybe a new price.
  void Step() {
    cpus_used_ = std::clamp(cpus_used_ + Uniform(-12, 14), 0.0, 80.0);
    if (Uniform(0, 1) < 0.3) {
      const double price =
          Uniform(0, 1) < 0.15 ? Uniform(0.11, 0.4) : Uniform(0.01, 0.08);
      prices_.push_back({clock_.Now(), price});
    }
    const double price = prices_.back().usd_per_hour;
    spot_capacity_ = Uniform(0, 1) >= 0.2;
    on_demand_quota_reached_ = Uniform(0, 1) < 0.1;
    // Outbid spot instances get two minutes' notice, then end.
    for (auto it = instances_.begin(); it != instances_.end();) {
      Instance& i = it->second;
      if (i.interruption_notice && clock_.Now() >= i.interruption_time) {
        if (auto r = requests_.find(i.spot_request_id); r != requests_.end())
          requests_.erase(r);
        it = instances_.erase(it);
        continue;
      }
      if (i.lifecycle == Lifecycle::kSpot && !i.interruption_notice &&
          i.max_price_usd_per_hour < price) {
        i.interruption_notice = true;
        i.interruption_time = clock_.Now() + absl::Minutes(2);
      }
      ++it;
    }
    for (auto& [id, r] : requests_) {
      if (r.state != SpotRequestState::kOpen) continue;
      if (clock_.Now() - r.create_time < absl::Minutes(2)) continue;
      if (r.bid_usd_per_hour < price) continue;
      const std::string instance_id = NewId("i-");
      instances_[instance_id] = {.id = instance_id,
                                 .instance_type = r.instance_type,
                                 .availability_zone = r.availability_zone,
                                 .lifecycle = Lifecycle::kSpot,
                                 .state = InstanceState::kRunning,
                                 .launch_time = clock_.Now(),
                                 .max_price_usd_per_hour = r.bid_usd_per_hour,
                                 .spot_request_id = id};
      r.state = SpotRequestState::kActive;
      r.instance_id = instance_id;
    }
  }

  // What the engine counts: instances and open requests, less on-demand
  // instances a live replacement retires and the replacement requests.
  int Counted() const {
    int counted = 0;
    std::map<std::string, bool> retiring;
    for (const auto& [id, r] : requests_) {
      if (r.replaces_instance_id.empty()) {
        if (r.state == SpotRequestState::kOpen) ++counted;
      } else {
        retiring[r.replaces_instance_id] = true;
      }
    }
    for (const auto& [id, i] : instances_) {
      if (!(i.lifecycle == Lifecycle::kOnDemand && retiring.count(id)))
        ++counted;
    }
    return counted;
  }

  double WorstCaseUsdPerHour() const {
    double usd = 0;
    for (const auto& [id, i] : instances_) usd += i.max_price_usd_per_hour;
    for (const auto& [id, r] : requests_) {
      if (r.state == SpotRequestState::kOpen) usd += r.bid_usd_per_hour;
    }
    return usd;
  }

  // MetricsSource
  absl::StatusOr<ClusterState> Snapshot() override {
    ClusterState state{.used = {.cpus = cpus_used_, .mem_mib = 4096},
                       .read_at = clock_.Now()};
    if (drain_grace_) {
      state.reports_agents = true;
      for (const auto& [id, i] : instances_) {
        if (!Joined(i)) continue;
        const DrainRecord& d = drains_[id];
        state.burst_agents.push_back(
            {.instance_id = id,
             .agent_id = "agent-" + id,
             .state = d.started == absl::InfiniteFuture() ? AgentState::kActive
                      : clock_.Now() < d.done ? AgentState::kDraining
                                              : AgentState::kDrained});
      }
    }
    return state;
  }

  // Drainer
  absl::Status Drain(const std::vector<std::string>& ids,
                     absl::Duration) override {
    for (const std::string& id : ids) {
      auto it = instances_.find(id);
      if (it == instances_.end() || !Joined(it->second)) continue;
      DrainRecord& d = drains_[id];
      if (d.started != absl::InfiniteFuture()) continue;
      d.started = clock_.Now();
      d.done = d.started + absl::Seconds(Uniform(0, 240));
      ++drains_started_;
    }
    return absl::OkStatus();
  }

  // PriceFeed
  absl::StatusOr<PriceHistory> History(const Market& market, absl::Time from,
                                       absl::Time to) override {
    PriceHistory history{.market = market};
    for (size_t i = 0; i < prices_.size(); ++i) {
      const bool in_force_at_from =
          i + 1 < prices_.size() && prices_[i + 1].time > from;
      if (prices_[i].time > to) break;
      if (prices_[i].time >= from || in_force_at_from ||
          i + 1 == prices_.size()) {
        history.points.push_back(prices_[i]);
      }
    }
    return history;
  }
  absl::StatusOr<double> OnDemandPrice(const std::string&,
                                       const std::string&) override {
    return kOnDemandUsd;
  }

  // InstanceManager
  absl::StatusOr<Fleet> List() override {
    Fleet fleet;
    for (const auto& [id, i] : instances_) fleet.instances.push_back(i);
    for (const auto& [id, r] : requests_) fleet.requests.push_back(r);
    return fleet;
  }
  absl::StatusOr<std::vector<std::string>> RequestSpot(
      const SpotRequestSpec& spec) override {
    if (auto it = by_token_.find(spec.idempotency_token);
        it != by_token_.end()) {
      return it->second;
    }
    if (!spot_capacity_) {
      return WithFailureCause(absl::ResourceExhaustedError("no spot capacity"),
                              FailureCause::kCapacity,
                              "InsufficientInstanceCapacity");
    }
    std::vector<std::string> ids;
    for (int n = 0; n < spec.count; ++n) {
      const std::string id = NewId("sir-");
      requests_[id] = {.id = id,
                       .state = SpotRequestState::kOpen,
                       .status_code = "pending-evaluation",
                       .create_time = clock_.Now(),
                       .bid_usd_per_hour = spec.bid_usd_per_hour,
                       .instance_type = spec.instance_type,
                       .availability_zone = spec.availability_zone,
                       .replaces_instance_id = spec.replaces_instance_id};
      ids.push_back(id);
    }
    by_token_[spec.idempotency_token] = ids;
    return ids;
  }
  absl::StatusOr<std::vector<std::string>> LaunchOnDemand(
      const OnDemandSpec& spec) override {
    if (auto it = by_token_.find(spec.idempotency_token);
        it != by_token_.end()) {
      return it->second;
    }
    if (on_demand_quota_reached_) {
      return WithFailureCause(
          absl::ResourceExhaustedError("on-demand quota reached"),
          FailureCause::kQuota, "InstanceLimitExceeded");
    }
    std::vector<std::string> ids;
    for (int n = 0; n < spec.count; ++n) {
      const std::string id = NewId("i-od-");
      instances_[id] = {.id = id,
                        .instance_type = spec.instance_type,
                        .availability_zone = spec.availability_zone,
                        .lifecycle = Lifecycle::kOnDemand,
                        .state = InstanceState::kPending,
                        .launch_time = clock_.Now(),
                        .max_price_usd_per_hour = kOnDemandUsd};
      ids.push_back(id);
    }
    by_token_[spec.idempotency_token] = ids;
    return ids;
  }
  absl::Status CancelRequests(const std::vector<std::string>& ids) override {
    for (const std::string& id : ids) {
      auto it = requests_.find(id);
      if (it != requests_.end() && it->second.state == SpotRequestState::kOpen)
        requests_.erase(it);
    }
    return absl::OkStatus();
  }
  absl::Status Terminate(const std::vector<std::string>& ids) override {
    for (const std::string& id : ids) {
      auto it = instances_.find(id);
      if (it == instances_.end()) continue;
      if (it->second.interruption_notice) ++interrupted_terminated_;
      if (drain_grace_ && Joined(it->second)) {
        const DrainRecord& d = drains_[id];
        const bool drained = clock_.Now() >= d.done;
        const bool grace_up = d.started != absl::InfiniteFuture() &&
                              clock_.Now() - d.started >= *drain_grace_;
        if (!drained && !grace_up) ++undrained_terminated_;
        if (d.started != absl::InfiniteFuture()) ++ended_after_drain_;
      }
      if (auto r = requests_.find(it->second.spot_request_id);
          r != requests_.end())
        requests_.erase(r);
      instances_.erase(it);
    }
    return absl::OkStatus();
  }

 private:
  double Uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(random_);
  }
  std::string NewId(const char* prefix) {
    return absl::StrCat(prefix, next_id_++);
  }
  bool Joined(const Instance& i) const {
    return clock_.Now() >= i.launch_time + absl::Minutes(1);
  }
  struct DrainRecord {
    absl::Time started = absl::InfiniteFuture();
    absl::Time done = absl::InfiniteFuture();
  };

 public:
  // Terminations of instances under an interruption notice.
  int interrupted_terminated_ = 0;
  // Terminations of instances whose agent was neither drained nor draining
  // for the grace period; and of ones drained first.
  int undrained_terminated_ = 0;
  int ended_after_drain_ = 0;
  int drains_started_ = 0;
  int Interrupted() const {
    int n = 0;
    for (const auto& [id, i] : instances_) n += i.interruption_notice;
    return n;
  }

 private:
  std::mt19937_64 random_;
  const StepClock& clock_;
  bool spot_capacity_ = true;
  bool on_demand_quota_reached_ = false;
  double cpus_used_ = 20;
  std::vector<PricePoint> prices_;
  std::map<std::string, Instance> instances_;
  std::map<std::string, SpotRequest> requests_;
  std::map<std::string, std::vector<std::string>> by_token_;
  int next_id_ = 0;
  std::optional<absl::Duration> drain_grace_;
  std::map<std::string, DrainRecord> drains_;
};

// What the Controller asked of the adapters in one tick, in order, what
// came back, and the faults injected into that very call.
struct Call {
  std::string name;
  bool ok;
  bool faulty;  // a fault was injected into this call
  double bid = 0;
};

bool IsRead(const std::string& name) {
  return name == "Snapshot" || name == "List" || name == "History" ||
         name == "OnDemandPrice";
}

// Records calls into one shared, ordered log. Each recorder wraps a faulty
// adapter and takes the injector's log right after the call, so every
// fault is pinned to the call it hit.
class Recorder {
 public:
  explicit Recorder(FaultInjector& faults) : faults_(faults) {}
  void Add(std::string name, bool ok, double bid = 0) {
    const bool faulty = !faults_.TakeLog().empty();
    calls.push_back({std::move(name), ok, faulty, bid});
  }
  std::vector<Call> calls;

 private:
  FaultInjector& faults_;
};

class RecordingMetrics final : public MetricsSource {
 public:
  RecordingMetrics(MetricsSource& inner, Recorder& log)
      : inner_(inner), log_(log) {}
  absl::StatusOr<ClusterState> Snapshot() override {
    auto r = inner_.Snapshot();
    log_.Add("Snapshot", r.ok());
    return r;
  }

 private:
  MetricsSource& inner_;
  Recorder& log_;
};

class RecordingPrices final : public PriceFeed {
 public:
  RecordingPrices(PriceFeed& inner, Recorder& log) : inner_(inner), log_(log) {}
  absl::StatusOr<PriceHistory> History(const Market& market, absl::Time from,
                                       absl::Time to) override {
    auto r = inner_.History(market, from, to);
    log_.Add("History", r.ok());
    return r;
  }
  absl::StatusOr<double> OnDemandPrice(const std::string& type,
                                       const std::string& region) override {
    auto r = inner_.OnDemandPrice(type, region);
    log_.Add("OnDemandPrice", r.ok());
    return r;
  }

 private:
  PriceFeed& inner_;
  Recorder& log_;
};

class RecordingInstances final : public InstanceManager {
 public:
  RecordingInstances(InstanceManager& inner, Recorder& log)
      : inner_(inner), log_(log) {}
  absl::StatusOr<Fleet> List() override {
    auto r = inner_.List();
    log_.Add("List", r.ok());
    return r;
  }
  absl::StatusOr<std::vector<std::string>> RequestSpot(
      const SpotRequestSpec& spec) override {
    auto r = inner_.RequestSpot(spec);
    log_.Add("RequestSpot", r.ok(), spec.bid_usd_per_hour);
    return r;
  }
  absl::StatusOr<std::vector<std::string>> LaunchOnDemand(
      const OnDemandSpec& spec) override {
    auto r = inner_.LaunchOnDemand(spec);
    log_.Add("LaunchOnDemand", r.ok());
    return r;
  }
  absl::Status CancelRequests(const std::vector<std::string>& ids) override {
    auto r = inner_.CancelRequests(ids);
    log_.Add("CancelRequests", r.ok());
    return r;
  }
  absl::Status Terminate(const std::vector<std::string>& ids) override {
    auto r = inner_.Terminate(ids);
    log_.Add("Terminate", r.ok());
    return r;
  }

 private:
  InstanceManager& inner_;
  Recorder& log_;
};

class RecordingDrainer final : public Drainer {
 public:
  RecordingDrainer(Drainer& inner, Recorder& log) : inner_(inner), log_(log) {}
  absl::Status Drain(const std::vector<std::string>& ids,
                     absl::Duration grace) override {
    auto r = inner_.Drain(ids, grace);
    log_.Add("Drain", r.ok());
    return r;
  }

 private:
  Drainer& inner_;
  Recorder& log_;
};

Policy RandomPolicy(std::mt19937_64& random) {
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(random);
  };
  auto coin = [&] { return std::bernoulli_distribution(0.5)(random); };
  Policy p = PrototypePolicy();
  p.evaluation_interval = absl::Minutes(1);
  p.scaling.strategy = coin() ? "burst-point" : "target";
  const char* bidding[] = {"minimum", "mean",    "on-demand",
                           "high",    "current", "current-plus"};
  p.bidding.strategy = bidding[random() % 6];
  p.bidding.padding_usd = uniform(0.001, 0.1);
  p.bidding.max_bid_usd_per_hour = uniform(0.02, 0.5);
  p.scaling.max_instances = static_cast<int>(random() % 9);
  p.billing.model = coin() ? BillingModel::kHourly : BillingModel::kPerSecond;
  p.billing.partial_hour_limit = absl::Minutes(random() % 40);
  p.fallback.enabled = coin();
  p.fallback.revert_after = absl::Minutes(random() % 5);
  p.cost.max_fleet_usd_per_hour = coin() ? 0 : uniform(0.05, 0.6);
  // Short timeouts: stale requests are cancelled within a schedule, in the
  // same ticks as launches.
  p.requests.timeout = absl::Minutes(2 + random() % 8);
  return p;
}

TEST(ControllerUnderFaults, SafetyRulesHoldOverTenThousandFaultSchedules) {
  constexpr int kSchedules = 10000;
  constexpr int kTicks = 20;
  std::mt19937_64 random(7);
  int ticks_acted = 0, ticks_refused = 0, launches_skipped = 0,
      peak_counted = 0, follow_ups = 0, follow_ups_acted = 0,
      peak_interrupted = 0, drains_started = 0, ended_after_drain = 0;
  for (int schedule = 0; schedule < kSchedules; ++schedule) {
    Policy policy = RandomPolicy(random);
    // Half the clusters report their agents, with a grace period of up to
    // five minutes (none: drained agents only, or straight after a drain).
    const bool agents = random() % 2 == 0;
    const absl::Duration grace = absl::Minutes(random() % 6);
    policy.billing.drain_time = grace;
    auto engine = Engine::Create(policy);
    ASSERT_TRUE(engine.ok()) << engine.status();
    auto rate = [&] {
      return std::uniform_real_distribution<double>(0, 0.15)(random);
    };
    const FaultRates rates{.fail = rate(), .timeout = rate(), .wrong = rate()};
    StepClock clock;
    TruthWorld world(random(), clock,
                     agents ? std::optional(grace) : std::nullopt);
    FaultInjector faults(random(), rates);
    FaultyMetricsSource faulty_metrics(world, faults);
    FaultyPriceFeed faulty_prices(world, faults);
    FaultyInstanceManager faulty_instances(world, faults);
    Recorder log(faults);
    RecordingMetrics metrics(faulty_metrics, log);
    RecordingPrices prices(faulty_prices, log);
    RecordingInstances instances(faulty_instances, log);
    FaultyDrainer faulty_drainer(world, faults);
    RecordingDrainer drainer(faulty_drainer, log);
    Controller controller(*engine, metrics, prices, instances, clock,
                          {.drainer = &drainer});
    for (int tick = 0; tick < kTicks; ++tick) {
      SCOPED_TRACE(absl::StrCat("schedule ", schedule, " tick ", tick));
      world.Step();
      log.calls.clear();
      const TickReport report = controller.Tick();
      bool read_failed = false, shrink_failed = false;
      int changes = 0;
      for (const Call& call : log.calls) {
        if (IsRead(call.name)) {
          read_failed = read_failed || !call.ok || call.faulty;
          continue;
        }
        ASSERT_FALSE(read_failed)
            << "a " << call.name << " after a failed or wrong read";
        ++changes;
        if (call.name == "RequestSpot") {
          ASSERT_LE(call.bid, policy.bidding.max_bid_usd_per_hour + 1e-9);
        }
        if (call.name == "RequestSpot" || call.name == "LaunchOnDemand") {
          ASSERT_FALSE(shrink_failed) << "a launch after a failed shrink";
        } else if (!call.ok) {
          shrink_failed = true;
        }
      }
      if (read_failed && changes == 0) ++ticks_refused;
      if (changes > 0) ++ticks_acted;
      ASSERT_EQ(world.interrupted_terminated_, 0)
          << "the policy ended an instance under an interruption notice";
      ASSERT_EQ(world.undrained_terminated_, 0)
          << "an instance ended before its agent was drained or its grace "
             "period was up";
      if (!report.follow_ups.empty()) {
        ++follow_ups;
        if (report.follow_ups[0].applied > 0) ++follow_ups_acted;
      }
      peak_interrupted = std::max(peak_interrupted, world.Interrupted());
      launches_skipped += report.launches_skipped;
      ASSERT_LE(world.Counted(), policy.scaling.max_instances);
      if (policy.cost.max_fleet_usd_per_hour > 0) {
        ASSERT_LE(world.WorstCaseUsdPerHour(),
                  policy.cost.max_fleet_usd_per_hour + 1e-9);
      }
      peak_counted = std::max(peak_counted, world.Counted());
      clock.now += policy.evaluation_interval;
    }
    drains_started += world.drains_started_;
    ended_after_drain += world.ended_after_drain_;
  }
  // The schedules reached what they are meant to test.
  EXPECT_GT(ticks_acted, kSchedules);
  EXPECT_GT(ticks_refused, kSchedules);
  EXPECT_GT(launches_skipped, 100);
  EXPECT_EQ(peak_counted, 8);
  EXPECT_GT(follow_ups, 1000);
  EXPECT_GT(follow_ups_acted, 100);
  EXPECT_GT(peak_interrupted, 0);
  EXPECT_GT(drains_started, 1000);
  EXPECT_GT(ended_after_drain, 500);
}

}  // namespace
}  // namespace spotburst
