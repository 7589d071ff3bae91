// Billing positions for hourly and per-second billing.
#include "spotburst/billing.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace spotburst {
namespace {

constexpr int64_t kHourNanoseconds = int64_t{3600} * 1000 * 1000 * 1000;

}  // namespace

BillingPosition BillingPositionOf(const BillingPolicy& billing,
                                  absl::Time launch_time, absl::Time now) {
  BillingPosition position;
  const absl::Duration age = std::max(now - launch_time, absl::ZeroDuration());
  if (billing.model == BillingModel::kPerSecond) {
    position.into_period = age;
    position.endable = age + billing.drain_time >= billing.minimum_billed;
    position.endable_at =
        position.endable
            ? now
            : launch_time + billing.minimum_billed - billing.drain_time;
    return position;
  }
  const absl::Duration hour = absl::Hours(1);
  // Whole nanoseconds (every real age) take integer arithmetic; absl's
  // Duration remainder is exact for any duration but much slower.
  const int64_t age_ns = absl::ToInt64Nanoseconds(age);
  if (age_ns != std::numeric_limits<int64_t>::max() &&
      absl::Nanoseconds(age_ns) == age) {
    position.into_period = absl::Nanoseconds(age_ns % kHourNanoseconds);
  } else {
    position.into_period = age % hour;
  }
  position.left_in_period = hour - position.into_period;
  // Ending must start at the limit and finish (after draining) before the
  // next hour is charged.
  const absl::Duration last_moment = hour - billing.drain_time;
  if (position.into_period >= billing.partial_hour_limit &&
      position.into_period < last_moment) {
    position.endable = true;
    position.endable_at = now;
  } else if (position.into_period < billing.partial_hour_limit) {
    position.endable_at =
        now + (billing.partial_hour_limit - position.into_period);
  } else {
    position.endable_at =
        now + position.left_in_period + billing.partial_hour_limit;
  }
  return position;
}

}  // namespace spotburst
