// Building a plan's actions: cancels, terminations, postponements, drains
// and the way back from on-demand; launches are in plan_builder_launch.cc.
#include <algorithm>
#include <cmath>

#include "decision/engine_steps.h"
#include "decision/idempotency.h"
#include "decision/scale_in.h"
#include "spotburst/billing.h"

namespace spotburst::internal {
namespace {

// Bids compare equal to the maximum within a micro-dollar (bids are kept to
// whole micro-dollars, see bidding.cc).
bool AtMaxBid(double bid, const Policy& policy) {
  return std::abs(bid - policy.bidding.max_bid_usd_per_hour) < 5e-7;
}

int64_t Minutes(absl::Duration d) { return absl::ToInt64Minutes(d); }

}  // namespace

TimedOutRequests FindTimedOutRequests(const Policy& policy,
                                      const FleetView& fleet, absl::Time now) {
  TimedOutRequests result;
  auto visit = [&](const SpotRequest* request, bool counted) {
    if (now - request->create_time <= policy.requests.timeout) return;
    ++result.unfulfilled;
    const bool at_max = AtMaxBid(request->bid_usd_per_hour, policy);
    result.requests.push_back({request, at_max, counted});
    if (!at_max && counted) {
      result.counted_cancelled += fleet.weights.Of(request->instance_type);
    }
  };
  for (const SpotRequest* request : fleet.open_requests) visit(request, true);
  for (const SpotRequest* request : fleet.open_replacements)
    visit(request, false);
  return result;
}

PlanBuilder::PlanBuilder(const Policy& policy, const FleetView& fleet,
                         const MarketView& market, const BidResult& bid,
                         absl::Time now, int counted)
    : policy_(policy),
      fleet_(fleet),
      market_(market),
      bid_(bid),
      now_(now),
      counted_(counted),
      fleet_usd_per_hour_(fleet.worst_case_usd_per_hour),
      // Interrupted and draining instances still count toward
      // max_instances while they live.
      live_after_(counted + fleet.leaving_units) {}

void PlanBuilder::SetLaunchLimits(std::optional<Reason> spot_blocked,
                                  OnDemandPlacement on_demand) {
  spot_blocked_ = std::move(spot_blocked);
  on_demand_ = std::move(on_demand);
}

void PlanBuilder::CancelTimedOut(const TimedOutRequests& timed_out) {
  for (const TimedOutRequest& t : timed_out.requests) {
    const SpotRequest& r = *t.request;
    const int64_t age = Minutes(now_ - r.create_time);
    if (t.at_max_bid) {
      notes_.push_back(MakeReason(
          ReasonCode::kRequestTimedOut,
          "request %s open %d min > timeout %d min, kept: it bids the max "
          "%.4f",
          r.id, age, Minutes(policy_.requests.timeout), r.bid_usd_per_hour));
      continue;
    }
    Action cancel{.kind = ActionKind::kCancelRequest,
                  .instance_type = r.instance_type,
                  .availability_zone = r.availability_zone,
                  .bid_usd_per_hour = r.bid_usd_per_hour,
                  .request_id = r.id,
                  .replaces_instance_id = r.replaces_instance_id};
    cancel.reasons.push_back(MakeReason(
        ReasonCode::kRequestTimedOut,
        {{"age_minutes", absl::ToDoubleMinutes(now_ - r.create_time)},
         {"bid_usd", r.bid_usd_per_hour}},
        "request %s open %d min > timeout %d min (bid %.4f, spot %.4f, status "
        "%s)",
        r.id, age, Minutes(policy_.requests.timeout), r.bid_usd_per_hour,
        market_.stats.current_usd,
        r.status_code.empty() ? std::string_view("unknown")
                              : std::string_view(r.status_code)));
    cancels_.push_back(std::move(cancel));
    cancelled_.insert(&r);
    fleet_usd_per_hour_ -= r.bid_usd_per_hour;
    if (t.counted) live_after_ -= fleet_.weights.Of(r.instance_type);
  }
}

void PlanBuilder::ScaleIn(int count, int desired, const Reason& cause) {
  // Open requests first, newest first: nothing is paid for them yet.
  std::vector<const SpotRequest*> open;
  for (const SpotRequest* r : fleet_.open_requests) {
    if (!cancelled_.contains(r)) open.push_back(r);
  }
  std::sort(open.begin(), open.end(),
            [](const SpotRequest* a, const SpotRequest* b) {
              if (a->create_time != b->create_time)
                return a->create_time > b->create_time;
              return a->id > b->id;
            });
  // In units: a request weighing more than the units still to remove is
  // left open.
  int left = count;
  for (const SpotRequest* request : open) {
    if (left == 0) break;
    const SpotRequest& r = *request;
    const int weight = fleet_.weights.Of(r.instance_type);
    if (weight > left) continue;
    left -= weight;
    Action cancel{.kind = ActionKind::kCancelRequest,
                  .instance_type = r.instance_type,
                  .availability_zone = r.availability_zone,
                  .bid_usd_per_hour = r.bid_usd_per_hour,
                  .request_id = r.id};
    cancel.reasons.reserve(2);
    cancel.reasons.push_back(cause);
    cancel.reasons.push_back(MakeReason(
        ReasonCode::kExcessRequest,
        "request %s not needed: %d excess, cancelled before any instance", r.id,
        count));
    cancels_.push_back(std::move(cancel));
    cancelled_.insert(&r);
    fleet_usd_per_hour_ -= r.bid_usd_per_hour;
    live_after_ -= weight;
    ++removed_for_scale_in_;
  }
  if (left <= 0) return;
  // Under hourly billing the billing order decides alone: keeping a serving
  // instance past its hour would pay a new hour for the minutes its
  // stand-ins boot.
  if (policy_.billing.model == BillingModel::kHourly) {
    EndForScaleIn(fleet_.counted_instances, left, cause, nullptr);
    return;
  }
  std::vector<const Instance*> joined, booting;
  int joined_units = 0;
  for (const Instance* instance : fleet_.counted_instances) {
    if (HasJoined(fleet_, *instance)) {
      joined.push_back(instance);
      joined_units += fleet_.weights.Of(instance->instance_type);
    } else {
      booting.push_back(instance);
    }
  }
  const int serving_excess = std::max(0, joined_units - desired);
  if (booting.empty() || serving_excess >= left) {
    EndForScaleIn(fleet_.counted_instances, left, cause, nullptr);
    return;
  }
  EndForScaleIn(joined, serving_excess, cause, nullptr);
  const Reason why_booting = MakeReason(
      ReasonCode::kBooting,
      {{"serving_units", static_cast<double>(joined_units)},
       {"desired_units", static_cast<double>(desired)}},
      "taken from the %d booting instance(s): the %d unit(s) that serve stay "
      "until they join (%d wanted)",
      static_cast<int>(booting.size()), joined_units, desired);
  EndForScaleIn(booting, left - serving_excess, cause, &why_booting);
}

void PlanBuilder::EndForScaleIn(const std::vector<const Instance*>& candidates,
                                int count, const Reason& cause,
                                const Reason* more) {
  ScaleInChoice choice = ChooseScaleIn(candidates, count, policy_, now_, cause,
                                       DrainedFirst(), &fleet_.weights);
  if (more != nullptr) {
    for (Action& a : choice.terminations) a.reasons.push_back(*more);
    for (Action& a : choice.postponements) a.reasons.push_back(*more);
  }
  terminations_.reserve(terminations_.size() + choice.terminations.size());
  postponements_.reserve(postponements_.size() + choice.postponements.size());
  leaving_.reserve(leaving_.size() + choice.terminations.size() +
                   choice.postponements.size());
  for (size_t k = 0; k < choice.terminations.size(); ++k) {
    const Instance* instance = choice.terminated[k];
    leaving_.insert(instance);
    live_after_ -= fleet_.weights.Of(instance->instance_type);
    ++removed_for_scale_in_;
    if (EndOrDrain(std::move(choice.terminations[k]), instance)) {
      fleet_usd_per_hour_ -= instance->max_price_usd_per_hour;
    }
  }
  for (const Instance* instance : choice.postponed) leaving_.insert(instance);
  for (Action& a : choice.postponements) postponements_.push_back(std::move(a));
}

int PlanBuilder::FitUnderCeiling(int count, double unit_usd,
                                 std::string_view what, bool note_held_back) {
  const double cap = policy_.cost.max_fleet_usd_per_hour;
  if (cap <= 0 || unit_usd <= 0 || count <= 0) return count;
  const double room = cap - fleet_usd_per_hour_;
  // Clamped as a double: a huge ceiling or a tiny price makes the quotient
  // larger than any int (and converting that is undefined).
  const int fit = static_cast<int>(std::clamp(
      std::floor(room / unit_usd + 1e-9), 0.0, static_cast<double>(count)));
  if (fit < count && note_held_back) {
    notes_.push_back(MakeReason(
        ReasonCode::kCostCeiling,
        {{"ceiling_usd", cap},
         {"fleet_usd", fleet_usd_per_hour_},
         {"held_back", static_cast<double>(count - fit)}},
        "cost ceiling %.4f USD/h: fleet %.4f + %d x %.4f = %.4f > %.4f -> %d "
        "of %d %s, %d held back",
        cap, fleet_usd_per_hour_, count, unit_usd,
        fleet_usd_per_hour_ + count * unit_usd, cap, fit, count, what,
        count - fit));
  }
  return fit;
}

std::string PlanBuilder::TokenFor(ActionKind kind, int count,
                                  std::string_view replaces,
                                  const Market& market) const {
  const int64_t interval =
      std::max<int64_t>(1, absl::ToInt64Seconds(policy_.evaluation_interval));
  TokenBuilder token;
  token.Add(policy_.name)
      .Add(market.Name())
      .Add(static_cast<int64_t>(kind))
      .Add(absl::ToUnixSeconds(now_) / interval)
      .Add(counted_)
      .Add(count)
      .Add(replaces);
  // An evaluation at a new interruption notice falls within the interval of
  // the tick before it, and may ask for what that tick asked with as many
  // counted: the notices it saw make it another decision. (Without notices
  // the token is what it always was.)
  for (const Instance* noticed : fleet_.interrupted) token.Add(noticed->id);
  return token.Token();
}

const SpotMarket* PlanBuilder::ReplacementMarket(
    const Instance& instance) const {
  if (spread_ == nullptr) return nullptr;
  for (const SpotMarket& m : *spread_) {
    if (m.view.market.instance_type == instance.instance_type) return &m;
  }
  return nullptr;
}

void PlanBuilder::ReplaceOnDemand() {
  for (const Instance* instance : fleet_.counted_instances) {
    if (instance->lifecycle != Lifecycle::kOnDemand ||
        fleet_.replaced_ids.contains(instance->id) ||
        leaving_.contains(instance)) {
      continue;
    }
    const BillingPosition position =
        BillingPositionOf(policy_.billing, instance->launch_time, now_);
    const absl::Duration until_endable = position.endable_at - now_;
    if (until_endable > policy_.fallback.replacement_lead_time) continue;
    const SpotMarket* in = ReplacementMarket(*instance);
    const MarketView& view = in != nullptr ? in->view : market_;
    const BidResult& bid = in != nullptr ? in->bid : bid_;
    if (FitUnderCeiling(1, bid.usd_per_hour, "replacements") == 0) return;
    Action request{.kind = ActionKind::kRequestSpot,
                   .count = 1,
                   .instance_type = policy_.instance.type,
                   .availability_zone = view.market.availability_zone,
                   .bid_usd_per_hour = bid.usd_per_hour,
                   .replaces_instance_id = instance->id};
    request.idempotency_token =
        TokenFor(ActionKind::kRequestSpot, 1, instance->id, view.market);
    request.reasons.push_back(MakeReason(
        ReasonCode::kReplaceOnDemand,
        {{"bid_usd", bid.usd_per_hour},
         {"on_demand_usd", instance->max_price_usd_per_hour}},
        "replace on-demand %s (endable in %d min, lead time %d min) with spot "
        "at bid %.4f, spot %.4f",
        instance->id, Minutes(until_endable),
        Minutes(policy_.fallback.replacement_lead_time), bid.usd_per_hour,
        view.stats.current_usd));
    if (in != nullptr &&
        view.market.availability_zone != market_.market.availability_zone) {
      request.reasons.back().text.Add(
          " in %s, first of the spot markets in the order scale-outs use",
          view.market.availability_zone);
    }
    fleet_usd_per_hour_ += bid.usd_per_hour;
    launches_.push_back(std::move(request));
  }
}

void PlanBuilder::RetireReplaced() {
  if (!fleet_.retiring_on_demand.empty()) {
    const Reason cause{
        .code = ReasonCode::kReplaceOnDemand,
        .text = "on-demand instance replaced by a running spot instance"};
    ScaleInChoice choice =
        ChooseScaleIn(fleet_.retiring_on_demand,
                      static_cast<int>(fleet_.retiring_on_demand.size()),
                      policy_, now_, cause, DrainedFirst());
    EndChosen(choice);
    for (Action& a : choice.postponements) {
      postponements_.push_back(std::move(a));
    }
  }
  RetireAtTheHour();
}

void PlanBuilder::RetireAtTheHour() {
  if (policy_.billing.model != BillingModel::kHourly) return;
  std::vector<const Instance*> candidates;
  for (const Instance* instance : fleet_.awaiting_replacement) {
    if (!leaving_.contains(instance)) candidates.push_back(instance);
  }
  if (candidates.empty()) return;
  const Reason cause{
      .code = ReasonCode::kReplaceOnDemand,
      .text =
          "on-demand instance replaced by a spot instance that boots: "
          "another paid hour would buy only the minutes of its boot"};
  ScaleInChoice choice =
      ChooseScaleIn(candidates, static_cast<int>(candidates.size()), policy_,
                    now_, cause, DrainedFirst());
  // Only the ones at their billing point now; the others serve until their
  // replacement joins or their hour ends, whichever comes first.
  EndChosen(choice);
}

void PlanBuilder::EndChosen(ScaleInChoice& choice) {
  for (size_t k = 0; k < choice.terminations.size(); ++k) {
    const Instance* instance = choice.terminated[k];
    if (EndOrDrain(std::move(choice.terminations[k]), instance)) {
      fleet_usd_per_hour_ -= instance->max_price_usd_per_hour;
    }
  }
}

std::function<bool(const Instance&)> PlanBuilder::DrainedFirst() const {
  // Without agents, every end counts its drain time, as it always has.
  if (!fleet_.reports_agents) return nullptr;
  // As EndOrDrain decides: an agent that still runs is drained first.
  return [this](const Instance& instance) {
    const BurstAgent* agent = AgentOf(fleet_, instance.id);
    return agent != nullptr && agent->state != AgentState::kDrained;
  };
}

bool PlanBuilder::EndOrDrain(Action&& action, const Instance* instance) {
  const BurstAgent* agent = AgentOf(fleet_, instance->id);
  if (agent == nullptr || agent->state == AgentState::kDrained) {
    if (fleet_.reports_agents) {
      if (agent == nullptr) {
        action.reasons.push_back(MakeReason(
            ReasonCode::kDrained,
            "%s has no agent in the cluster: nothing to drain", instance->id));
      } else {
        action.reasons.push_back(MakeReason(ReasonCode::kDrained,
                                            "%s's agent is drained already",
                                            instance->id));
      }
    }
    terminations_.push_back(std::move(action));
    return true;
  }
  action.kind = ActionKind::kDrainInstance;
  action.endable_at = now_ + policy_.billing.drain_time;
  action.reasons.push_back(MakeReason(
      ReasonCode::kDrain,
      {{"grace_seconds", absl::ToDoubleSeconds(policy_.billing.drain_time)}},
      "drain agent %s of %s first: its tasks get up to %s "
      "(billing.drain_time_s), then the instance ends",
      agent->agent_id, instance->id, policy_.billing.drain_time));
  new_drains_.push_back({.instance_id = action.instance_id, .started = now_});
  ++draining_after_;
  drains_.push_back(std::move(action));
  return false;
}

void PlanBuilder::DrainInterrupted() {
  for (const Instance* instance : fleet_.interrupted) {
    const BurstAgent* agent = AgentOf(fleet_, instance->id);
    if (agent == nullptr) continue;
    if (agent->state != AgentState::kActive) {
      // Draining already (ours, or the cluster's own).
      if (agent->state == AgentState::kDraining) ++draining_after_;
      continue;
    }
    Action drain{.kind = ActionKind::kDrainInstance,
                 .instance_type = instance->instance_type,
                 .availability_zone = instance->availability_zone,
                 .instance_id = instance->id,
                 .endable_at = instance->interruption_time};
    Reason& why = drain.reasons.emplace_back(
        MakeReason(ReasonCode::kInterruption, "%s has an interruption notice",
                   instance->id));
    if (instance->interruption_time != absl::InfinitePast()) {
      why.text.Add(" (ends at %s)", TimeOfDay{instance->interruption_time});
    }
    why.text.Add(
        ": drain agent %s now so its tasks move before the provider ends it",
        agent->agent_id);
    new_drains_.push_back({.instance_id = instance->id,
                           .started = now_,
                           .for_interruption = true});
    ++draining_after_;
    drains_.push_back(std::move(drain));
  }
}

void PlanBuilder::FinishDrains() {
  const absl::Duration grace = policy_.billing.drain_time;
  const bool per_second = policy_.billing.model == BillingModel::kPerSecond;
  // Drains still going, and drained instances held to their minimum billed
  // time: one clause each, joined into a note.
  ReasonText waiting, held;
  int waiting_count = 0, held_count = 0;
  for (const auto& [instance, drain] : fleet_.draining) {
    const BurstAgent* agent = AgentOf(fleet_, instance->id);
    const absl::Duration took = now_ - drain->started;
    ReasonText why;
    if (agent == nullptr) {
      why.Add("%s's agent left the cluster after %d min of draining",
              instance->id, Minutes(took));
    } else if (agent->state == AgentState::kDrained) {
      // Taken on drained (AdoptClusterDrains): no time to tell.
      if (took < absl::Minutes(1)) {
        why.Add("%s's agent %s is drained", instance->id, agent->agent_id);
      } else {
        why.Add("%s's agent %s drained in %d min", instance->id,
                agent->agent_id, Minutes(took));
      }
    } else if (took >= grace) {
      why.Add(
          "%s's agent %s still %s after %d min >= grace %d min "
          "(billing.drain_time_s): ending it",
          instance->id, agent->agent_id, AgentStateName(agent->state),
          Minutes(took), Minutes(grace));
    } else {
      if (waiting_count++ > 0) waiting.Add(", ");
      waiting.Add("%s (agent %s %s, %d min of %d min)", instance->id,
                  agent->agent_id, AgentStateName(agent->state), Minutes(took),
                  Minutes(grace));
      continue;
    }
    // Per-second billing charges the minimum however soon an instance ends:
    // a drain over sooner ends it at the minimum, not before (billing.h).
    const absl::Time billed_minimum =
        instance->launch_time + policy_.billing.minimum_billed;
    if (per_second && now_ < billed_minimum) {
      if (held_count++ > 0) held.Add("; ");
      held.Add(why).Add(
          " (billed %s < minimum %s; ends at %s)", now_ - instance->launch_time,
          policy_.billing.minimum_billed, TimeOfDay{billed_minimum});
      continue;
    }
    Action end{
        .kind = ActionKind::kTerminateInstance,
        .instance_type = instance->instance_type,
        .availability_zone = instance->availability_zone,
        .instance_id = instance->id,
        .into_billing_period =
            BillingPositionOf(policy_.billing, instance->launch_time, now_)
                .into_period,
        .endable_at = now_};
    end.reasons.push_back(
        {.code = ReasonCode::kDrained,
         .text = std::move(why),
         .figures = {{"drain_minutes", absl::ToDoubleMinutes(took)}}});
    fleet_usd_per_hour_ -= instance->max_price_usd_per_hour;
    terminations_.push_back(std::move(end));
  }
  if (waiting_count > 0) {
    draining_after_ += waiting_count;
    Reason note = MakeReason(
        ReasonCode::kDraining,
        {{"draining", static_cast<double>(waiting_count)}},
        "waiting for %d agent(s) to drain before their instance ends: ",
        waiting_count);
    note.text.Add(waiting);
    notes_.push_back(std::move(note));
  }
  if (held_count > 0) {
    draining_after_ += held_count;
    Reason note = MakeReason(
        ReasonCode::kBillingPostponed,
        {{"held", static_cast<double>(held_count)}},
        "holding %d drained instance(s) until their minimum billed time: ",
        held_count);
    note.text.Add(held);
    notes_.push_back(std::move(note));
  }
}

void PlanBuilder::Finish(Plan& plan) {
  plan.actions.reserve(cancels_.size() + drains_.size() + terminations_.size() +
                       postponements_.size() + launches_.size());
  for (auto* group :
       {&cancels_, &drains_, &terminations_, &postponements_, &launches_}) {
    for (Action& a : *group) plan.actions.push_back(std::move(a));
  }
  for (Reason& r : notes_) plan.notes.push_back(std::move(r));
  plan.fleet_usd_per_hour = std::max(0.0, fleet_usd_per_hour_);
  plan.draining = draining_after_;
}

}  // namespace spotburst::internal
