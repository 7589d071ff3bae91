// Plan: what one evaluation decided, and why, in numbers.
//
// A plan is a list of actions (request spot, launch on-demand, cancel a
// request, drain an instance's agent, end an instance, postpone ending one)
// plus notes about limits that held something back. Every action carries one or
// more reasons; when a later rule changes an earlier decision (max instances,
// cost ceiling, partial-hour limit) it appends a reason rather than replacing
// one.
//
// Actions come in this order: cancels, drains, terminations, postponements,
// then launches. Render with PlanToText (people) or PlanToJson (wire_format.h).
//
//   for (const Action& a : plan.actions)
//     std::cout << ActionKindName(a.kind) << ": " <<
//     a.reasons.back().message();
#ifndef SPOTBURST_PLAN_H_
#define SPOTBURST_PLAN_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "spotburst/market.h"
#include "spotburst/reason.h"
#include "spotburst/resources.h"

namespace spotburst {

enum class ActionKind {
  kRequestSpot,
  kLaunchOnDemand,
  kCancelRequest,
  kTerminateInstance,
  kPostponeTermination,
  // Hand the instance's agent back to the cluster (drainer.h); the instance
  // ends once the agent is drained, gone, or billing.drain_time_s is up.
  kDrainInstance,
};
std::string_view ActionKindName(ActionKind kind);  // "request-spot", ...

struct Action {
  ActionKind kind;
  // Instances to request or launch (kRequestSpot, kLaunchOnDemand).
  int count = 0;
  std::string instance_type;
  std::string availability_zone;
  // Bid for kRequestSpot, USD per hour.
  double bid_usd_per_hour = 0;
  // Derived from the decision: the same decision retried gives the same
  // token, so the cloud never doubles a request.
  std::string idempotency_token;
  // kCancelRequest.
  std::string request_id;
  // kTerminateInstance, kPostponeTermination, kDrainInstance.
  std::string instance_id;
  // kRequestSpot replacing an on-demand instance.
  std::string replaces_instance_id;
  // kPostponeTermination: how far the instance is into its billing period,
  // and when it becomes endable.
  absl::Duration into_billing_period = absl::ZeroDuration();
  absl::Time endable_at = absl::InfinitePast();
  std::vector<Reason> reasons;
};

// Where new capacity comes from.
enum class SupplyMode { kSpot, kOnDemand };
std::string_view SupplyModeName(SupplyMode mode);  // "spot", "on-demand"

struct ResourceUsage {
  ResourceKind kind;
  double used = 0;
  double capacity = 0;
  double share = 0;  // used / capacity; 0 when both are 0
};

struct Plan {
  std::string policy_name;
  absl::Time evaluated_at = absl::InfinitePast();
  // The market bought in and the bid for it (0 when none was needed). With
  // instance.alternatives: instance.type's market, which the bid and notes
  // are made on; each spot request names its own type and zone.
  Market market;
  double current_price_usd = 0;
  double bid_usd_per_hour = 0;
  SupplyMode supply_mode = SupplyMode::kSpot;
  // Burst instances counted by the scaling rule: running + pending + open
  // requests (not counting on-demand instances being replaced).
  int running = 0;
  int pending = 0;
  int desired = 0;
  // When the cluster reports agents: instances (of `running`) whose agent
  // has not joined yet, and instances whose agent drains before they end
  // (not in `running`).
  int booting = 0;
  int draining = 0;
  std::vector<ResourceUsage> usage;
  // Worst-case hourly cost of the fleet after the plan (cost ceiling basis).
  double fleet_usd_per_hour = 0;
  std::vector<Action> actions;
  // Decisions that produced no action (bid, held-back changes, limits).
  std::vector<Reason> notes;
};

// A human-readable rendering, one line per action and note.
std::string PlanToText(const Plan& plan);

}  // namespace spotburst

#endif  // SPOTBURST_PLAN_H_
