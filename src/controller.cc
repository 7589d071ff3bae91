// The control loop: gather, evaluate, apply, report.
#include "spotburst/controller.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spotburst/status_macros.h"

namespace spotburst {

namespace {

// The checks PriceWindow::Add makes, over the whole answer first.
absl::Status CheckHistory(const Market& market, const PriceHistory& history,
                          absl::Time to) {
  for (size_t i = 0; i < history.points.size(); ++i) {
    const PricePoint& point = history.points[i];
    const char* wrong = nullptr;
    if (!std::isfinite(point.usd_per_hour) || point.usd_per_hour < 0) {
      wrong = "is not a price";
    } else if (i > 0 && point.time < history.points[i - 1].time) {
      wrong = "is out of time order";
    } else if (point.time > to) {
      wrong = "is in the future";
    }
    if (wrong != nullptr) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "controller: market %s: price point %d (%g at %s) %s", market.Name(),
          i, point.usd_per_hour, absl::FormatTime(point.time), wrong));
    }
  }
  return absl::OkStatus();
}

}  // namespace

Controller::Controller(const Engine& engine, MetricsSource& metrics,
                       PriceFeed& prices, InstanceManager& instances,
                       Clock& clock, ControllerOptions options)
    : engine_(engine),
      metrics_(metrics),
      prices_(prices),
      instances_(instances),
      clock_(clock),
      options_(std::move(options)) {
  const InstanceSpec& spec = engine_.policy().instance;
  std::vector<std::string> zones = options_.availability_zones;
  if (!spec.availability_zone.empty()) zones = {spec.availability_zone};
  // instance.type's markets, then each alternative's.
  on_demand_usd_.resize(spec.alternatives.size() + 1);
  for (size_t type = 0; type < on_demand_usd_.size(); ++type) {
    for (const std::string& zone : zones) {
      markets_.push_back(
          {.market = {.instance_type = type == 0
                                           ? spec.type
                                           : spec.alternatives[type - 1].type,
                      .availability_zone = zone,
                      .product = spec.product},
           .type = type,
           .window = PriceWindow(engine_.policy().bidding.price_window)});
    }
  }
}

void Controller::AddObserver(std::function<void(const TickReport&)> observer) {
  observers_.push_back(std::move(observer));
}

absl::Status Controller::GatherMarkets(absl::Time now,
                                       std::vector<MarketView>& views) {
  if (markets_.empty()) {
    return absl::FailedPreconditionError(
        "controller: the policy names no availability zone and none is "
        "configured to watch");
  }
  for (size_t type = 0; type < on_demand_usd_.size(); ++type) {
    if (on_demand_usd_[type]) continue;
    const InstanceSpec& spec = engine_.policy().instance;
    const std::string& name =
        type == 0 ? spec.type : spec.alternatives[type - 1].type;
    absl::StatusOr<double> price = prices_.OnDemandPrice(name, spec.region);
    if (absl::IsNotFound(price.status())) {
      // The policy's price stands in when the feed has none (0 says so).
      price = 0.0;
    }
    // Any other failure is a failed read: retried on the next tick, never
    // remembered as "no price".
    if (!price.ok()) return price.status();
    if (!std::isfinite(*price) || *price < 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "controller: on-demand price of %s in %s: %g is not a price", name,
          spec.region, *price));
    }
    on_demand_usd_[type] = *price;
  }
  views.clear();
  for (WatchedMarket& watched : markets_) {
    const absl::Time from = watched.fetched_until == absl::InfinitePast()
                                ? now - watched.window.length()
                                : watched.fetched_until;
    PriceHistory& history = watched.fetched;
    SPOTBURST_RETURN_IF_ERROR(
        prices_.HistoryInto(watched.market, from, now, history));
    // All or nothing: a history that fails a check adds no point, so the
    // window never holds half of a wrong answer.
    SPOTBURST_RETURN_IF_ERROR(CheckHistory(watched.market, history, now));
    for (const PricePoint& point : history.points) {
      // The feed repeats the point in force at `from`; older ones are known.
      if (point.time < watched.fetched_until) continue;
      absl::Status added = watched.window.Add(point.time, point.usd_per_hour);
      if (!added.ok()) {
        return absl::InvalidArgumentError(
            absl::StrFormat("controller: market %s: %s", watched.market.Name(),
                            added.message()));
      }
    }
    watched.fetched_until = now;
    views.push_back({.market = watched.market,
                     .stats = watched.window.Stats(now),
                     .on_demand_usd_per_hour = *on_demand_usd_[watched.type]});
  }
  return absl::OkStatus();
}

TickReport Controller::Tick() {
  TickReport report;
  TickWith(report, EvaluationInput());
  return report;
}

void Controller::Tick(TickReport& report) { Retick(report, false); }

void Controller::Retick(TickReport& report, bool on_notice) {
  EvaluationInput buffers = std::move(report.input);
  if (report.plan.has_value()) evaluation_.plan = *std::move(report.plan);
  report = TickReport();
  TickWith(report, std::move(buffers), on_notice);
}

