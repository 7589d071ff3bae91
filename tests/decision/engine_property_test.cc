// Invariants of Engine::Evaluate over many random inputs: the safety limits
// hold whatever the input, and the same input gives the same plan.
#include <random>

#include "gtest/gtest.h"
#include "spotburst/billing.h"
#include "spotburst/engine.h"
#include "spotburst/wire_format.h"
#include "testing/engine_fixtures.h"

namespace spotburst {
namespace {

using ::spotburst::testing::Market;
using ::spotburst::testing::OnDemandInstance;
using ::spotburst::testing::OpenRequest;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::T0;

class RandomWorld {
 public:
  explicit RandomWorld(uint64_t seed) : rng_(seed) {}

  Policy RandomPolicy() {
    Policy p = PrototypePolicy();
    p.scaling.strategy = Pick({"burst-point", "target"});
    p.bidding.strategy = Pick(
        {"minimum", "mean", "on-demand", "high", "current", "current-plus"});
    p.bidding.padding_usd = Uniform(0.001, 0.2);
    p.bidding.max_bid_usd_per_hour = Uniform(0.01, 0.6);
    p.bidding.floor_at_current = Coin();
    p.scaling.max_instances = Int(0, 40);
    p.scaling.min_instances = Int(0, p.scaling.max_instances);
    p.billing.model = Coin() ? BillingModel::kHourly : BillingModel::kPerSecond;
    p.billing.partial_hour_limit = absl::Minutes(Int(0, 50));
    p.billing.drain_time = absl::Minutes(Int(0, 9));
    p.fallback.enabled = Coin();
    p.cost.max_fleet_usd_per_hour = Coin() ? 0 : Uniform(0.5, 5);
    p.scaling.scale_up_cooldown = absl::Minutes(Int(0, 3));
    p.scaling.min_instance_lifetime = absl::Minutes(Int(0, 20));
    return p;
  }

  EvaluationInput RandomInput(const Policy& policy) {
    EvaluationInput input;
    input.cluster.used = {.cpus = Uniform(0, 120),
                          .mem_mib = Uniform(0, 90000),
                          .disk_mib = Uniform(0, 400000)};
    input.cluster.queued.cpus = Coin() ? 0 : Uniform(0, 60);
    const double current = Uniform(0.005, 0.4);
    input.markets = {Market(current, current * Uniform(0.3, 1),
                            current * Uniform(0.8, 1.5),
                            current * Uniform(1, 5))};
    const int instances = Int(0, 45);
    for (int i = 0; i < instances; ++i) {
      const absl::Time launched = T0() - absl::Seconds(Int(0, 4 * 3600));
      input.fleet.instances.push_back(
          Coin(0.8) ? SpotInstance("i-" + std::to_string(i), launched,
                                   Uniform(0.01, 0.5))
                    : OnDemandInstance("i-" + std::to_string(i), launched));
    }
    const int requests = Int(0, 6);
    for (int i = 0; i < requests; ++i) {
      input.fleet.requests.push_back(OpenRequest(
          "sir-" + std::to_string(i), T0() - absl::Seconds(Int(0, 1800)),
          Coin(0.2) ? policy.bidding.max_bid_usd_per_hour
                    : Uniform(0.01, 0.5)));
    }
    if (Coin(0.3)) {
      input.state.supply_mode = SupplyMode::kOnDemand;
      input.state.supply_mode_since = T0() - absl::Minutes(Int(0, 90));
    }
    input.state.last_scale_up = T0() - absl::Minutes(Int(0, 10));
    return input;
  }

