// Billing positions: when ending an instance wastes no paid time.
//
// Hourly billing charges a user-ended instance its whole started hour, so an
// instance is endable only from `partial_hour_limit` into its current hour
// until `drain_time` before the hour ends (the end, after draining, must
// land inside the paid hour). Per-second billing charges at least
// `minimum_billed`, so an instance is endable once draining would take it
// past that minimum. Pure functions.
//
//   BillingPosition p = BillingPositionOf(policy.billing, i.launch_time, now);
//   if (!p.endable) std::cout << "endable at " << p.endable_at;
#ifndef SPOTBURST_BILLING_H_
#define SPOTBURST_BILLING_H_

#include "absl/time/time.h"
#include "spotburst/policy.h"

namespace spotburst {

struct BillingPosition {
  // Time since the start of the current billing period (hourly), or since
  // launch (per-second).
  absl::Duration into_period = absl::ZeroDuration();
  // Time left until the paid period ends (hourly); zero for per-second.
  absl::Duration left_in_period = absl::ZeroDuration();
  bool endable = false;
  // When it is (or next becomes) endable; `now` when endable.
  absl::Time endable_at = absl::InfinitePast();
};

// A launch time after `now` counts as just launched.
BillingPosition BillingPositionOf(const BillingPolicy& billing,
                                  absl::Time launch_time, absl::Time now);

}  // namespace spotburst

#endif  // SPOTBURST_BILLING_H_
