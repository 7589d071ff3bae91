// Billing-aware choice of instances to end.
#include "decision/scale_in.h"

#include <algorithm>

#include "spotburst/billing.h"

namespace spotburst::internal {
namespace {

struct Candidate {
  const Instance* instance;
  BillingPosition billing;
  bool too_young = false;
};

int64_t Minutes(absl::Duration d) { return absl::ToInt64Minutes(d); }

Candidate Assess(const Instance& instance, const Policy& policy,
                 const BillingPolicy& billing, absl::Time now) {
  Candidate c{&instance, BillingPositionOf(billing, instance.launch_time, now)};
  const absl::Time grown_up =
      instance.launch_time + policy.scaling.min_instance_lifetime;
  if (grown_up > now) {
    // Not endable before the minimum lifetime; then at the first good
    // billing point from there on.
    c.too_young = true;
    c.billing.endable = false;
    const BillingPosition later =
        BillingPositionOf(billing, instance.launch_time, grown_up);
    c.billing.endable_at = later.endable_at;
  }
  return c;
}

Reason BillingReason(const Candidate& c, const Policy& policy, absl::Time now) {
  const Instance& i = *c.instance;
  const bool hourly = policy.billing.model == BillingModel::kHourly;
  const double into_minutes = absl::ToDoubleMinutes(c.billing.into_period);
  if (c.billing.endable) {
    Reason r{.code = ReasonCode::kBillingBoundary,
             .figures = {{"minutes_into_period", into_minutes}}};
    if (hourly) {
      r.text.Add(
          "%s %d min into its hour >= limit %d min: ending wastes no paid "
          "time",
          i.id, Minutes(c.billing.into_period),
          Minutes(policy.billing.partial_hour_limit));
    } else {
      r.text.Add("%s billed %s >= minimum %s", i.id, c.billing.into_period,
                 policy.billing.minimum_billed);
    }
    return r;
  }
  if (c.too_young) {
    Reason r = MakeReason(
        ReasonCode::kMinLifetime,
        {{"age_minutes", absl::ToDoubleMinutes(now - i.launch_time)}},
        "%s postponed: %d min old, minimum lifetime %d min; ", i.id,
        Minutes(now - i.launch_time),
        Minutes(policy.scaling.min_instance_lifetime));
    r.text.Add("endable at %s (in %d min)", TimeOfDay{c.billing.endable_at},
               Minutes(c.billing.endable_at - now));
    return r;
  }
  Reason r{
      .code = ReasonCode::kBillingPostponed,
      .figures = {{"minutes_into_period", into_minutes},
                  {"limit_minutes",
                   absl::ToDoubleMinutes(policy.billing.partial_hour_limit)},
                  {"endable_in_minutes",
                   absl::ToDoubleMinutes(c.billing.endable_at - now)}}};
  if (hourly) {
    r.text.Add("%s postponed: %d min into its hour, limit %d min", i.id,
               Minutes(c.billing.into_period),
               Minutes(policy.billing.partial_hour_limit));
    if (policy.billing.drain_time > absl::ZeroDuration()) {
      r.text.Add(", drain %d min", Minutes(policy.billing.drain_time));
    }
  } else {
    r.text.Add("%s postponed: billed %s < minimum %s", i.id,
               c.billing.into_period, policy.billing.minimum_billed);
  }
  r.text.Add("; endable at %s (in %d min)", TimeOfDay{c.billing.endable_at},
             Minutes(c.billing.endable_at - now));
  return r;
}

bool EndFirst(const Candidate& a, const Candidate& b) {
  const bool a_od = a.instance->lifecycle == Lifecycle::kOnDemand;
  const bool b_od = b.instance->lifecycle == Lifecycle::kOnDemand;
  if (a_od != b_od) return a_od;
  if (a.billing.left_in_period != b.billing.left_in_period)
    return a.billing.left_in_period < b.billing.left_in_period;
  if (a.instance->launch_time != b.instance->launch_time)
    return a.instance->launch_time > b.instance->launch_time;
  return a.instance->id < b.instance->id;
}

bool EndableSooner(const Candidate& a, const Candidate& b) {
  if (a.billing.endable_at != b.billing.endable_at)
    return a.billing.endable_at < b.billing.endable_at;
  return EndFirst(a, b);
}

// Sorts the first `k` elements of [first, last) by `less`, in O(n + k log k).
template <typename It, typename Less>
void TopK(It first, It last, size_t k, Less less) {
  k = std::min<size_t>(k, last - first);
  if (k == 0) return;
  std::nth_element(first, first + (k - 1), last, less);
  std::sort(first, first + k, less);
}

}  // namespace

ScaleInChoice ChooseScaleIn(
    const std::vector<const Instance*>& candidates, int count,
    const Policy& policy, absl::Time now, const Reason& cause,
    const std::function<bool(const Instance&)>& drained_first,
    const UnitWeights* weights) {
  ScaleInChoice choice;
  if (count <= 0) return choice;
  BillingPolicy at_once = policy.billing;
  at_once.drain_time = absl::ZeroDuration();
  std::vector<Candidate> endable, waiting;
  endable.reserve(candidates.size());
  for (const Instance* instance : candidates) {
    const bool drains = !drained_first || drained_first(*instance);
    Candidate c =
        Assess(*instance, policy, drains ? policy.billing : at_once, now);
    (c.billing.endable ? endable : waiting).push_back(c);
  }
  // Each action is built where it stays (an Action is large to move).
  auto fill = [&](Action& action, ActionKind kind, const Candidate& c,
                  absl::Time endable_at) {
    action.kind = kind;
    action.instance_type = c.instance->instance_type;
    action.availability_zone = c.instance->availability_zone;
    action.instance_id = c.instance->id;
    action.into_billing_period = c.billing.into_period;
    action.endable_at = endable_at;
    action.reasons.reserve(2);
    action.reasons.push_back(cause);
    action.reasons.push_back(BillingReason(c, policy, now));
  };
  auto end = [&](const Candidate& c) {
    fill(choice.terminations.emplace_back(), ActionKind::kTerminateInstance, c,
         now);
    choice.terminated.push_back(c.instance);
  };
  auto postpone = [&](const Candidate& c) {
    fill(choice.postponements.emplace_back(), ActionKind::kPostponeTermination,
         c, c.billing.endable_at);
    choice.postponed.push_back(c.instance);
  };
  if (weights != nullptr && !weights->all_one()) {
    // In units, in the same order: an instance weighing more than the
    // units still to remove is skipped (ending it would remove too much).
    int left = count;
    auto take = [&](std::vector<Candidate>& list, auto less, auto act) {
      std::sort(list.begin(), list.end(), less);
      for (const Candidate& c : list) {
        if (left == 0) return;
        const int weight = weights->Of(c.instance->instance_type);
        if (weight > left) continue;
        left -= weight;
        act(c);
      }
    };
    take(endable, EndFirst, end);
    take(waiting, EndableSooner, postpone);
    return choice;
  }
  const size_t end_now = std::min<size_t>(count, endable.size());
  TopK(endable.begin(), endable.end(), end_now, EndFirst);
  choice.terminations.reserve(end_now);
  choice.terminated.reserve(end_now);
  for (size_t i = 0; i < end_now; ++i) end(endable[i]);
  const size_t postpone_count =
      std::min<size_t>(count - end_now, waiting.size());
  TopK(waiting.begin(), waiting.end(), postpone_count, EndableSooner);
  choice.postponements.reserve(postpone_count);
  choice.postponed.reserve(postpone_count);
  for (size_t i = 0; i < postpone_count; ++i) postpone(waiting[i]);
  return choice;
}

}  // namespace spotburst::internal
