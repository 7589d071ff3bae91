// Usage arithmetic shared by the scaling strategies.
#include <limits>

#include "spotburst/scaling_strategy.h"

namespace spotburst {

double UsageShare(double used, double capacity) {
  if (capacity > 0) return used / capacity;
  return used > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

std::vector<ResourceUsage> UsageAt(const ScalingInput& input, int count) {
  std::vector<ResourceUsage> usage;
  usage.reserve(kAllResourceKinds.size());
  const Resources capacity = input.baseline + input.shape * count;
  for (ResourceKind kind : kAllResourceKinds) {
    const double used = input.used.Get(kind);
    const double cap = capacity.Get(kind);
    usage.push_back({.kind = kind,
                     .used = used,
                     .capacity = cap,
                     .share = UsageShare(used, cap)});
  }
  return usage;
}

}  // namespace spotburst
