// ScalingStrategy: how many burst instances the cluster should have.
//
// Given usage, the baseline, the instance shape and the instances counted
// now, a strategy returns the desired count with its reason. It sees every
// resource kind; a strategy scales up if any resource crosses the burst
// point. Cooldowns, stabilization and minimum lifetime are applied by the
// engine afterwards, so a strategy stays a pure function of one input.
// Strategies are immutable once made: Decide may be called from any thread.
//
//   absl::StatusOr<ScalingDecision> d = strategy->Decide(input);
//   // d->desired - input.counted() instances to add (negative: remove)
#ifndef SPOTBURST_SCALING_STRATEGY_H_
#define SPOTBURST_SCALING_STRATEGY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"
#include "spotburst/resources.h"

namespace spotburst {

struct ScalingInput {
  Resources used;
  Resources queued;
  Resources baseline;
  Resources shape;
  // Burst instances running (or booting) and open requests.
  int running = 0;
  int pending = 0;
  double burst_point = 0.75;
  int min_instances = 0;
  int max_instances = 10;

  int counted() const { return running + pending; }
};

struct ScalingDecision {
  int desired = 0;
  Reason reason;
  // Usage of every resource at the current count.
  std::vector<ResourceUsage> usage;
};

class ScalingStrategy {
 public:
  ScalingStrategy() = default;
  ScalingStrategy(const ScalingStrategy&) = delete;
  ScalingStrategy& operator=(const ScalingStrategy&) = delete;
  virtual ~ScalingStrategy() = default;

  virtual absl::StatusOr<ScalingDecision> Decide(
      const ScalingInput& input) const = 0;
};

class ScalingStrategyFactory {
 public:
  virtual ~ScalingStrategyFactory() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  virtual absl::StatusOr<std::unique_ptr<ScalingStrategy>> Create(
      const ScalingPolicy& policy) const = 0;
};

// usage = used / capacity, with a zero capacity counting as 0 when nothing
// is used and as +infinity (over any threshold) otherwise.
double UsageShare(double used, double capacity);

// Usage of every resource kind for `count` burst instances.
std::vector<ResourceUsage> UsageAt(const ScalingInput& input, int count);

}  // namespace spotburst

#endif  // SPOTBURST_SCALING_STRATEGY_H_
