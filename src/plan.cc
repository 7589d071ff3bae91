// Plan: names of action kinds, reason codes and supply modes, and the
// human-readable rendering used by dry runs and logs.
#include "spotburst/plan.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace spotburst {

std::string_view ActionKindName(ActionKind kind) {
  switch (kind) {
    case ActionKind::kRequestSpot:
      return "request-spot";
    case ActionKind::kLaunchOnDemand:
      return "launch-on-demand";
    case ActionKind::kCancelRequest:
      return "cancel-request";
    case ActionKind::kTerminateInstance:
      return "terminate-instance";
    case ActionKind::kPostponeTermination:
      return "postpone-termination";
    case ActionKind::kDrainInstance:
      return "drain-instance";
  }
  return "unknown";
}

std::string_view SupplyModeName(SupplyMode mode) {
  switch (mode) {
    case SupplyMode::kSpot:
      return "spot";
    case SupplyMode::kOnDemand:
      return "on-demand";
  }
  return "unknown";
}

namespace {

// Debian's abseil has its own string_view, which StrCat needs.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

// Spot prices have at most four decimals; print them without trailing zeros
// so "0.127" reads as the bid that was placed.
std::string Usd(double usd) {
  std::string s = absl::StrFormat("%.4f", usd);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string TimeText(absl::Time t) {
  if (t == absl::InfinitePast()) return "never";
  if (t == absl::InfiniteFuture()) return "forever";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// The reasons of an action, leaving out those already printed as notes
// (the scaling decision every removal shares) unless nothing else is left.
std::string Messages(const std::vector<Reason>& reasons,
                     const absl::flat_hash_set<std::string>& noted) {
  std::vector<const Reason*> shown;
  for (const Reason& r : reasons) {
    if (!noted.contains(r.message())) shown.push_back(&r);
  }
  if (shown.empty() && !reasons.empty()) shown.push_back(&reasons.front());
  return absl::StrJoin(shown, "; ", [](std::string* out, const Reason* r) {
    if (r->text.empty()) {
      absl::StrAppend(out, Sv(ReasonCodeName(r->code)));
    } else {
      r->text.AppendTo(*out);
    }
  });
}

// The part of an action line before the reasons.
std::string ActionHead(const Action& a) {
  std::string head(Sv(ActionKindName(a.kind)));
  switch (a.kind) {
    case ActionKind::kRequestSpot:
    case ActionKind::kLaunchOnDemand:
      absl::StrAppend(&head, " ", a.count, " x ", a.instance_type);
      if (!a.availability_zone.empty()) {
        absl::StrAppend(&head, " in ", a.availability_zone);
      }
      if (a.kind == ActionKind::kRequestSpot) {
        absl::StrAppend(&head, " @ ", Usd(a.bid_usd_per_hour));
      }
      if (!a.replaces_instance_id.empty()) {
        absl::StrAppend(&head, " replacing ", a.replaces_instance_id);
      }
      if (!a.idempotency_token.empty()) {
        absl::StrAppend(&head, " [token ", a.idempotency_token, "]");
      }
      break;
    case ActionKind::kCancelRequest:
      absl::StrAppend(&head, " ", a.request_id);
      break;
    case ActionKind::kTerminateInstance:
    case ActionKind::kDrainInstance:
      absl::StrAppend(&head, " ", a.instance_id);
      break;
    case ActionKind::kPostponeTermination:
      absl::StrAppend(&head, " ", a.instance_id, " (",
                      absl::FormatDuration(a.into_billing_period),
                      " into billing period, endable at ",
                      TimeText(a.endable_at), ")");
      break;
  }
  return head;
}

// Resources the cluster has or uses; an all-zero gpus line says nothing.
std::vector<ResourceUsage> Scaled(const std::vector<ResourceUsage>& usage) {
  std::vector<ResourceUsage> shown;
  for (const ResourceUsage& u : usage) {
    if (u.used != 0 || u.capacity != 0) shown.push_back(u);
  }
  return shown;
}

}  // namespace

std::string PlanToText(const Plan& plan) {
  std::string out =
      absl::StrCat("plan ", plan.policy_name.empty() ? "-" : plan.policy_name,
                   " at ", TimeText(plan.evaluated_at), "\n");
  absl::StrAppend(&out, "  market ",
                  plan.market.instance_type.empty() ? "-" : plan.market.Name(),
                  ": price ", Usd(plan.current_price_usd), ", bid ",
                  Usd(plan.bid_usd_per_hour), ", supply ",
                  Sv(SupplyModeName(plan.supply_mode)), "\n");
  absl::StrAppend(&out, "  instances: running ", plan.running);
  if (plan.booting > 0) absl::StrAppend(&out, " (", plan.booting, " booting)");
  absl::StrAppend(&out, ", pending ", plan.pending);
  if (plan.draining > 0) absl::StrAppend(&out, ", draining ", plan.draining);
  absl::StrAppend(&out, ", desired ", plan.desired, "; fleet cost ",
                  Usd(plan.fleet_usd_per_hour), " USD/h\n");
  if (!plan.usage.empty()) {
    absl::StrAppend(
        &out, "  usage: ",
        absl::StrJoin(Scaled(plan.usage), ", ",
                      [](std::string* s, const ResourceUsage& u) {
                        absl::StrAppend(
                            s, Sv(ResourceName(u.kind)), " ",
                            absl::StrFormat("%.1f/%.1f = %.2f", u.used,
                                            u.capacity, u.share));
                      }),
        "\n");
  }
  absl::flat_hash_set<std::string> noted;
  for (const Reason& note : plan.notes) {
    std::string message = note.message();
    absl::StrAppend(&out, "  note ", Sv(ReasonCodeName(note.code)), ": ",
                    message, "\n");
    noted.insert(std::move(message));
  }
  if (plan.actions.empty()) absl::StrAppend(&out, "  no actions\n");
  for (const Action& a : plan.actions) {
    absl::StrAppend(&out, "  ", ActionHead(a), ": ", Messages(a.reasons, noted),
                    "\n");
  }
  return out;
}

}  // namespace spotburst
