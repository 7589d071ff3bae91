// The steps Engine::Evaluate is made of (see engine.cc for their order).
#ifndef SPOTBURST_SRC_DECISION_ENGINE_STEPS_H_
#define SPOTBURST_SRC_DECISION_ENGINE_STEPS_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "decision/fleet_view.h"
#include "decision/launch_backoff.h"
#include "decision/scale_in.h"
#include "spotburst/bidding.h"
#include "spotburst/engine.h"
#include "spotburst/plan.h"
#include "spotburst/policy.h"
#include "spotburst/scaling_strategy.h"

namespace spotburst::internal {

// InvalidArgument naming the field for negative or non-finite resources.
absl::Status CheckEvaluationInput(const EvaluationInput& input);

// The policy's market; with no zone set, the cheapest zone whose prices
// pass CheckPriceStats, preferring zones no backoff blocks for spot.
// FailedPrecondition when there is none. A market given as raw price
// history comes back with its statistics over the policy's price window
// (and no history); a bad history is InvalidArgument.
struct SelectedMarket {
  MarketView view;
  // Why spot cannot be requested in it (every usable market is backed off
  // for spot); empty when it can.
  std::optional<Reason> spot_blocked;
  // With instance.min_markets > 1 and more than one market spot may be
  // asked in: all of them, cheapest first (`view` is the first). With
  // instance.alternatives: every market of a listed type spot may be asked
  // in, cheapest per unit first, the primary type first on a tie (`view`
  // stays the primary type's, for the bid and the notes).
  std::vector<MarketView> spot_markets;
  // With instance.avoid_interruptions on: every market spot may be asked
  // in, cheapest first.
  std::vector<MarketView> open_markets;
};
absl::StatusOr<SelectedMarket> SelectMarket(
    const Policy& policy, const std::vector<MarketView>& markets,
    const std::vector<LaunchBackoff>& backoffs, absl::Time now);

// instance.avoid_interruptions: fades state.exposures by the time since
// state.exposures_as_of (by e^(-elapsed / window)), adds the faded time
// each spot instance of the fleet has run since, and counts each notice
// once (state.interruptions lists the instances under notice already
// counted). Keeps at most kMaxExposuresKept markets, forgetting those faded
// below kForgottenExposure first. Clears all of it when off.
inline constexpr size_t kMaxExposuresKept = 256;
inline constexpr double kForgottenExposure = 1e-3;
void LearnInterruptions(const Fleet& fleet, const InterruptionAvoidance& avoid,
                        absl::Time now, EngineState& state);

// Each market's interruption rate, notices per spot instance-hour, from
// what the fleet saw: (notices + pooled x prior_hours) / (hours +
// prior_hours), where pooled is the rate over all markets
// (avoid_interruptions.prior_hours, > 0). A market watched for little time
// takes the fleet's overall rate.
class InterruptionRates {
 public:
  struct Seen {
    double spot_hours = 0;
    double notices = 0;
    double rate = 0;  // per instance-hour
  };
  // `exposures` must outlive this object.
  InterruptionRates(const std::vector<MarketExposure>& exposures,
                    double prior_hours);
  Seen Of(const Market& market) const;

