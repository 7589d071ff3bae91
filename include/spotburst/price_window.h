// PriceWindow: rolling min / mean / max / current of one market's price.
//
// Price feeds push price changes in time order; Stats(now) summarises the
// window [now - length, now] in amortised O(1), whatever the history's
// length, so an evaluation costs the same with 1,000 or 1,000,000 points.
// A price holds from its timestamp until the next one (as EC2 reports), so
// the point in force at the window's start still counts, and the mean is
// weighted by time. Not thread-safe: one writer, or guard it.
//
//   PriceWindow window(absl::Hours(24));
//   SPOTBURST_RETURN_IF_ERROR(window.Add(t, 0.0261));
//   PriceStats stats = window.Stats(now);
#ifndef SPOTBURST_PRICE_WINDOW_H_
#define SPOTBURST_PRICE_WINDOW_H_

#include <cstdint>
#include <deque>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "spotburst/market.h"

namespace spotburst {

class PriceWindow {
 public:
  explicit PriceWindow(absl::Duration length);

  // InvalidArgument for a NaN, infinite or negative price, or a time before
  // the last point added. A point at the same time replaces the last one.
  absl::Status Add(absl::Time time, double price_usd);

  // Statistics of the window ending at `now` (not before the last point).
  // Drops points that can no longer enter any later window.
  PriceStats Stats(absl::Time now);

  absl::Duration length() const { return length_; }
  bool empty() const { return points_.empty(); }

 private:
  struct Point {
    int64_t seconds;  // since the Unix epoch
    double price;
  };
  void Evict(int64_t window_start);

  absl::Duration length_;
  std::deque<Point> points_;
  // Monotonic deques over points_: candidates for the window min / max.
  std::deque<Point> min_candidates_;
  std::deque<Point> max_candidates_;
  // Sum of price * seconds over the closed segments between points_.
  long double closed_area_ = 0;
};

}  // namespace spotburst

#endif  // SPOTBURST_PRICE_WINDOW_H_
