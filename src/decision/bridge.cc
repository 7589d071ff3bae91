// How much of a spot scale-up the demand needs now (scaling.bridge:
// shortfall), so on-demand bridges only what cannot wait for spot.
#include <algorithm>
#include <cmath>

#include "decision/engine_steps.h"

namespace spotburst::internal {

int Shortfall(const ScalingInput& input) {
  // Capacity that is up or booting: an open request adds none until it is
  // fulfilled, which is what the bridge is for.
  const Resources capacity = input.baseline + input.shape * input.running;
  double short_by = 0;
  for (ResourceKind kind : kAllResourceKinds) {
    const double per_instance = input.shape.Get(kind);
    if (per_instance <= 0) continue;
    const double missing =
        input.used.Get(kind) + input.queued.Get(kind) - capacity.Get(kind);
    // A sliver over a whole instance is float noise, not one more instance.
    short_by = std::max(short_by, std::ceil(missing / per_instance - 1e-9));
  }
  return static_cast<int>(
      std::min(short_by, static_cast<double>(input.max_instances)));
}

}  // namespace spotburst::internal