 private:
  const std::vector<MarketExposure>& exposures_;
  const double prior_hours_;
  double pooled_rate_ = 0;
};

// instance.avoid_interruptions: among the markets within the price
// tolerance of the cheapest, moves `selected` to the one with the lowest
// interruption rate (or, with cost_hours, expected cost), and says why when
// that is not the cheapest. With min_markets > 1 or alternatives, reorders
// selected.spot_markets instead: those within the tolerance of the
// cheapest per unit in that rank (then price), so the spread and the type
// choice prefer them; says why when the order changed. Nothing when off,
// when spot is blocked, or with one market.
std::optional<Reason> AvoidInterruptions(
    const Policy& policy, const std::vector<MarketExposure>& exposures,
    SelectedMarket& selected);
// The policy's on-demand price of `market`'s type (instance.type's, or an
// alternative's); instance.type's for a type the policy does not list.
double OnDemandPriceOf(const InstanceSpec& spec, const Market& market);

// Price statistics older than this draw a warning, whatever
// bidding.max_price_age_s allows: a day-old price is almost always a feed
// that stopped or a state saved long ago.
inline constexpr absl::Duration kOldPricesAge = absl::Hours(24);

// A kOldPrices note when the market's statistics are more than kOldPricesAge
// old at `now`: their age is measured from `as_of`, or from the last price
// change when `as_of` is unknown (a price that has not moved for days in
// statistics made now is no warning).
std::optional<Reason> OldPricesWarning(const MarketView& market,
                                       absl::Duration max_price_age,
                                       absl::Time now);

// A kInterruption note naming the instances under an interruption notice
// (and when the provider ends them), or nullopt when there are none.
std::optional<Reason> InterruptionNote(const FleetView& fleet);

// Drops the drains of instances no longer in the fleet (ended).
void ForgetEndedDrains(const Fleet& fleet, std::vector<AgentDrain>& drains);

// Takes on the drains the cluster shows but the state does not know (a
// controller restarted between a drain and the end, or an operator's own
// drain): such an agent takes no new work, so its instance is no capacity
// and ends once drained or after the grace period from `now`. Returns the
// ids taken on. Instances under an interruption notice are left to the
// provider.
std::vector<std::string> AdoptClusterDrains(const Fleet& fleet,
                                            const ClusterState& cluster,
                                            absl::Time now,
                                            std::vector<AgentDrain>& drains);

// Adds the drains a plan started, keeping the start of any already there.
void RememberDrains(std::vector<AgentDrain>& started,
                    std::vector<AgentDrain>& drains);

// A kBooting note naming the counted instances whose agent has not joined
// the cluster, or nullopt when there are none.
std::optional<Reason> BootingNote(const FleetView& fleet, absl::Time now);

// A kUnmetDemand note splitting the demand that waits into what may burst
// (queued for resources) and what bursting would not serve (held back),
// or nullopt when nothing is held back.
std::optional<Reason> UnmetDemandNote(const ClusterState& cluster);

// The count churn control aims for.
struct ChurnTarget {
  int desired = 0;
  // Only the replacement of capacity under interruption notice, let
  // through a scale-up cooldown: it does not start the cooldown again.
  bool replacing_notices_only = false;
};

// Cooldowns, stabilization and [min, max]; records what was held back in
// `notes`. A scale-up its cooldown holds still replaces up to
// `unreplaced_notice_units` (see UnreplacedNoticeUnits): what the provider
// takes back is no growth.
ChurnTarget ApplyChurnControl(const Policy& policy, int counted,
                              int unreplaced_notice_units,
                              const ScalingDecision& decision, absl::Time now,
                              EngineState& state, std::vector<Reason>& notes);

// Units of the instances under an interruption notice whose capacity no
// launch has replaced (not in `replaced`, EngineState::replaced_notices);
// drops from `replaced` the ids no longer under notice.
int UnreplacedNoticeUnits(const FleetView& fleet,
                          std::vector<std::string>& replaced);

// Records that launches of `units` replaced instances under notice, in
// fleet order, each at most once.
void MarkNoticesReplaced(const FleetView& fleet, int units,
                         std::vector<std::string>& replaced);

// Instances of the policy's shape the demand (used and queued) needs now
// beyond the baseline and the instances up or booting (`input.running`),
// 0 when it fits; at most input.max_instances.
int Shortfall(const ScalingInput& input);

struct TimedOutRequest {
  const SpotRequest* request;
  bool at_max_bid;  // kept: the prototype never cancels these
  bool counted;     // included in the scaling count (not a replacement)
};

struct TimedOutRequests {
  std::vector<TimedOutRequest> requests;
  // Open past the timeout, kept or not: spot is not serving.
  int unfulfilled = 0;
  // Units of the cancelled ones that the scaling count included (not
  // replacements).
  int counted_cancelled = 0;
};

TimedOutRequests FindTimedOutRequests(const Policy& policy,
                                      const FleetView& fleet, absl::Time now);

// A market spot may be asked in, with the bid made for it and the units
// one instance of its type counts for.
struct SpotMarket {
  MarketView view;
  BidResult bid;
  int weight = 1;
};

// Collects the actions of one plan, keeps the fleet's worst-case hourly
// cost up to date for the cost ceiling, and emits actions in plan order.
class PlanBuilder {
 public:
  PlanBuilder(const Policy& policy, const FleetView& fleet,
              const MarketView& market, const BidResult& bid, absl::Time now,
              int counted);

  // What backoffs leave of the launches: spot blocked (with the reason),
  // and the zone for on-demand (or why there is none). Unset: no limits.
  void SetLaunchLimits(std::optional<Reason> spot_blocked,
                       OnDemandPlacement on_demand);
  // Markets to spread spot requests over (instance.min_markets), or to
  // choose the cheapest per unit from (instance.alternatives), cheapest
  // first; must outlive this. Unset, or one without alternatives: all go to
  // the plan's market.
  void SetSpreadMarkets(const std::vector<SpotMarket>* markets) {
    spread_ = markets;
  }