void Controller::TickWith(TickReport& report, EvaluationInput buffers,
                          bool on_notice) {
  report.time = clock_.Now();
  report.on_notice = on_notice;
  report.dry_run = options_.dry_run;
  report.paused = paused_.load();

  // Gather. Any failed read ends the tick before anything is decided.
  absl::StatusOr<ClusterState> cluster = metrics_.Snapshot();
  absl::Status gathered =
      cluster.ok() ? instances_.ListInto(buffers.fleet) : cluster.status();
  if (gathered.ok()) gathered = GatherMarkets(report.time, buffers.markets);
  if (!gathered.ok()) {
    report.status = gathered;
  } else {
    // The input is built in the report, not copied into it (a fleet copy
    // was a fifth of a simulated tick, bench/sim_replay_benchmark.cc).
    report.input.cluster = *std::move(cluster);
    report.input.markets = std::move(buffers.markets);
    report.input.fleet = std::move(buffers.fleet);
    report.input.state = state_;
    Evaluate(report);
  }
  Notify(report);
  if (!report.launch_failures.empty()) {
    report.follow_ups.push_back(FollowUp(report));
    Notify(report.follow_ups.back());
  }
}

void Controller::Evaluate(TickReport& report) {
  report.input.launch_failures = std::move(unseen_failures_);
  unseen_failures_.clear();
  Evaluation& evaluation = evaluation_;
  if (absl::Status evaluated =
          engine_.Evaluate(report.input, report.time, evaluation);
      !evaluated.ok()) {
    report.status = std::move(evaluated);
    // Not seen after all: the next evaluation gets them.
    unseen_failures_ = std::move(report.input.launch_failures);
    return;
  }
  // The state before stays in `evaluation` as the next one's buffers.
  std::swap(state_, evaluation.state);
  noticed_.clear();
  for (const Instance& instance : report.input.fleet.instances) {
    if (instance.interruption_notice) noticed_.push_back(instance.id);
  }
  if (!options_.dry_run && !report.paused) {
    if (absl::Status may = MayApply(); !may.ok()) report.standby = may;
  }
  if (!options_.dry_run && !report.paused && !report.standby) {
    Apply(evaluation.plan, report);
  } else {
    // Paused or standing by, no scale-up or scale-down took place: its
    // cooldown must not start, and no notice was replaced (a resumed or
    // elected controller acts at once). A dry run keeps them, to rehearse
    // the pace it would act at.
    if (!options_.dry_run) {
      state_.last_scale_up = report.input.state.last_scale_up;
      state_.last_scale_down = report.input.state.last_scale_down;
      state_.replaced_notices = report.input.state.replaced_notices;
    }
    // Drains not applied are not under way (see ForgetDrains).
    std::vector<std::string> drains;
    for (const Action& a : evaluation.plan.actions) {
      if (a.kind == ActionKind::kDrainInstance) drains.push_back(a.instance_id);
    }
    if (!drains.empty()) ForgetDrains(drains);
  }
  report.next_state = state_;
  report.plan = std::move(evaluation.plan);
}

TickReport Controller::FollowUp(const TickReport& first) {
  TickReport report;
  report.time = first.time;
  report.dry_run = first.dry_run;
  report.paused = first.paused;
  report.standby = first.standby;
  report.follow_up = true;
  report.on_notice = first.on_notice;
  // The first apply changed the fleet; the follow-up acts on what is there.
  absl::StatusOr<Fleet> fleet = instances_.List();
  if (!fleet.ok()) {
    report.status = fleet.status();
    return report;
  }
  report.input = {.cluster = first.input.cluster,
                  .markets = first.input.markets,
                  .fleet = *std::move(fleet),
                  .state = state_};
  Evaluate(report);
  return report;
}

void Controller::Notify(const TickReport& report) {
  for (const auto& observer : observers_) observer(report);
}

