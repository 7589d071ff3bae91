// Embedding spotburst in a program of your own.
//
// Builds a policy in code (or loads the one named on the command line),
// registers a custom bidding strategy, "example.fixed", next to the
// built-in ones, creates the Engine and evaluates one cluster state: 34 of
// 40 private CPUs in use and one spot market. Prints the plan.
//
//   spotburst_embed_example                    # the policy built below
//   spotburst_embed_example my-policy.yaml     # a policy file instead
//
// Exits 0 when the plan holds one spot request of the policy's type (for
// one instance under "burst-point", at the fixed bid with "example.fixed");
// 1 otherwise, so it doubles as an installation check.
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "spotburst/bidding_strategy.h"
#include "spotburst/engine.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"
#include "spotburst/strategy_registry.h"

namespace {

// An embedder's strategy names carry a prefix, so they never collide with
// a built-in name.
constexpr char kFixedBidName[] = "example.fixed";
// Its setting, read from the policy's bidding.params.
constexpr char kFixedBidParam[] = "usd_per_hour";
constexpr double kDefaultFixedBidUsd = 0.05;

// Always bids the same price.
class FixedBid final : public spotburst::BiddingStrategy {
 public:
  explicit FixedBid(double usd_per_hour) : usd_per_hour_(usd_per_hour) {}

  spotburst::BidQuote Quote(const spotburst::BidContext&) const override {
    return {.usd_per_hour = usd_per_hour_,
            // The sentence is made only when someone reads it.
            .rule = spotburst::ReasonText().Add("fixed %.4f", usd_per_hour_)};
  }

 private:
  double usd_per_hour_;
};

class FixedBidFactory final : public spotburst::BiddingStrategyFactory {
 public:
  std::string_view name() const override { return kFixedBidName; }
  std::string_view description() const override {
    return "a fixed bid: bidding.params.usd_per_hour (default 0.05)";
  }
  absl::StatusOr<std::unique_ptr<spotburst::BiddingStrategy>> Create(
      const spotburst::BiddingPolicy& policy) const override {
    double usd = kDefaultFixedBidUsd;
    if (auto it = policy.params.find(kFixedBidParam);
        it != policy.params.end()) {
      usd = it->second;
    }
    if (!std::isfinite(usd) || usd <= 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "bidding.params.%s: %g must be > 0", kFixedBidParam, usd));
    }
    return std::make_unique<FixedBid>(usd);
  }
};

// A 40-CPU private cluster bursting into c4.large spot instances at a
// fixed bid once 75 % of any resource is in use.
spotburst::Policy ExamplePolicy() {
  spotburst::Policy p;
  p.name = "embed-example";
  p.baseline = {.cpus = 40, .mem_mib = 81920, .disk_mib = 819200};
  p.instance.type = "c4.large";
  p.instance.shape = {.cpus = 2, .mem_mib = 3840};
  p.instance.on_demand_usd_per_hour = 0.1;
  p.instance.region = "us-east-1";
  p.instance.availability_zone = "us-east-1a";
  p.scaling.strategy = "burst-point";
  p.scaling.burst_point = 0.75;
  p.scaling.max_instances = 10;
  p.bidding.strategy = kFixedBidName;
  p.bidding.params[kFixedBidParam] = kDefaultFixedBidUsd;
  p.bidding.max_bid_usd_per_hour = 0.5;
  return p;
}

// What the adapters would gather: cluster usage and the price statistics
// of the policy's market.
spotburst::EvaluationInput ExampleInput(const spotburst::Policy& policy,
                                        absl::Time now) {
  spotburst::EvaluationInput input;
  input.cluster.used = {.cpus = 34, .mem_mib = 20480};
  input.cluster.baseline = {.cpus = 40, .mem_mib = 81920, .disk_mib = 819200};
  input.cluster.read_at = now;
  const std::string zone = policy.instance.availability_zone.empty()
                               ? policy.instance.region + "a"
                               : policy.instance.availability_zone;
  input.markets.push_back({.market = {.instance_type = policy.instance.type,
                                      .availability_zone = zone,
                                      .product = policy.instance.product},
                           .stats = {.min_usd = 0.0188,
                                     .mean_usd = 0.0262,
                                     .max_usd = 0.0871,
                                     .current_usd = 0.0271,
                                     .points = 1440,
                                     .last_change = now - absl::Minutes(1),
                                     .as_of = now}});
  return input;
}

// The plan must hold one spot request for the policy's instance type: for
// one instance under "burst-point" (which adds one at a time), and at the
// fixed bid when the policy uses "example.fixed".
bool HasExpectedRequest(const spotburst::Policy& policy,
                        const spotburst::Plan& plan) {
  int requests = 0;
  bool as_expected = true;
  for (const spotburst::Action& a : plan.actions) {
    if (a.kind != spotburst::ActionKind::kRequestSpot) continue;
    ++requests;
    as_expected =
        as_expected && a.count >= 1 && a.instance_type == policy.instance.type;
    if (policy.scaling.strategy == "burst-point") {
      as_expected = as_expected && a.count == 1;
    }
    if (policy.bidding.strategy == kFixedBidName) {
      const auto it = policy.bidding.params.find(kFixedBidParam);
      const double fixed =
          it == policy.bidding.params.end() ? kDefaultFixedBidUsd : it->second;
      as_expected = as_expected && std::abs(a.bid_usd_per_hour - fixed) < 1e-6;
    }
  }
  return requests == 1 && as_expected;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2) {
    std::cerr << "usage: " << argv[0] << " [policy.yaml]\n";
    return 2;
  }

  // 1. The policy.
  absl::StatusOr<spotburst::Policy> policy =
      argc == 2 ? spotburst::LoadPolicyFile(argv[1]) : ExamplePolicy();
  if (!policy.ok()) {
    std::cerr << policy.status() << "\n";
    return 1;
  }

  // 2. The registry: the built-ins plus our own strategy.
  spotburst::StrategyRegistry::Builder builder;
  spotburst::RegisterBuiltinStrategies(builder);
  if (absl::Status s = builder.AddBidding(std::make_unique<FixedBidFactory>());
      !s.ok()) {
    std::cerr << s << "\n";
    return 1;
  }
  const spotburst::StrategyRegistry registry = std::move(builder).Build();
  std::cout << "bidding strategies: "
            << absl::StrJoin(registry.BiddingNames(), ", ") << "\n";

  // 3. The engine: validates the policy and creates its strategies.
  absl::StatusOr<spotburst::Engine> engine =
      spotburst::Engine::Create(*policy, registry);
  if (!engine.ok()) {
    std::cerr << engine.status() << "\n";
    return 1;
  }

  // 4. One evaluation. A fixed time keeps the output reproducible; a
  // controller passes its clock's Now() and feeds `state` back next time.
  const absl::Time now = absl::FromUnixSeconds(1450000000);
  spotburst::EvaluationInput input = ExampleInput(*policy, now);
  absl::StatusOr<spotburst::Evaluation> evaluation =
      engine->Evaluate(input, now);
  if (!evaluation.ok()) {
    std::cerr << evaluation.status() << "\n";
    return 1;
  }
  std::cout << spotburst::PlanToText(evaluation->plan);

  if (!HasExpectedRequest(*policy, evaluation->plan)) {
    std::cerr << "unexpected plan: wanted one request-spot action for "
              << policy->instance.type << "\n";
    return 1;
  }
  std::cout << "ok: spot capacity requested as expected\n";
  return 0;
}
