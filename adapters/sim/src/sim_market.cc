// Price look-ups over a replayed trace: arrays of seconds, prices and
// running cost, so both "price at t" and "cost between a and b" are a
// binary search, and History slices move a cursor forward.
#include "sim_market.h"

#include <algorithm>

namespace spotburst::sim::internal {

SimMarket::SimMarket(const PriceHistory& history) : history_(history) {
  const size_t n = history.points.size();
  seconds_.reserve(n);
  prices_.reserve(n);
  cumulative_.reserve(n);
  double cumulative = 0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t t = absl::ToUnixSeconds(history.points[i].time);
    if (i > 0) cumulative += prices_.back() * (t - seconds_.back()) / 3600.0;
    seconds_.push_back(t);
    prices_.push_back(history.points[i].usd_per_hour);
    cumulative_.push_back(cumulative);
  }
}

int64_t SimMarket::IndexAt(int64_t t) const {
  const auto after = std::upper_bound(seconds_.begin(), seconds_.end(), t);
  return static_cast<int64_t>(after - seconds_.begin()) - 1;
}

double SimMarket::PriceAt(int64_t t) const {
  const int64_t i = IndexAt(t);
  return i < 0 ? 0.0 : prices_[i];
}

double SimMarket::CumulativeCost(int64_t t) const {
  const int64_t i = IndexAt(t);
  if (i < 0) return 0;
  return cumulative_[i] + prices_[i] * (t - seconds_[i]) / 3600.0;
}

double SimMarket::CostBetween(int64_t from, int64_t to) const {
  if (to <= from) return 0;
  return CumulativeCost(to) - CumulativeCost(from);
}

PriceHistory SimMarket::Slice(absl::Time from, absl::Time to) {
  PriceHistory slice;
  SliceInto(from, to, slice);
  return slice;
}

void SimMarket::SliceInto(absl::Time from, absl::Time to, PriceHistory& slice) {
  slice.market = history_.market;
  slice.points.clear();
  const size_t n = seconds_.size();
  if (n == 0 || to < from) return;
  const int64_t from_s = absl::ToUnixSeconds(from);
  const int64_t to_s = absl::ToUnixSeconds(to);
  // The start index: the point in force at `from`, else the first point.
  size_t start = std::min(slice_hint_, n - 1);
  if (seconds_[start] > from_s) {
    const int64_t i = IndexAt(from_s);
    start = i < 0 ? 0 : static_cast<size_t>(i);
  } else {
    // Usually the same point or a few further: walk, then search if far.
    size_t walked = 0;
    while (start + 1 < n && seconds_[start + 1] <= from_s && walked < 8) {
      ++start;
      ++walked;
    }
    if (start + 1 < n && seconds_[start + 1] <= from_s) {
      start = static_cast<size_t>(IndexAt(from_s));
    }
  }
  slice_hint_ = start;
  for (size_t i = start; i < n && seconds_[i] <= to_s; ++i) {
    slice.points.push_back(history_.points[i]);
  }
}

}  // namespace spotburst::sim::internal
