// Rolling price statistics in amortised O(1) per point and per query.
//
// Points form a step function. `points_` holds every point that can still
// matter: the first may lie before the window start (it is the price in force
// there). Min and max come from monotonic deques over the same points; the
// time-weighted mean from a running area under the step function, kept with
// compensated summation so that a large area leaving the window does not
// take the small ones' digits with it.
#include "spotburst/price_window.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "absl/strings/str_format.h"

namespace spotburst {
void PriceWindow::CompensatedSum::Add(double x) {
  const double t = sum_ + x;
  // The low-order bits lost in `t`, taken from the smaller operand.
  compensation_ +=
      std::abs(sum_) >= std::abs(x) ? (sum_ - t) + x : (x - t) + sum_;
  sum_ = t;
}

PriceWindow::PriceWindow(absl::Duration length) : length_(length) {}

absl::Status PriceWindow::Add(absl::Time time, double price_usd) {
  if (!std::isfinite(price_usd) || price_usd < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "price window: price %g at %s is not a finite "
        "non-negative number",
        price_usd, absl::FormatTime(time, absl::UTCTimeZone())));
  }
  if (price_usd > kMaxPriceUsdPerHour) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "price window: price %g at %s is above %g USD/h, more than any "
        "market charges",
        price_usd, absl::FormatTime(time, absl::UTCTimeZone()),
        kMaxPriceUsdPerHour));
  }
  const int64_t seconds = absl::ToUnixSeconds(time);
  if (!points_.empty()) {
    const Point last = points_.back();
    if (seconds < last.seconds) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "price window: point at %s is before the last one at %s",
          absl::FormatTime(time, absl::UTCTimeZone()),
          absl::FormatTime(absl::FromUnixSeconds(last.seconds),
                           absl::UTCTimeZone())));
    }
    if (seconds == last.seconds) {
      // Replace: the newest point is always at the back of both deques.
      points_.pop_back();
      min_candidates_.pop_back();
      max_candidates_.pop_back();
      if (!points_.empty()) {
        closed_area_.Add(-Area(points_.back(), last.seconds));
      }
    }
  }
  if (!points_.empty()) closed_area_.Add(Area(points_.back(), seconds));
  const Point point{seconds, price_usd};
  points_.push_back(point);
  while (!min_candidates_.empty() && min_candidates_.back().price >= price_usd)
    min_candidates_.pop_back();
  min_candidates_.push_back(point);
  while (!max_candidates_.empty() && max_candidates_.back().price <= price_usd)
    max_candidates_.pop_back();
  max_candidates_.push_back(point);
  return absl::OkStatus();
}

void PriceWindow::Evict(int64_t window_start) {
  // The front point leaves once the next one already holds at window start.
  while (points_.size() >= 2 && points_[1].seconds <= window_start) {
    const Point gone = points_.front();
    closed_area_.Add(-Area(gone, points_[1].seconds));
    points_.pop_front();
    if (min_candidates_.front().seconds == gone.seconds)
      min_candidates_.pop_front();
    if (max_candidates_.front().seconds == gone.seconds)
      max_candidates_.pop_front();
  }
}

PriceStats PriceWindow::Stats(absl::Time now) {
  PriceStats stats;
  stats.as_of = now;
  if (points_.empty()) return stats;
  int64_t end = absl::ToUnixSeconds(now);
  if (end < points_.back().seconds) end = points_.back().seconds;
  const int64_t window_start = end - absl::ToInt64Seconds(length_);
  Evict(window_start);

  const Point& first = points_.front();
  const Point& last = points_.back();
  const int64_t start = std::max(first.seconds, window_start);
  CompensatedSum area = closed_area_;
  area.Add(-Area(first, start));
  area.Add(Area(last, end));
  stats.min_usd = min_candidates_.front().price;
  stats.max_usd = max_candidates_.front().price;
  stats.current_usd = last.price;
  // A mean of the window's prices lies between their min and max; the
  // clamp only removes rounding at the edges.
  stats.mean_usd =
      end > start ? std::clamp(area.Value() / static_cast<double>(end - start),
                               stats.min_usd, stats.max_usd)
                  : last.price;
  stats.points = static_cast<int64_t>(points_.size());
  stats.last_change = absl::FromUnixSeconds(last.seconds);
  return stats;
}

absl::StatusOr<PriceStats> SummarizePriceHistory(
    std::span<const PricePoint> points, absl::Duration length, absl::Time now) {
  if (points.empty()) {
    return absl::FailedPreconditionError("no price points");
  }
  std::vector<size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return points[a].time < points[b].time;
  });
  PriceWindow window(length);
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t i = order[k];
    const PricePoint& point = points[i];
    if (point.time > now) {
      return absl::InvalidArgumentError(
          absl::StrFormat("[%d].time: %s is after the evaluation's time %s", i,
                          absl::FormatTime(point.time, absl::UTCTimeZone()),
                          absl::FormatTime(now, absl::UTCTimeZone())));
    }
    if (k > 0 && points[order[k - 1]].time == point.time &&
        points[order[k - 1]].usd_per_hour != point.usd_per_hour) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "[%d]: two prices at %s (%g here, %g at [%d])", i,
          absl::FormatTime(point.time, absl::UTCTimeZone()), point.usd_per_hour,
          points[order[k - 1]].usd_per_hour, order[k - 1]));
    }
    if (absl::Status s = window.Add(point.time, point.usd_per_hour); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("[%d]: %s", i, s.message()));
    }
  }
  return window.Stats(now);
}

}  // namespace spotburst
