// The managed loop: pace, tick, record, publish.
#include "sidecar/managed_controller.h"

#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/internal/state_proto.h"

namespace spotburst::sidecar {
namespace {

// ControllerStatus.recent_errors keeps this many, newest first.
constexpr int kMaxRecentErrors = 20;

void SetTime(google::protobuf::Timestamp* field, absl::Time time) {
  if (auto proto = internal::TimeToProto(time)) *field = *proto;
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown host";
  return name;
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// "request-spot 2, drain-instance 1": kinds in plan order, with counts.
std::string ActionSummary(const Plan& plan) {
  std::vector<std::pair<ActionKind, int>> counts;
  for (const Action& action : plan.actions) {
    const int n = std::max(1, action.count);
    auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) {
      return c.first == action.kind;
    });
    if (it == counts.end()) {
      counts.emplace_back(action.kind, n);
    } else {
      it->second += n;
    }
  }
  std::string summary;
  for (const auto& [kind, n] : counts) {
    absl::StrAppend(&summary, summary.empty() ? "" : ", ",
                    std::string(ActionKindName(kind)), " ", n);
  }
  return summary;
}

// What became of the plan's actions.
const char* DecisionMode(const TickReport& report) {
  if (report.dry_run) return "dry-run";
  if (report.paused) return "paused";
  if (report.standby) return "standby";
  return "applied";
}

}  // namespace

absl::StatusOr<std::unique_ptr<ManagedController>> ManagedController::Create(
    const ManagedOptions& options, const ResolvedPolicy& policy,
    const StrategyRegistry& registry, bool dry_run, DecisionLog* log,
    DecisionHub& hub, std::unique_ptr<StateStore> store) {
  if (absl::Status valid = options.Validate(); !valid.ok()) return valid;
  std::unique_ptr<ManagedController> managed(
      new ManagedController(options, log, hub, dry_run));
  absl::StatusOr<std::unique_ptr<ManagedWorld>> world =
      options.live() ? NewLiveWorld(options, policy.engine.policy())
                     : NewSimulatedWorld(options, policy.engine.policy());
  if (!world.ok()) return world.status();
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
  ManagedWorld& w = *managed->world_;
  ControllerOptions controller_options{
      .dry_run = dry_run,
      .availability_zones = w.availability_zones(),
      .drainer = &w.drainer()};
  managed->run_id_ = absl::Uniform<uint64_t>(absl::BitGen());
  managed->identity_ = HostName();
  managed->store_ = std::move(store);
  if (options.ha) {
    if (managed->store_ != nullptr) {
      return absl::InvalidArgumentError(
          "managed: a state store and managed.ha together");
    }
    absl::StatusOr<std::unique_ptr<LeaderElection>> election =
        LeaderElection::Create(*options.ha);
    if (!election.ok()) {
      // Bad options already name their key ("managed.ha.path: ...").
      const absl::string_view message = election.status().message();
      return absl::Status(election.status().code(),
                          absl::StartsWith(message, "managed.ha")
                              ? std::string(message)
                              : absl::StrCat("managed.ha: ", message));
    }
    managed->election_ = *std::move(election);
    managed->store_ = managed->election_->NewStateStore();
    managed->identity_ = options.ha->identity;
    managed->ha_identity_ = options.ha->identity;
    controller_options.may_apply = [m = managed.get()] {
      return m->MayApply();
    };
  }
  managed->controller_ = std::make_unique<Controller>(
      *managed->engine_, w.metrics(), w.prices(), w.instances(), w.clock(),
      std::move(controller_options));

  v1::ControllerStatus& status = managed->status_;
  status.set_mode(v1::CONTROLLER_MODE_MANAGED);
  status.set_dry_run(dry_run);
  status.set_policy_name(options.policy_name);
  status.set_policy_revision(managed->revision_);
  status.set_adapters(w.Describe());
  SetTime(status.mutable_next_tick_at(), w.start());
  if (managed->store_ != nullptr) {
    status.set_state_store(managed->store_->Describe());
  }
  // With HA, the state is taken over when elected (RestoreOnElection).
  if (managed->store_ != nullptr && managed->election_ == nullptr) {
    absl::MutexLock lock(&managed->tick_mu_);
    if (absl::Status restored = managed->Restore(); !restored.ok()) {
      return restored;
    }
  }
  for (const std::string& warning : w.warnings()) {
    LogEvent("managed_warning", {{"message", warning}});
  }
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

absl::Status ManagedController::Restore() {
  absl::StatusOr<std::optional<v1::ControllerCheckpoint>> loaded =
      store_->Load();
  if (!loaded.ok()) {
    return absl::Status(loaded.status().code(),
                        absl::StrCat("managed: restoring the engine's state: ",
                                     loaded.status().message()));
  }
  if (!loaded->has_value()) {
    LogEvent("state_empty", {{"store", store_->Describe()}});
    return absl::OkStatus();
  }
  const v1::ControllerCheckpoint& checkpoint = **loaded;
  absl::StatusOr<EngineState> state =
      internal::FromProto(checkpoint.engine_state());
  if (!state.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "managed: restoring the engine's state from ", store_->Describe(),
        ": engine_state.", state.status().message()));
  }
  controller_->set_engine_state(*std::move(state));
  const absl::Time saved =
      internal::TimeFromProto(checkpoint.saved_at(), checkpoint.has_saved_at());
  const std::string saved_at =
      saved == absl::InfinitePast() ? "unknown" : Rfc3339(saved);
  LogEvent("state_restored",
           {{"store", store_->Describe()},
            {"saved_at", saved_at},
            {"saved_by", checkpoint.saved_by()},
            {"policy", checkpoint.policy_name()},
            {"drains", absl::StrCat(checkpoint.engine_state().drains_size())}});
  absl::MutexLock lock(&mu_);
  SetTime(status_.mutable_state_restored_at(), absl::Now());
  return absl::OkStatus();
}

