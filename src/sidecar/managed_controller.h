// ManagedController: spotburstd's managed mode. Runs the library's
// Controller on its own thread over the configured world (managed_world.h:
// a real Mesos cluster and EC2 region, or the simulated ones of
// adapters/sim), records every plan in the decision log and hands it to the
// DecisionHub for WatchDecisions, and keeps the status
// ControllerService.GetStatus reports.
//
// Live, a tick runs every evaluation interval on the real clock. Simulated,
// time moves by the interval per tick and ticks are paced on the real clock
// by simulated_seconds_per_second; when the scenario's duration is over the
// loop stops ticking (status `finished`). With the policy's
// notice_poll_interval, the loop lists the fleet that often between ticks
// while it leads and is not paused, and evaluates at once on a new
// interruption notice (Controller::TickOnNewNotice); that evaluation is
// recorded like a tick, marked on_notice, and the next tick keeps its
// schedule. The waits are interruptible: Stop() never waits out an
// interval, only the tick in flight.
//
// Restart safety: with a StateStore, the engine's state is restored from it
// before the first tick and saved after every tick that may have applied;
// the fleet itself is found again by its tags on every tick. Thread-safe.
//
//   SPOTBURST_ASSIGN_OR_RETURN(auto managed, ManagedController::Create(
//       options, *policy, store.registry(), dry_run, log, hub));
//   managed->Start();
//   ...
//   managed->Stop();  // finishes the tick in flight
#ifndef SPOTBURST_SIDECAR_MANAGED_CONTROLLER_H_
#define SPOTBURST_SIDECAR_MANAGED_CONTROLLER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "sidecar/decision_hub.h"
#include "sidecar/decision_log.h"
#include "sidecar/event_log.h"
#include "sidecar/leader_election.h"
#include "sidecar/managed_world.h"
#include "sidecar/policy_store.h"
#include "sidecar/state_store.h"
#include "spotburst/controller.h"
#include "spotburst/engine.h"
#include "spotburst/mesos/mesos_cluster.h"
#include "spotburst/v1/controller_service.pb.h"
#include "spotburst/v1/ec2.pb.h"

namespace spotburst::sidecar {

// The `managed:` section of the configuration (sidecar_config.proto).
struct ManagedOptions {
  // A name from SidecarOptions::policy_files. Required.
  std::string policy_name;
  // The world: either a scenario file (simulated), or `mesos` and `ec2`
  // (live).
  std::string scenario_file;
  std::optional<mesos::MesosOptions> mesos;
  std::optional<v1::Ec2Config> ec2;
  // Restart safety: the state file (managed.state_file); empty: none.
  std::string state_file;
  // High availability (managed.ha): only the elected daemon applies, and
  // the state lives in ZooKeeper. An empty identity is filled in by the
  // server (host name and port).
  std::optional<LeaderElectionOptions> ha;
  // Simulated seconds per real second, (0.001 .. 1e9]. 60: one tick per
  // second with a 60 s evaluation interval.
  double simulated_seconds_per_second = 60;
  // Hold the first tick until a WatchDecisions stream subscribes (or the
  // daemon stops), so that a watcher started with the daemon sees every
  // decision from the first one.
  bool wait_for_watcher = false;

  // InvalidArgument naming the key ("managed.policy: required").
  absl::Status Validate() const;
  bool live() const { return mesos.has_value() || ec2.has_value(); }
};

class ManagedController {
 public:
  // Builds the world, engine and Controller, and restores the engine's
  // state from `store` (may be null: none); ticks nothing until Start.
  // `log` may be null; it, `registry` and `hub` are borrowed and must
  // outlive this. Errors start with "managed.": InvalidArgument or NotFound
  // for a scenario that does not load or does not fit the policy, or for a
  // stored state that does not load (the daemon must not start without the
  // drains and cooldowns it had).
  static absl::StatusOr<std::unique_ptr<ManagedController>> Create(
      const ManagedOptions& options, const ResolvedPolicy& policy,
      const StrategyRegistry& registry, bool dry_run, DecisionLog* log,
      DecisionHub& hub, std::unique_ptr<StateStore> store = nullptr);

  ManagedController(const ManagedController&) = delete;
  ManagedController& operator=(const ManagedController&) = delete;
  ~ManagedController();  // Stop()

  // Called with true or false whenever this daemon starts or stops
  // applying plans (always true without HA), and once at Start. Set before
  // Start; called on the loop's or the election watcher's thread.
  void SetLeadershipObserver(std::function<void(bool)> observer) {
    leadership_observer_ = std::move(observer);
  }

  // Called on the loop thread after every tick, before the tick is recorded
  // and streamed, with its report (follow-ups included) and how long it
  // took. Set before Start.
  void SetTickObserver(
      std::function<void(const TickReport&, absl::Duration)> observer) {
    tick_observer_ = std::move(observer);
  }

