// The managed loop: pace, tick, record, publish.
#include "sidecar/managed_controller.h"

#include <algorithm>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/sim/scenario.h"

namespace spotburst::sidecar {
namespace {

// ControllerStatus.recent_errors keeps this many, newest first.
constexpr int kMaxRecentErrors = 20;

void SetTime(google::protobuf::Timestamp* field, absl::Time time) {
  if (auto proto = internal::TimeToProto(time)) *field = *proto;
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace

absl::Status ManagedOptions::Validate() const {
  if (policy_name.empty()) {
    return absl::InvalidArgumentError(
        "managed.policy: required (a name from policies)");
  }
  if (scenario_file.empty()) {
    return absl::InvalidArgumentError(
        "managed.simulated.scenario: required (the simulated adapters are "
        "the only kind today)");
  }
  if (!(simulated_seconds_per_second >= 0.001 &&
        simulated_seconds_per_second <= 1e9)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "managed.simulated.simulated_seconds_per_second: %g is out of range "
        "[0.001, 1e9]",
        simulated_seconds_per_second));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ManagedController>> ManagedController::Create(
    const ManagedOptions& options, const ResolvedPolicy& policy,
    const StrategyRegistry& registry, bool dry_run, DecisionLog* log,
    DecisionHub& hub) {
  if (absl::Status valid = options.Validate(); !valid.ok()) return valid;
  std::unique_ptr<ManagedController> managed(
      new ManagedController(options, log, hub, dry_run));
  absl::StatusOr<sim::Scenario> scenario =
      sim::LoadScenarioFile(options.scenario_file);
  if (!scenario.ok()) {
    return absl::Status(scenario.status().code(),
                        absl::StrCat("managed.simulated.scenario: ",
                                     scenario.status().message()));
  }
  absl::StatusOr<std::unique_ptr<sim::SimWorld>> world =
      sim::NewSimWorld(*scenario, policy.engine.policy());
  if (!world.ok()) {
    return absl::Status(world.status().code(),
                        absl::StrCat("managed: ", world.status().message()));
  }
  managed->world_ = *std::move(world);
  // The world may fill in the scenario's zone: the engine, the revision and
  // the recorded policy are all the policy as run, so that replaying the
  // decision log makes the same plans.
  absl::StatusOr<Engine> engine =
      Engine::Create(managed->world_->policy(), registry);
  if (!engine.ok()) {
    return absl::Status(engine.status().code(),
                        absl::StrCat("managed: ", engine.status().message()));
  }
  managed->engine_ = std::make_unique<Engine>(*std::move(engine));
  managed->effective_ = std::make_shared<const v1::Policy>(
      internal::PolicyToProto(managed->engine_->policy()));
  managed->revision_ = PolicyRevision(*managed->effective_);
  managed->policy_name_ = options.policy_name;
  sim::SimWorld& w = *managed->world_;
  managed->controller_ = std::make_unique<Controller>(
      *managed->engine_, w.metrics(), w.prices(), w.instances(), w.clock(),
      ControllerOptions{.dry_run = dry_run, .drainer = &w.drainer()});
  managed->run_id_ = absl::Uniform<uint64_t>(absl::BitGen());

  v1::ControllerStatus& status = managed->status_;
  status.set_mode(v1::CONTROLLER_MODE_MANAGED);
  status.set_dry_run(dry_run);
  status.set_policy_name(options.policy_name);
  status.set_policy_revision(managed->revision_);
  status.set_adapters(absl::StrFormat(
      "simulated scenario %s at %g simulated s/s", options.scenario_file,
      options.simulated_seconds_per_second));
  SetTime(status.mutable_next_tick_at(), w.start());
  if (options.wait_for_watcher) {
    hub.SetSubscribeHook([m = managed.get()] {
      absl::MutexLock lock(&m->start_mu_);
      m->may_start_ = true;
    });
  } else {
    absl::MutexLock lock(&managed->start_mu_);
    managed->may_start_ = true;
  }
  return managed;
}

ManagedController::~ManagedController() {
  Stop();
  if (options_.wait_for_watcher) hub_.SetSubscribeHook(nullptr);
}

void ManagedController::Start() {
  // Logged here rather than by the loop, so that it comes before the
  // daemon says it listens.
  if (options_.wait_for_watcher) {
    LogEvent("managed_waiting", {{"for", "a WatchDecisions stream"}});
  }
  thread_ = std::thread([this] { Loop(); });
}

void ManagedController::Stop() {
  std::call_once(stop_once_, [this] {
    stop_.Notify();  // first: a loop let go by what follows must see it
    {
      absl::MutexLock lock(&start_mu_);
      may_start_ = true;
    }
    if (thread_.joinable()) thread_.join();
  });
}

void ManagedController::Loop() {
  const absl::Duration step = engine_->policy().evaluation_interval;
  const absl::Duration real_step = step / options_.simulated_seconds_per_second;
  {
    absl::MutexLock lock(&start_mu_);
    start_mu_.Await(absl::Condition(&may_start_));
  }
  absl::Time simulated = world_->start();
  absl::Time next_real = absl::Now();
  while (!stop_.HasBeenNotified()) {
    if (simulated >= world_->end()) {
      {
        absl::MutexLock lock(&mu_);
        status_.set_finished(true);
        status_.clear_next_tick_at();
      }
      absl::MutexLock lock(&tick_mu_);
      LogEvent("managed_finished",
               {{"ticks", absl::StrCat(ticks_)},
                {"simulated_until", Rfc3339(world_->end())}});
      return;
    }
    {
      absl::MutexLock lock(&tick_mu_);
      const absl::Time started = absl::Now();
      world_->AdvanceTo(simulated);
      const TickReport report = controller_->Tick();
      if (tick_observer_) tick_observer_(report, absl::Now() - started);
      Record(report, started, absl::Now() - started, simulated + step);
      // A follow-up after refused launches is a decision of its own.
      for (const TickReport& follow_up : report.follow_ups) {
        Record(follow_up, started, absl::Now() - started, simulated + step);
      }
    }
    simulated += step;
    // Behind schedule (a slow tick): carry on from now rather than tick in
    // a burst to catch up.
    next_real = std::max(next_real + real_step, absl::Now());
    if (stop_.WaitForNotificationWithDeadline(next_real)) return;
  }
}

void ManagedController::Record(const TickReport& report, absl::Time started,
                               absl::Duration took, absl::Time next_tick) {
  ++ticks_;
  const std::string decision_id =
      report.plan ? absl::StrFormat("m-%016x-%d", run_id_, ticks_) : "";
  absl::Status outcome = report.status;
  if (outcome.ok() && !report.apply_errors.empty()) {
    outcome = report.apply_errors.front();
  }

  v1::TickStatus tick;
  tick.set_decision_id(decision_id);
  SetTime(tick.mutable_started_at(), started);
  SetTime(tick.mutable_evaluated_at(), report.time);
  *tick.mutable_duration() = internal::DurationToProto(took);
  tick.set_code(static_cast<int>(outcome.code()));
  tick.set_error(std::string(outcome.message()));
  tick.set_actions_planned(
      report.plan ? static_cast<int>(report.plan->actions.size()) : 0);
  tick.set_actions_applied(report.applied);
  tick.set_actions_failed(static_cast<int>(report.apply_errors.size()));

  int64_t suppressed = 0;
  if (!outcome.ok() && failure_log_.Allow(absl::Now(), suppressed)) {
    LogEvent("tick_failed", {{"tick", absl::StrCat(ticks_)},
                             {"code", absl::StatusCodeToString(outcome.code())},
                             {"message", std::string(outcome.message())},
                             {"suppressed", absl::StrCat(suppressed)}});
  }

  std::optional<v1::Plan> plan;
  if (report.plan) plan = internal::ToProto(*report.plan, report.next_state);
  {
    absl::MutexLock lock(&mu_);
    *status_.mutable_last_tick() = std::move(tick);
    status_.set_ticks(ticks_);
    if (!outcome.ok()) status_.set_failed_ticks(status_.failed_ticks() + 1);
    SetTime(status_.mutable_next_tick_at(), next_tick);
    // A tick that gathered has its markets in the input; one that failed
    // reading has none (GatherMarkets never returns an empty list).
    const bool gathered = !report.input.markets.empty();
    if (!report.status.ok()) {
      AddError(started, gathered ? "engine" : "gather", report.status);
    }
    for (const absl::Status& error : report.apply_errors) {
      AddError(started, "apply", error);
    }
    if (plan) *status_.mutable_last_plan() = *plan;
    // The fleet as listed at the start of the tick; the Controller reads
    // the instance manager nowhere else.
    if (gathered)
      *status_.mutable_fleet() = internal::ToProto(report.input.fleet);
  }
  if (!plan) return;

  DecisionEntry entry{.decision_id = decision_id,
                      .time = absl::Now(),
                      .policy_name = policy_name_,
                      .policy_revision = revision_,
                      .policy = effective_,
                      .state = internal::ToProto(report.input, report.time),
                      .plan = *std::move(plan),
                      .source = v1::DECISION_SOURCE_CONTROLLER,
                      .dry_run = report.dry_run,
                      .applied = !report.dry_run && !report.paused,
                      .paused = report.paused};
  if (log_ != nullptr) log_->Record(entry);  // a copy: the hub needs it too
  auto full = std::make_shared<v1::Decision>(ToDecisionProto(entry));
  auto slim = std::make_shared<v1::Decision>(*full);
  slim->clear_policy();
  slim->clear_state();
  hub_.Publish({.full = std::move(full), .slim = std::move(slim)});
}

void ManagedController::AddError(absl::Time time, const char* component,
                                 const absl::Status& error) {
  v1::ControllerError entry;
  SetTime(entry.mutable_time(), time);
  entry.set_component(component);
  entry.set_code(static_cast<int>(error.code()));
  entry.set_message(std::string(error.message()));
  auto* errors = status_.mutable_recent_errors();
  errors->Add(std::move(entry));
  // Newest first: rotate the new one to the front, drop the oldest.
  for (int i = errors->size() - 1; i > 0; --i) errors->SwapElements(i, i - 1);
  while (errors->size() > kMaxRecentErrors) errors->RemoveLast();
}

v1::ControllerStatus ManagedController::Status() const {
  absl::MutexLock lock(&mu_);
  v1::ControllerStatus status = status_;
  status.set_paused(controller_->paused());
  return status;
}

bool ManagedController::SetPaused(bool paused, const std::string& reason) {
  absl::MutexLock tick(&tick_mu_);
  const bool was_paused = controller_->paused();
  controller_->set_paused(paused);
  if (paused != was_paused) {
    absl::MutexLock lock(&mu_);
    if (paused) {
      SetTime(status_.mutable_paused_at(), absl::Now());
      status_.set_pause_reason(reason);
    } else {
      status_.clear_paused_at();
      status_.clear_pause_reason();
    }
    LogEvent(paused ? "paused" : "resumed", {{"reason", reason}});
  }
  return was_paused;
}

}  // namespace spotburst::sidecar