void ManagedController::Save(absl::Time started) {
  v1::ControllerCheckpoint checkpoint;
  *checkpoint.mutable_engine_state() =
      internal::ToProto(controller_->engine_state());
  checkpoint.set_policy_name(policy_name_);
  checkpoint.set_policy_revision(revision_);
  SetTime(checkpoint.mutable_saved_at(), absl::Now());
  checkpoint.set_saved_by(identity_);
  absl::Status saved = store_->Save(checkpoint);
  absl::MutexLock lock(&mu_);
  if (saved.ok()) {
    SetTime(status_.mutable_state_saved_at(), absl::Now());
    return;
  }
  AddError(started, "state", saved);
  int64_t suppressed = 0;
  if (save_failure_log_.Allow(absl::Now(), suppressed)) {
    LogEvent("state_save_failed", {{"store", store_->Describe()},
                                   {"message", std::string(saved.message())},
                                   {"suppressed", absl::StrCat(suppressed)}});
  }
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
  if (election_ != nullptr) {
    if (leadership_observer_) leadership_observer_(false);
    election_watcher_ = std::thread([this] { WatchElection(); });
  } else if (leadership_observer_) {
    leadership_observer_(true);
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
    Wake();
    if (thread_.joinable()) thread_.join();
    // Nothing is applied any more: hand the lead over now, not once the
    // daemon has drained its calls and is destroyed.
    if (election_ != nullptr) election_->Close();
    if (election_watcher_.joinable()) election_watcher_.join();
  });
}

void ManagedController::Wake() {
  absl::MutexLock lock(&wake_mu_);
  wake_ = true;
}

absl::Status ManagedController::MayApply() const {
  if (election_ == nullptr) return absl::OkStatus();
  const LeadershipView view = election_->View();
  if (!view.leading) {
    return absl::FailedPreconditionError(
        view.leader_identity.empty()
            ? std::string("standby: no leader is known (ZooKeeper is not "
                          "reachable, or the election is under way)")
            : absl::StrCat("standby: ", view.leader_identity, " leads"));
  }
  if (restored_term_.load() != view.term) {
    return absl::FailedPreconditionError(
        "standby: elected, the stored state is not restored yet");
  }
  return absl::OkStatus();
}

void ManagedController::RestoreOnElection() {
  const LeadershipView view = election_->View();
  if (!view.leading || restored_term_.load() == view.term) return;
  // The previous leader's state: its drains and cooldowns carry on here.
  if (absl::Status restored = Restore(); !restored.ok()) {
    absl::MutexLock lock(&mu_);
    AddError(absl::Now(), "state", restored);
    LogEvent("state_restore_failed",
             {{"store", store_->Describe()},
              {"message", std::string(restored.message())}});
    return;  // may_apply keeps refusing; the next tick tries again
  }
  restored_term_.store(view.term);
}

void ManagedController::WatchElection() {
  bool leading = false;
  while (!stop_.HasBeenNotified()) {
    const LeadershipView view = election_->View();
    if (view.leading != leading) {
      leading = view.leading;
      LogEvent(leading ? "leading" : "standing_by",
               {{"identity", ha_identity_},
                {"leader", view.leader_identity},
                {"term", absl::StrCat(view.term)}});
      if (leadership_observer_) leadership_observer_(leading);
      if (leading) Wake();  // take over now, not at the next interval
    }
    election_->WaitForChange(absl::Milliseconds(500));
  }
}

ManagedController::Woken ManagedController::WaitUntil(absl::Time deadline) {
  absl::MutexLock lock(&wake_mu_);
  const bool woken =
      wake_mu_.AwaitWithDeadline(absl::Condition(&wake_), deadline);
  wake_ = false;
  if (stop_.HasBeenNotified()) return Woken::kStopped;
  return woken ? Woken::kEarly : Woken::kDue;
}

