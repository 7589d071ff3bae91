// Backoffs after capacity and quota failures.
#include "decision/launch_backoff.h"

#include <algorithm>
#include <cstddef>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace spotburst::internal {
namespace {

// Whether a failure and a backoff are about the same thing: the market and
// lifecycle for capacity, the lifecycle alone for quota.
bool SameScope(const LaunchBackoff& backoff, const Market& market,
               Lifecycle lifecycle, FailureCause cause) {
  if (backoff.lifecycle != lifecycle || backoff.cause != cause) return false;
  return cause == FailureCause::kQuota || backoff.market == market;
}

absl::Duration BackoffLength(const RequestPolicy& policy, int failures) {
  absl::Duration length = policy.launch_backoff;
  for (int i = 1; i < failures && length < policy.launch_backoff_max; ++i) {
    length *= 2;
  }
  return std::min(length, policy.launch_backoff_max);
}

std::string Clock(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

bool PolicyMarket(const Policy& policy, const Market& market) {
  const InstanceSpec& spec = policy.instance;
  return market.instance_type == spec.type && market.product == spec.product &&
         (spec.availability_zone.empty() ||
          market.availability_zone == spec.availability_zone);
}

}  // namespace

absl::Status UpdateBackoffs(const RequestPolicy& policy,
                            const std::vector<LaunchFailure>& failures,
                            absl::Time now,
                            std::vector<LaunchBackoff>& backoffs) {
  // Failures in time order, so that "in a row" follows the clock.
  std::vector<size_t> order(failures.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return failures[a].time < failures[b].time;
  });
  for (size_t i : order) {
    const LaunchFailure& f = failures[i];
    if (!BlocksLaunches(f.cause)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "launch_failures[%d].cause: %s blocks no launch; only capacity and "
          "quota failures are given to the engine",
          i, FailureCauseName(f.cause)));
    }
    if (f.time > now || f.time == absl::InfinitePast()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "launch_failures[%d].time: %s must be set and not after now (%s)", i,
          absl::FormatTime(f.time), absl::FormatTime(now)));
    }
    auto it = std::find_if(
        backoffs.begin(), backoffs.end(), [&](const LaunchBackoff& b) {
          return SameScope(b, f.market, f.lifecycle, f.cause);
        });
    if (it == backoffs.end()) {
      backoffs.push_back({.market = f.market,
                          .lifecycle = f.lifecycle,
                          .cause = f.cause,
                          .failures = 0});
      it = std::prev(backoffs.end());
    } else if (f.time <= it->last_failure) {
      continue;  // already counted
    }
    ++it->failures;
    it->market = f.market;
    it->last_failure = f.time;
    it->until = f.time + BackoffLength(policy, it->failures);
    it->code = f.code;
  }
  std::erase_if(backoffs, [&](const LaunchBackoff& b) {
    return now >= b.until + policy.launch_backoff_max;
  });
  return absl::OkStatus();
}

const LaunchBackoff* BlockingBackoff(const std::vector<LaunchBackoff>& backoffs,
                                     const Market& market, Lifecycle lifecycle,
                                     absl::Time now) {
  for (const LaunchBackoff& b : backoffs) {
    if (now < b.until && SameScope(b, market, lifecycle, b.cause)) return &b;
  }
  return nullptr;
}

Reason BackoffReason(const LaunchBackoff& b, absl::Time now) {
  const absl::Duration left = std::max(b.until - now, absl::ZeroDuration());
  Reason reason{.code = ReasonCode::kLaunchBackoff,
                .figures = {{"failures", static_cast<double>(b.failures)},
                            {"backoff_left_s", absl::ToDoubleSeconds(left)}}};
  if (b.cause == FailureCause::kQuota) {
    reason.text.Add("%s quota reached: no launches in any market",
                    LifecycleName(b.lifecycle));
  } else {
    reason.text.Add("%s capacity short in %s", LifecycleName(b.lifecycle),
                    b.market.Name());
  }
  reason.text.Add(
      " (%s, %d failure(s) in a row): left alone until %s (%s left)",
      b.code.empty() ? FailureCauseName(b.cause) : std::string_view(b.code),
      b.failures, Clock(b.until), absl::Trunc(left, absl::Seconds(1)));
  return reason;
}

std::vector<Reason> ActiveBackoffNotes(
    const std::vector<LaunchBackoff>& backoffs, absl::Time now) {
  std::vector<Reason> notes;
  for (const LaunchBackoff& b : backoffs) {
    if (now < b.until) notes.push_back(BackoffReason(b, now));
  }
  return notes;
}

OnDemandPlacement PlaceOnDemand(const Policy& policy,
                                const std::vector<MarketView>& markets,
                                const Market& selected,
                                const std::vector<LaunchBackoff>& backoffs,
                                absl::Time now) {
  const LaunchBackoff* first =
      BlockingBackoff(backoffs, selected, Lifecycle::kOnDemand, now);
  if (first == nullptr) return {.zone = selected.availability_zone};
  if (first->cause != FailureCause::kQuota) {
    const Market* best = nullptr;
    for (const MarketView& view : markets) {
      const Market& m = view.market;
      if (!PolicyMarket(policy, m) ||
          BlockingBackoff(backoffs, m, Lifecycle::kOnDemand, now) != nullptr) {
        continue;
      }
      if (best == nullptr || m.availability_zone < best->availability_zone) {
        best = &m;
      }
    }
    if (best != nullptr) return {.zone = best->availability_zone};
  }
  return {.blocked = BackoffReason(*first, now)};
}

}  // namespace spotburst::internal
