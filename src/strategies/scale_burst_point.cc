// "burst-point": the prototype's rule, exactly.
//
// n = running + open requests; capacity = baseline + n x shape. If any
// resource's used / capacity >= burst point: add one instance unless n + 1
// exceeds the maximum. Otherwise, with n > 0, remove the largest m <= n that
// keeps every resource under the burst point with m instances fewer. One
// step up per evaluation, any number down: the baseline every other
// strategy is compared with.
#include <algorithm>
#include <string>

#include "absl/strings/str_format.h"
#include "strategies/builtin.h"
#include "strategies/function_factory.h"

namespace spotburst::internal {
namespace {

// The resource with the highest share, for the reason line.
const ResourceUsage& Highest(const std::vector<ResourceUsage>& usage) {
  return *std::max_element(usage.begin(), usage.end(),
                           [](const ResourceUsage& a, const ResourceUsage& b) {
                             return a.share < b.share;
                           });
}

// Highest(UsageAt(input, count)) without building the list.
ResourceUsage HighestAt(const ScalingInput& input, int count) {
  const Resources capacity = input.baseline + input.shape * count;
  ResourceUsage top{.share = -1};
  for (ResourceKind kind : kAllResourceKinds) {
    const double used = input.used.Get(kind);
    const double cap = capacity.Get(kind);
    const double share = UsageShare(used, cap);
    if (share > top.share) {
      top = {.kind = kind, .used = used, .capacity = cap, .share = share};
    }
  }
  return top;
}

bool AllBelow(const ScalingInput& input, int count) {
  const Resources capacity = input.baseline + input.shape * count;
  for (ResourceKind kind : kAllResourceKinds) {
    if (UsageShare(input.used.Get(kind), capacity.Get(kind)) >=
        input.burst_point) {
      return false;
    }
  }
  return true;
}

class BurstPointScaling final : public ScalingStrategy {
 public:
  absl::StatusOr<ScalingDecision> Decide(
      const ScalingInput& input) const override {
    const int n = input.counted();
    ScalingDecision decision;
    decision.usage = UsageAt(input, n);
    const ResourceUsage& top = Highest(decision.usage);
    if (top.share >= input.burst_point) {
      if (n + 1 > input.max_instances) {
        decision.desired = n;
        decision.reason = {
            .code = ReasonCode::kAtMaxInstances,
            .figures = {
                {"share", top.share},
                {"max_instances", static_cast<double>(input.max_instances)}}};
        decision.reason.text.Add(
            "%s %.2f >= burst point %.2f with %d running + %d pending, but %d "
            "+ 1 > max %d",
            ResourceName(top.kind), top.share, input.burst_point, input.running,
            input.pending, n, input.max_instances);
      } else {
        decision.desired = n + 1;
        decision.reason = {.code = ReasonCode::kScaleUp,
                           .figures = {{"share", top.share},
                                       {"burst_point", input.burst_point}}};
        decision.reason.text.Add(
            "%s %.2f >= burst point %.2f with %d running + %d pending -> +1",
            ResourceName(top.kind), top.share, input.burst_point, input.running,
            input.pending);
      }
      return decision;
    }
    // Usage only grows as instances go, so the largest m keeping every
    // resource under the burst point is found by bisection.
    int low = 0, high = n;  // AllBelow(n - low) holds
    while (low < high) {
      const int mid = low + (high - low + 1) / 2;
      if (AllBelow(input, n - mid)) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    decision.desired = n - low;
    const ResourceUsage top_after = HighestAt(input, n - low);
    decision.reason = {
        .code = low > 0 ? ReasonCode::kScaleDown : ReasonCode::kNoChange,
        .figures = {{"share", top.share},
                    {"share_after", top_after.share},
                    {"remove", static_cast<double>(low)}}};
    if (low > 0) {
      decision.reason.text.Add(
          "%s %.2f < burst point %.2f with %d running + %d pending; with %d "
          "fewer %s is %.2f -> -%d",
          ResourceName(top.kind), top.share, input.burst_point, input.running,
          input.pending, low, ResourceName(top_after.kind), top_after.share,
          low);
    } else {
      decision.reason.text.Add(
          "%s %.2f < burst point %.2f with %d running + %d pending -> no "
          "change",
          ResourceName(top.kind), top.share, input.burst_point, input.running,
          input.pending);
    }
    return decision;
  }
};

}  // namespace

std::unique_ptr<ScalingStrategyFactory> NewBurstPointScalingFactory() {
  return std::make_unique<ScalingFunctionFactory>(
      "burst-point",
      "the prototype's rule: +1 while any resource is at the burst point, "
      "down in one go",
      [](const ScalingPolicy&)
          -> absl::StatusOr<std::unique_ptr<ScalingStrategy>> {
        return std::make_unique<BurstPointScaling>();
      });
}

}  // namespace spotburst::internal