void ManagedController::Loop() {
  const absl::Duration step = engine_->policy().evaluation_interval;
  const absl::Duration real_step = step / world_->speed();
  {
    absl::MutexLock lock(&start_mu_);
    start_mu_.Await(absl::Condition(&may_start_));
  }
  absl::Time world_time = world_->start();
  absl::Time next_real = absl::Now();
  // One report for the notice polls: each lists the fleet into its buffers.
  TickReport polled;
  while (!stop_.HasBeenNotified()) {
    if (world_time >= world_->end()) {
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
    absl::Time started;
    absl::Time next_tick;
    {
      absl::MutexLock lock(&tick_mu_);
      started = absl::Now();
      world_->AdvanceTo(world_time);
      if (election_ != nullptr && !dry_run_) RestoreOnElection();
      const TickReport report = controller_->Tick();
      // Behind schedule (a slow tick): carry on from now rather than tick
      // in a burst to catch up.
      next_real = std::max(next_real + real_step, absl::Now());
      next_tick = world_->live() ? next_real : world_time + step;
      Finish(report, started, next_tick);
    }
    const absl::Time tick_world = world_time;
    world_time += step;
    if (PollUntilNextTick(tick_world, started, next_real, next_tick, polled) ==
        Woken::kStopped) {
      return;
    }
  }
}

ManagedController::Woken ManagedController::PollUntilNextTick(
    absl::Time tick_world, absl::Time tick_real, absl::Time next_real,
    absl::Time next_tick, TickReport& polled) {
  // As Controller::Run: every poll interval after the tick, up to the next
  // one, on the world's time (paced on the real clock like the ticks).
  const absl::Duration poll = engine_->policy().notice_poll_interval;
  const absl::Duration step = engine_->policy().evaluation_interval;
  for (absl::Duration after = poll; poll > absl::ZeroDuration() && after < step;
       after += poll) {
    const absl::Time real_at = tick_real + after / world_->speed();
    const absl::Time world_at = tick_world + after;
    // Live, the next tick is due at next_real. Simulated, the polls are on
    // the world's time whatever the pace, so a run is the same on any
    // machine.
    if (world_->live() ? real_at >= next_real : world_at >= world_->end()) {
      break;
    }
    if (const Woken woken = WaitUntil(real_at); woken != Woken::kDue) {
      return woken;
    }
    absl::MutexLock lock(&tick_mu_);
    if (!MayPoll()) continue;
    const absl::Time started = absl::Now();
    world_->AdvanceTo(world_at);
    if (election_ != nullptr && !dry_run_) RestoreOnElection();
    if (controller_->TickOnNewNotice(polled)) {
      Finish(polled, started, next_tick);
    }
  }
  return WaitUntil(next_real);
}

bool ManagedController::MayPoll() const {
  // A paused or standby evaluation applies nothing; its regular tick sees
  // the notice soon enough.
  if (controller_->paused()) return false;
  return election_ == nullptr || election_->View().leading;
}

void ManagedController::Finish(const TickReport& report, absl::Time started,
                               absl::Time next_tick) {
  if (tick_observer_) tick_observer_(report, absl::Now() - started);
  Record(report, started, absl::Now() - started, next_tick);
  // A follow-up after refused launches is a decision of its own.
  for (const TickReport& follow_up : report.follow_ups) {
    Record(follow_up, started, absl::Now() - started, next_tick);
  }
  if (store_ != nullptr && !dry_run_ && !report.standby) Save(started);
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
  tick.set_on_notice(report.on_notice);

  int64_t suppressed = 0;
  if (!outcome.ok() && failure_log_.Allow(absl::Now(), suppressed)) {
    LogEvent("tick_failed", {{"tick", absl::StrCat(ticks_)},
                             {"decision_id", decision_id},
                             {"code", absl::StatusCodeToString(outcome.code())},
                             {"message", std::string(outcome.message())},
                             {"suppressed", absl::StrCat(suppressed)}});
  }

  // One line per decision that acts (or would): the decision id links it
  // to the decision log and the stream. Quiet ticks are not logged.
  if (report.plan && !report.plan->actions.empty()) {
    LogEvent("decision", {{"decision_id", decision_id},
                          {"actions", ActionSummary(*report.plan)},
                          {"mode", DecisionMode(report)},
                          {"applied", absl::StrCat(report.applied)},
                          {"failed", absl::StrCat(report.apply_errors.size())},
                          {"running", absl::StrCat(report.plan->running)},
                          {"desired", absl::StrCat(report.plan->desired)},
                          {"trigger", report.on_notice ? "notice" : "tick"}});
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
                      .applied = !report.dry_run && !report.paused &&
                                 !report.standby.has_value(),
                      .paused = report.paused,
                      .standby = report.standby.has_value(),
                      .made_by = ha_identity_,
                      .on_notice = report.on_notice};
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
  if (election_ != nullptr) {
    const LeadershipView view = election_->View();
    v1::HaStatus& ha = *status.mutable_ha();
    ha.set_role(view.leading ? "leader" : "standby");
    ha.set_identity(ha_identity_);
    ha.set_leader(view.leader_identity);
    ha.set_connected(view.connected);
    if (view.leading) SetTime(ha.mutable_leading_since(), view.leading_since);
  }
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