 private:
  double Uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }
  int Int(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  bool Coin(double p = 0.5) { return std::bernoulli_distribution(p)(rng_); }
  std::string Pick(std::initializer_list<const char*> names) {
    return *(names.begin() + Int(0, static_cast<int>(names.size()) - 1));
  }
  std::mt19937_64 rng_;
};

int CountedAfter(const EvaluationInput& input, const Plan& plan) {
  int live = plan.running + plan.pending;
  for (const Action& a : plan.actions) {
    if (a.kind == ActionKind::kTerminateInstance) --live;
    if (a.kind == ActionKind::kCancelRequest && a.replaces_instance_id.empty())
      --live;
    if ((a.kind == ActionKind::kRequestSpot &&
         a.replaces_instance_id.empty()) ||
        a.kind == ActionKind::kLaunchOnDemand)
      live += a.count;
  }
  (void)input;
  return live;
}

TEST(EngineInvariants, HoldOnRandomInputs) {
  RandomWorld world(2024);
  int evaluated = 0;
  for (int i = 0; i < 3000; ++i) {
    const Policy policy = world.RandomPolicy();
    const EvaluationInput input = world.RandomInput(policy);
    auto engine = Engine::Create(policy);
    ASSERT_TRUE(engine.ok()) << engine.status();
    auto result = engine->Evaluate(input, T0());
    ASSERT_TRUE(result.ok()) << result.status();
    ++evaluated;
    const Plan& plan = result->plan;
    const int before = plan.running + plan.pending;
    bool adds = false;
    for (const Action& a : plan.actions) {
      // Never a bid above the maximum bid.
      if (a.kind == ActionKind::kRequestSpot) {
        adds = adds || a.replaces_instance_id.empty();
        ASSERT_LE(a.bid_usd_per_hour, policy.bidding.max_bid_usd_per_hour)
            << "case " << i;
      }
      adds = adds || a.kind == ActionKind::kLaunchOnDemand;
      // Never an hourly instance ended before its partial-hour limit (nor
      // after the drain deadline), nor one younger than the minimum.
      if (a.kind == ActionKind::kTerminateInstance) {
        const Instance* instance = nullptr;
        for (const Instance& x : input.fleet.instances)
          if (x.id == a.instance_id) instance = &x;
        ASSERT_NE(instance, nullptr);
        const BillingPosition pos =
            BillingPositionOf(policy.billing, instance->launch_time, T0());
        ASSERT_TRUE(pos.endable) << "case " << i << " " << a.instance_id;
        if (policy.billing.model == BillingModel::kHourly) {
          ASSERT_GE(pos.into_period, policy.billing.partial_hour_limit);
        }
        ASSERT_GE(T0() - instance->launch_time,
                  policy.scaling.min_instance_lifetime);
      }
    }
    // Never above the maximum: launches only while the count stays within.
    if (adds) {
      ASSERT_LE(CountedAfter(input, plan), policy.scaling.max_instances)
          << "case " << i;
    }
    ASSERT_LE(CountedAfter(input, plan),
              std::max(before, policy.scaling.max_instances));
    // Never a fleet above the cost ceiling because of this plan.
    if (policy.cost.max_fleet_usd_per_hour > 0 && adds) {
      ASSERT_LE(plan.fleet_usd_per_hour,
                policy.cost.max_fleet_usd_per_hour + 1e-9)
          << "case " << i;
    }
    // Same inputs, same plan.
    auto again = engine->Evaluate(input, T0());
    ASSERT_TRUE(again.ok());
    ASSERT_EQ(PlanToText(again->plan), PlanToText(plan));
    ASSERT_EQ(again->state, result->state);
  }
  EXPECT_EQ(evaluated, 3000);
}

// One Evaluation kept across evaluations of unrelated inputs (as a
// controller's loop keeps it) holds exactly what a fresh one would: no
// action, note, usage or figure of an earlier plan is left over, and a
// failed evaluation leaves no decision behind.
TEST(EngineInvariants, AnEvaluationKeptAcrossCallsHoldsOnlyTheLatestPlan) {
  RandomWorld world(77);
  Evaluation kept;
  int failures = 0;
  for (int i = 0; i < 1500; ++i) {
    const Policy policy = world.RandomPolicy();
    EvaluationInput input = world.RandomInput(policy);
    // Every tenth input fails: half at the input check, half once a launch
    // failure has already become a backoff in the new state.
    const bool make_bad = i % 10 == 9;
    if (make_bad && i % 20 == 9) input.cluster.used.cpus = -1;
    if (make_bad && i % 20 == 19) {
      input.markets.clear();
      input.launch_failures.push_back(
          {.market = {.instance_type = "c4.large",
                      .availability_zone = "us-east-1a"},
           .time = T0() - absl::Minutes(1),
           .code = "InsufficientInstanceCapacity"});
    }
    auto engine = Engine::Create(policy);
    ASSERT_TRUE(engine.ok()) << engine.status();
    const absl::Status status = engine->Evaluate(input, T0(), kept);
    const absl::StatusOr<Evaluation> fresh = engine->Evaluate(input, T0());
    ASSERT_EQ(status, fresh.status()) << "case " << i;
    if (make_bad) {
      ASSERT_FALSE(status.ok());
      ++failures;
      EXPECT_TRUE(kept.plan.actions.empty() && kept.plan.notes.empty() &&
                  kept.plan.usage.empty() && kept.plan.policy_name.empty())
          << "case " << i;
      ASSERT_EQ(kept.state, input.state) << "case " << i;
      continue;
    }
    ASSERT_TRUE(status.ok()) << status;
    ASSERT_EQ(PlanToJson(kept.plan, kept.state),
              PlanToJson(fresh->plan, fresh->state))
        << "case " << i;
    ASSERT_EQ(PlanToText(kept.plan), PlanToText(fresh->plan)) << "case " << i;
  }
  EXPECT_EQ(failures, 150);
}

}  // namespace
}  // namespace spotburst
