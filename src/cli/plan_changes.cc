// Comparing two plans by what they do (see plan_changes.h).
#include "cli/plan_changes.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace spotburst::cli {
namespace {

// Differing actions listed per kind; the rest are counted.
constexpr size_t kMaxListed = 3;

// USD to a millionth, without trailing zeros: equal texts, equal prices.
std::string Usd(double usd) {
  std::string s = absl::StrFormat("%.6f", usd);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// What an action does, without its reasons and token: two actions with the
// same text are the same action.
std::string ActionText(const Action& a) {
  switch (a.kind) {
    case ActionKind::kRequestSpot:
    case ActionKind::kLaunchOnDemand: {
      std::string text = absl::StrCat(a.count, " x ", a.instance_type);
      if (!a.availability_zone.empty()) {
        absl::StrAppend(&text, " in ", a.availability_zone);
      }
      if (a.kind == ActionKind::kRequestSpot) {
        absl::StrAppend(&text, " @ ", Usd(a.bid_usd_per_hour));
      }
      if (!a.replaces_instance_id.empty()) {
        absl::StrAppend(&text, " replacing ", a.replaces_instance_id);
      }
      return text;
    }
    case ActionKind::kCancelRequest:
      return a.request_id;
    case ActionKind::kTerminateInstance:
    case ActionKind::kDrainInstance:
      return a.instance_id;
    case ActionKind::kPostponeTermination:
      return absl::StrCat(a.instance_id, " until ", TimeText(a.endable_at));
  }
  return "";
}

struct KindSummary {
  int actions = 0;
  int instances = 0;
  std::vector<std::string> texts;  // sorted
};

KindSummary Summarize(const Plan& plan, ActionKind kind) {
  KindSummary summary;
  for (const Action& action : plan.actions) {
    if (action.kind != kind) continue;
    ++summary.actions;
    summary.instances += action.count;
    summary.texts.push_back(ActionText(action));
  }
  std::sort(summary.texts.begin(), summary.texts.end());
  return summary;
}

// "none", "3" or "1 (2 instances)".
std::string Describe(const KindSummary& s) {
  if (s.actions == 0) return "none";
  return s.instances > 0
             ? absl::StrFormat("%d (%d instances)", s.actions, s.instances)
             : absl::StrCat(s.actions);
}

// "i-1, i-2, i-3 and 2 more".
std::string List(const std::vector<std::string>& texts) {
  if (texts.empty()) return "none";
  if (texts.size() <= kMaxListed) return absl::StrJoin(texts, ", ");
  return absl::StrCat(
      absl::StrJoin(texts.begin(), texts.begin() + kMaxListed, ", "), " and ",
      texts.size() - kMaxListed, " more");
}

// The change in one kind of action; empty when there is none.
std::string KindChange(ActionKind kind, const KindSummary& a,
                       const KindSummary& b) {
  if (a.texts == b.texts) return "";
  const std::string name(ActionKindName(kind));
  if (a.actions != b.actions || a.instances != b.instances) {
    return absl::StrCat(name, " ", Describe(a), " -> ", Describe(b));
  }
  // Same counts, other targets, zones or bids: the ones that differ.
  std::vector<std::string> gone, added;
  std::set_difference(a.texts.begin(), a.texts.end(), b.texts.begin(),
                      b.texts.end(), std::back_inserter(gone));
  std::set_difference(b.texts.begin(), b.texts.end(), a.texts.begin(),
                      a.texts.end(), std::back_inserter(added));
  return absl::StrCat(name, " ", List(gone), " -> ", List(added));
}

}  // namespace

std::vector<std::string> PlanChanges(const Plan& before, const Plan& after) {
  std::vector<std::string> out;
  if (before.desired != after.desired) {
    out.push_back(
        absl::StrFormat("desired %d -> %d", before.desired, after.desired));
  }
  for (ActionKind kind :
       {ActionKind::kRequestSpot, ActionKind::kLaunchOnDemand,
        ActionKind::kCancelRequest, ActionKind::kDrainInstance,
        ActionKind::kTerminateInstance, ActionKind::kPostponeTermination}) {
    std::string change =
        KindChange(kind, Summarize(before, kind), Summarize(after, kind));
    if (!change.empty()) out.push_back(std::move(change));
  }
  if (!(before.market == after.market)) {
    out.push_back(absl::StrCat("market ", before.market.Name(), " -> ",
                               after.market.Name()));
  }
  const std::string bid_before = Usd(before.bid_usd_per_hour);
  const std::string bid_after = Usd(after.bid_usd_per_hour);
  if (bid_before != bid_after) {
    out.push_back(absl::StrCat("bid ", bid_before, " -> ", bid_after));
  }
  if (before.supply_mode != after.supply_mode) {
    out.push_back(
        absl::StrCat("supply ", std::string(SupplyModeName(before.supply_mode)),
                     " -> ", std::string(SupplyModeName(after.supply_mode))));
  }
  return out;
}

}  // namespace spotburst::cli