  void CancelTimedOut(const TimedOutRequests& timed_out);
  // Cancels excess open requests, then ends or postpones instances, down to
  // `desired` units. Under per-second billing, while counted instances
  // still boot, the ones that serve end only beyond `desired`: ending one
  // the booting ones stand in for would leave its demand unmet until they
  // join. The rest of the excess is taken from the booting ones.
  void ScaleIn(int count, int desired, const Reason& cause);
  // Requests spot or launches on-demand (by `state`'s supply mode), within
  // max instances and the cost ceiling; returns how many.
  int ScaleOut(int count, const EngineState& state, const Reason& cause);
  // A spot scale-up's bridge (scaling.bridge): up to `count` of the
  // `scale_up` instances launched on-demand now, within max instances and
  // the cost ceiling, each replaced by spot from the next evaluation on;
  // returns how many. None when on-demand is backed off.
  int Bridge(int count, int scale_up, const Reason& cause);
  // Spot replacements for on-demand instances near their endable point.
  void ReplaceOnDemand();
  // Ends (or postpones) on-demand instances whose replacement runs; under
  // hourly billing also those whose replacement boots, when their hour
  // ends now.
  void RetireReplaced();
  // When the cluster reports agents: drains the agent of each instance
  // under an interruption notice at once (the provider ends it).
  void DrainInterrupted();
  // Ends the instances whose drain is over (agent drained or gone, or the
  // grace period billing.drain_time up); notes the ones still draining.
  void FinishDrains();

  // Drains this plan starts, for the next state.
  std::vector<AgentDrain>& new_drains() { return new_drains_; }

  int removed_for_scale_in() const { return removed_for_scale_in_; }
  void Finish(Plan& plan);

 private:
  std::string TokenFor(ActionKind kind, int count, std::string_view replaces,
                       const Market& market) const;
  std::string TokenFor(ActionKind kind, int count,
                       std::string_view replaces) const {
    return TokenFor(kind, count, replaces, market_.market);
  }
  // A spot request for `count` in `market` at `bid`, within the cost
  // ceiling; returns how many it asks for (0 when none fits). `cause` and
  // then `more` give its reasons.
  int RequestSpot(int count, const MarketView& market, const BidResult& bid,
                  const Reason& cause, const Reason* more);
  // ScaleOut's spot requests spread over spread_ (see SetSpreadMarkets),
  // `count` units within `room`; returns the units requested.
  int ScaleOutSpread(int count, int room, const Reason& cause);
  // ScaleOut's spot request in the market of spread_ cheapest per unit
  // (instance.alternatives): `count` units, at most `room`; returns the
  // units requested.
  int ScaleOutCheapest(int count, int room, const Reason& cause);
  // Where ReplaceOnDemand asks for `instance`'s replacement: with markets
  // to choose from (SetSpreadMarkets), the first of its type in their order
  // (cheapest per unit, or with instance.avoid_interruptions the least
  // interrupted first), as a scale-out would; null for the plan's market.
  const SpotMarket* ReplacementMarket(const Instance& instance) const;
  // RetireReplaced's on-demand instances whose replacement boots.
  void RetireAtTheHour();
  // Ends (or drains first) the instances `choice` terminates, for
  // RetireReplaced and RetireAtTheHour.
  void EndChosen(ScaleInChoice& choice);
  // Ends or postpones up to `count` units of `candidates` for ScaleIn;
  // each action gives `cause`, its billing and `more` (when set).
  void EndForScaleIn(const std::vector<const Instance*>& candidates, int count,
                     const Reason& cause, const Reason* more);
  // A termination the policy chose, or (when the instance's agent takes
  // work) a drain of its agent first. True when it stays a termination.
  bool EndOrDrain(Action&& action, const Instance* instance);
  // For ChooseScaleIn: whether ending an instance starts with a drain (as
  // EndOrDrain decides); null when the cluster reports no agents.
  std::function<bool(const Instance&)> DrainedFirst() const;
  // How many of `count` launches at `unit_usd` fit under the ceiling.
  int FitUnderCeiling(int count, double unit_usd, std::string_view what,
                      bool note_held_back = true);
  // The plan market's on-demand price (the policy's when the view has none).
  double OnDemandPrice() const;
  // Launches `count` on-demand instances of the policy's type now, for
  // `cause` and `why`; returns `count`.
  int LaunchOnDemand(int count, double on_demand, const Reason& cause,
                     Reason why);

  const Policy& policy_;
  const FleetView& fleet_;
  const MarketView& market_;
  const BidResult& bid_;
  absl::Time now_;
  int counted_;
  double fleet_usd_per_hour_;
  int removed_for_scale_in_ = 0;
  // Units of counted instances + requests once the plan is done.
  int live_after_ = 0;
  // Instances ended or postponed, and cancelled requests: the fleet's own,
  // which outlives this.
  absl::flat_hash_set<const Instance*> leaving_;
  absl::flat_hash_set<const SpotRequest*> cancelled_;
  std::optional<Reason> spot_blocked_;
  std::optional<OnDemandPlacement> on_demand_;
  const std::vector<SpotMarket>* spread_ = nullptr;
  std::vector<Action> cancels_, drains_, terminations_, postponements_,
      launches_;
  std::vector<AgentDrain> new_drains_;
  // Instances whose agent drains and that live on after the plan.
  int draining_after_ = 0;
  std::vector<Reason> notes_;
};

}  // namespace spotburst::internal

#endif  // SPOTBURST_SRC_DECISION_ENGINE_STEPS_H_
