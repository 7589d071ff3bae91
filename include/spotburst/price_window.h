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
#include <span>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/market.h"

namespace spotburst {

// The highest price, USD per instance-hour, that any input may carry. The
// dearest instances cost a few hundred USD an hour on demand; a price above
// this is a unit or parsing mistake (e.g. 1e20), and one such point would
// dominate every statistic of the window. Price traces, states and
// PriceWindow::Add refuse it.
inline constexpr double kMaxPriceUsdPerHour = 1000;

class PriceWindow {
 public:
  explicit PriceWindow(absl::Duration length);

  // InvalidArgument for a NaN, infinite or negative price, one above
  // kMaxPriceUsdPerHour, or a time before the last point added; the window
  // is then unchanged. A point at the same time replaces the last one.
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
  // Area under the step from `p` until `until`: the same product every
  // time, so an area added and later removed cancels exactly.
  static double Area(const Point& p, int64_t until) {
    return p.price * static_cast<double>(until - p.seconds);
  }

  absl::Duration length_;
  std::deque<Point> points_;
  // Monotonic deques over points_: candidates for the window min / max.
  std::deque<Point> min_candidates_;
  std::deque<Point> max_candidates_;
  // A running sum that stays exact to rounding of the terms still in it:
  // adding a huge area and later taking it away again gives back the sum of
  // the others (Neumaier's compensated summation), where a plain sum would
  // have lost them and could even turn negative.
  class CompensatedSum {
   public:
    void Add(double x);
    double Value() const { return sum_ + compensation_; }

   private:
    double sum_ = 0;
    double compensation_ = 0;
  };

  // Sum of price * seconds over the closed segments between points_.
  CompensatedSum closed_area_;
};

// The statistics a PriceWindow of `length` fed `points` would give at
// `now`, with the points in any order (EC2 lists the newest first).
// InvalidArgument naming the point ("[3]: ...") for a bad price, a point
// after `now`, or two points at one time with different prices;
// FailedPrecondition when `points` is empty.
absl::StatusOr<PriceStats> SummarizePriceHistory(
    std::span<const PricePoint> points, absl::Duration length, absl::Time now);

}  // namespace spotburst

#endif  // SPOTBURST_PRICE_WINDOW_H_