  // Starts the loop thread: the first tick is at once (with
  // wait_for_watcher, once a stream has subscribed). Call once.
  void Start();
  // Wakes the loop, lets the tick in flight finish and joins the thread;
  // with HA, then leaves the election, so a standby leads at once.
  // Idempotent.
  void Stop();

  v1::ControllerStatus Status() const;

  // Pauses or resumes. Waits for the tick in flight, so every tick after
  // it returns obeys it. Returns the state before the call.
  bool SetPaused(bool paused, const std::string& reason);

 private:
  ManagedController(const ManagedOptions& options, DecisionLog* log,
                    DecisionHub& hub, bool dry_run)
      : options_(options), log_(log), hub_(hub), dry_run_(dry_run) {}

  // How a wait ended.
  enum class Woken { kDue, kEarly, kStopped };

  void Loop();
  // Between the tick at world time `tick_world`, which started at
  // `tick_real`, and the next one, due at `next_real`: the notice polls
  // (if the policy asks for them), then the wait for the next tick.
  // kEarly: woken for a tick now (elected).
  Woken PollUntilNextTick(absl::Time tick_world, absl::Time tick_real,
                          absl::Time next_real, absl::Time next_tick,
                          TickReport& polled);
  // A poll acts only while this daemon leads and is not paused.
  bool MayPoll() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  // After an evaluation (a tick, or one at a notice): the tick observer,
  // then Record for it and its follow-ups, then Save.
  void Finish(const TickReport& report, absl::Time started,
              absl::Time next_tick) ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  // After each evaluation: status, decision log, hub.
  void Record(const TickReport& report, absl::Time started, absl::Duration took,
              absl::Time next_tick) ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  void AddError(absl::Time time, const char* component,
                const absl::Status& error) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The stored checkpoint into the controller (Create; HA: on election).
  absl::Status Restore() ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  // The controller's state into the store, after a tick that may have
  // applied. A failure is reported, not fatal: the fleet is in the cloud.
  void Save(absl::Time started) ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  // Sleeps until `deadline`, Stop or Wake.
  Woken WaitUntil(absl::Time deadline);
  void Wake();
  // HA: follows the election, logs and reports changes, and wakes the loop
  // when this daemon is elected so that it takes over at once.
  void WatchElection();
  // ControllerOptions.may_apply: leading, on a live session, with the
  // state of this term restored.
  absl::Status MayApply() const;
  // HA: before a tick, takes over the stored state once per term.
  void RestoreOnElection() ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);

  const ManagedOptions options_;
  DecisionLog* const log_;
  DecisionHub& hub_;
  const bool dry_run_;
  std::string policy_name_;
  std::string revision_;
  std::shared_ptr<const v1::Policy> effective_;
  // Set once in Create; the world and controller are used only by the
  // loop thread, and by SetPaused under tick_mu_.
  std::unique_ptr<ManagedWorld> world_;
  // Declared before the store it makes, which it outlives.
  std::unique_ptr<LeaderElection> election_;
  std::unique_ptr<StateStore> store_;
  // HA: the term whose stored state the controller holds; may_apply
  // refuses until it is the current one.
  std::atomic<int64_t> restored_term_{0};
  std::function<void(bool)> leadership_observer_;
  std::thread election_watcher_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Controller> controller_;
  std::function<void(const TickReport&, absl::Duration)> tick_observer_;
  // Random per run, so decision ids from two daemons never collide.
  uint64_t run_id_ = 0;

  // Held for a whole tick: SetPaused waits on it so the tick in flight
  // finishes under the old setting.
  absl::Mutex tick_mu_;
  int64_t ticks_ ABSL_GUARDED_BY(tick_mu_) = 0;
  LogRateLimiter failure_log_{absl::Seconds(1)};
  LogRateLimiter save_failure_log_{absl::Seconds(1)};
  // Who saves checkpoints: the HA identity, else the host name.
  std::string identity_;
  // The HA identity recorded with each decision; empty without HA.
  std::string ha_identity_;

  mutable absl::Mutex mu_;
  v1::ControllerStatus status_ ABSL_GUARDED_BY(mu_);

  // Set when the first tick may run: a watcher subscribed, or Stop.
  absl::Mutex start_mu_;
  bool may_start_ ABSL_GUARDED_BY(start_mu_) = false;
  absl::Notification stop_;
  // Set by Stop (and by events that want a tick now); the loop's sleep
  // waits on it.
  absl::Mutex wake_mu_;
  bool wake_ ABSL_GUARDED_BY(wake_mu_) = false;
  std::thread thread_;
  std::once_flag stop_once_;
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_MANAGED_CONTROLLER_H_