void Controller::Apply(const Plan& plan, TickReport& report) {
  std::vector<std::string> cancels, drains, terminations;
  for (const Action& a : plan.actions) {
    if (a.kind == ActionKind::kCancelRequest) cancels.push_back(a.request_id);
    if (a.kind == ActionKind::kDrainInstance) drains.push_back(a.instance_id);
    if (a.kind == ActionKind::kTerminateInstance)
      terminations.push_back(a.instance_id);
  }
  bool shrink_failed = false;
  // A refusal of may_apply between groups: nothing after it is applied.
  bool stopped = false;
  auto may_go_on = [&]() {
    if (stopped) return false;
    if (absl::Status may = MayApply(); !may.ok()) {
      report.apply_errors.push_back(absl::Status(
          may.code(), absl::StrCat("controller: stopped applying the plan: ",
                                   may.message())));
      stopped = true;
    }
    return !stopped;
  };
  if (!cancels.empty() && may_go_on()) {
    absl::Status s = instances_.CancelRequests(cancels);
    if (s.ok()) {
      report.applied += cancels.size();
      report.applied_by_kind[ActionKind::kCancelRequest] += cancels.size();
    } else {
      report.apply_errors.push_back(s);
      shrink_failed = true;
    }
  }
  if (!drains.empty() && !may_go_on()) ForgetDrains(drains);
  if (!drains.empty() && !stopped) {
    absl::Status s =
        options_.drainer == nullptr
            ? absl::FailedPreconditionError(
                  "controller: the plan drains agents but no Drainer is "
                  "configured; their instances are left running")
            : options_.drainer->Drain(drains,
                                      engine_.policy().billing.drain_time);
    if (s.ok()) {
      report.applied += drains.size();
      report.applied_by_kind[ActionKind::kDrainInstance] += drains.size();
    } else {
      report.apply_errors.push_back(s);
      shrink_failed = true;
      ForgetDrains(drains);
    }
  }
  if (!terminations.empty() && may_go_on()) {
    absl::Status s = instances_.Terminate(terminations);
    if (s.ok()) {
      report.applied += terminations.size();
      report.applied_by_kind[ActionKind::kTerminateInstance] +=
          terminations.size();
    } else {
      report.apply_errors.push_back(s);
      shrink_failed = true;
    }
  }
  const LaunchSpec& launch_spec = engine_.policy().instance.launch_spec;
  for (const Action& a : plan.actions) {
    if (a.kind != ActionKind::kRequestSpot &&
        a.kind != ActionKind::kLaunchOnDemand) {
      continue;
    }
    if (shrink_failed || !may_go_on()) {
      report.launches_skipped += a.count;
      continue;
    }
    absl::Status s;
    if (a.kind == ActionKind::kRequestSpot) {
      s = instances_
              .RequestSpot({.count = a.count,
                            .instance_type = a.instance_type,
                            .availability_zone = a.availability_zone,
                            .bid_usd_per_hour = a.bid_usd_per_hour,
                            .idempotency_token = a.idempotency_token,
                            .replaces_instance_id = a.replaces_instance_id,
                            .launch_spec = launch_spec})
              .status();
    } else {
      s = instances_
              .LaunchOnDemand({.count = a.count,
                               .instance_type = a.instance_type,
                               .availability_zone = a.availability_zone,
                               .idempotency_token = a.idempotency_token,
                               .launch_spec = launch_spec})
              .status();
    }
    if (s.ok()) {
      ++report.applied;
      ++report.applied_by_kind[a.kind];
      continue;
    }
    if (const FailureCause cause = FailureCauseOf(s); BlocksLaunches(cause)) {
      LaunchFailure failure{
          .market = {.instance_type = a.instance_type,
                     .availability_zone = a.availability_zone,
                     .product = engine_.policy().instance.product},
          .lifecycle = a.kind == ActionKind::kRequestSpot
                           ? Lifecycle::kSpot
                           : Lifecycle::kOnDemand,
          .cause = cause,
          .time = report.time,
          .code = ProviderCodeOf(s)};
      report.launch_failures.push_back(failure);
      unseen_failures_.push_back(std::move(failure));
    }
    report.apply_errors.push_back(std::move(s));
  }
}

absl::Status Controller::MayApply() const {
  return options_.may_apply ? options_.may_apply() : absl::OkStatus();
}

void Controller::ForgetDrains(const std::vector<std::string>& instance_ids) {
  // Not under way: the next evaluation plans these drains again, and their
  // grace period starts from a drain the cluster really began.
  std::vector<AgentDrain>& drains = state_.drains;
  drains.erase(std::remove_if(
                   drains.begin(), drains.end(),
                   [&](const AgentDrain& d) {
                     return std::find(instance_ids.begin(), instance_ids.end(),
                                      d.instance_id) != instance_ids.end();
                   }),
               drains.end());
}

bool Controller::TickOnNewNotice(TickReport& report) {
  if (!instances_.ListInto(notice_scratch_).ok()) return false;
  const bool new_notice = std::any_of(
      notice_scratch_.instances.begin(), notice_scratch_.instances.end(),
      [&](const Instance& instance) {
        return instance.interruption_notice &&
               std::find(noticed_.begin(), noticed_.end(), instance.id) ==
                   noticed_.end();
      });
  if (!new_notice) return false;
  Retick(report, /*on_notice=*/true);
  return true;
}

void Controller::Run(const std::function<bool()>& keep_going) {
  const absl::Duration poll = engine_.policy().notice_poll_interval;
  absl::Time next = clock_.Now();
  TickReport polled;
  while (keep_going()) {
    Tick();
    next += engine_.policy().evaluation_interval;
    if (poll > absl::ZeroDuration()) {
      for (absl::Time at = clock_.Now() + poll; at < next; at += poll) {
        clock_.SleepUntil(at);
        TickOnNewNotice(polled);
      }
    }
    clock_.SleepUntil(next);
  }
}

}  // namespace spotburst
