// "target": jump straight to the count that brings every resource just
// under the burst point, counting queued demand, clamped to [min, max].
#include <algorithm>

#include "absl/strings/str_format.h"
#include "strategies/builtin.h"
#include "strategies/function_factory.h"

namespace spotburst::internal {
namespace {

bool Fits(const Resources& demand, const ScalingInput& input, int count) {
  const Resources capacity = input.baseline + input.shape * count;
  for (ResourceKind kind : kAllResourceKinds) {
    if (UsageShare(demand.Get(kind), capacity.Get(kind)) >= input.burst_point)
      return false;
  }
  return true;
}

class TargetScaling final : public ScalingStrategy {
 public:
  absl::StatusOr<ScalingDecision> Decide(
      const ScalingInput& input) const override {
    const int n = input.counted();
    const Resources demand = input.used + input.queued;
    ScalingDecision decision;
    decision.usage = UsageAt(input, n);
    const int max = std::max(input.max_instances, input.min_instances);
    // Smallest count that fits, by bisection (fitting only gets easier).
    int low = 0, high = max;
    const bool reachable = Fits(demand, input, max);
    if (reachable) {
      while (low < high) {
        const int mid = low + (high - low) / 2;
        if (Fits(demand, input, mid)) {
          high = mid;
        } else {
          low = mid + 1;
        }
      }
    }
    const int wanted = reachable ? low : max;
    decision.desired = std::clamp(wanted, input.min_instances, max);
    ScalingInput with_demand = input;
    with_demand.used = demand;
    const std::vector<ResourceUsage> at_target =
        UsageAt(with_demand, decision.desired);
    const ResourceUsage& top =
        *std::max_element(at_target.begin(), at_target.end(),
                          [](const ResourceUsage& a, const ResourceUsage& b) {
                            return a.share < b.share;
                          });
    ReasonCode code = decision.desired > n   ? ReasonCode::kScaleUp
                      : decision.desired < n ? ReasonCode::kScaleDown
                                             : ReasonCode::kNoChange;
    ReasonText& text = decision.reason.text;
    text.Add(
        "target: demand cpus %.1f mem %.0f MiB; %d instances put %s at %.2f "
        "vs burst point %.2f -> %+d",
        demand.cpus, demand.mem_mib, decision.desired, ResourceName(top.kind),
        top.share, input.burst_point, decision.desired - n);
    if (!reachable) {
      code = ReasonCode::kAtMaxInstances;
      text.Add(" (max %d cannot fit the demand)", max);
    } else if (decision.desired != wanted) {
      code = decision.desired > wanted ? ReasonCode::kAtMinInstances
                                       : ReasonCode::kAtMaxInstances;
      text.Add(" (clamped from %d to [%d, %d])", wanted, input.min_instances,
               max);
    }
    decision.reason.code = code;
    decision.reason.figures = {
        {"target", static_cast<double>(decision.desired)},
        {"share_at_target", top.share}};
    return decision;
  }
};

}  // namespace

std::unique_ptr<ScalingStrategyFactory> NewTargetScalingFactory() {
  return std::make_unique<ScalingFunctionFactory>(
      "target",
      "straight to the count that keeps used + queued under the burst point",
      [](const ScalingPolicy&)
          -> absl::StatusOr<std::unique_ptr<ScalingStrategy>> {
        return std::make_unique<TargetScaling>();
      });
}

}  // namespace spotburst::internal
