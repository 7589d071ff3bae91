// Leader election for spotburstd's high availability, through ZooKeeper:
// several daemons run for one pool; the one elected applies plans, the
// others evaluate and publish what they would do.
//
// Each daemon holds an EPHEMERAL|SEQUENTIAL node <path>/election/n_<seq>
// whose data is its identity; the lowest sequence leads. Fencing: a daemon
// stops leading the moment its client loses the connection, which it
// notices (after 2/3 of the session timeout without an answer, or at once
// when the link breaks) before the server can expire the session; only the
// expiry removes its node and lets a standby lead. So two daemons never
// lead at once, and a failover takes about the session timeout (at once
// when a leader closes its session on exit).
//
// The state the control loop keeps (StateStore) lives in <path>/state; only
// the leader may write it, in one transaction that checks its own election
// node, so a leader deposed while partitioned cannot overwrite its
// successor's state.
//
//   SPOTBURST_ASSIGN_OR_RETURN(auto election, LeaderElection::Create(options));
//   std::unique_ptr<StateStore> store = election->NewStateStore();
//   if (election->IsLeader()) { /* apply the plan */ }
#ifndef SPOTBURST_SIDECAR_LEADER_ELECTION_H_
#define SPOTBURST_SIDECAR_LEADER_ELECTION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sidecar/state_store.h"

namespace spotburst::sidecar {

struct LeaderElectionOptions {
  // ZooKeeper's servers, "10.0.0.1:2181,10.0.0.2:2181" (hosts only: no
  // zk://, no chroot).
  std::string zookeeper;
  // "/spotburst/mesos-a": election nodes under <path>/election, the state
  // in <path>/state.
  std::string path;
  // This daemon as the others see it, e.g. "host-a:50551": 1 to 256 bytes,
  // no control characters.
  std::string identity;
  // Asked of ZooKeeper for the session, 2 s to 60 s; the server may clamp
  // it (by default to 2-20 of its ticks).
  absl::Duration session_timeout = absl::Seconds(10);
};

// OK, or InvalidArgument naming the configuration key
// ("managed.ha.zookeeper", "managed.ha.path", "managed.ha.identity",
// "managed.ha.session_timeout_s") and what is wrong with it.
absl::Status ValidateLeaderElectionOptions(
    const LeaderElectionOptions& options);

struct LeadershipView {
  // This daemon may apply plans (IsLeader()).
  bool leading = false;
  // Its ZooKeeper session is connected.
  bool connected = false;
  // The leader's identity (this daemon's own while it leads); "" when
  // unknown: not connected, or no daemon in the election.
  std::string leader_identity;
  // When this daemon last became leader; InfinitePast while it does not
  // lead.
  absl::Time leading_since = absl::InfinitePast();
  // How many times this daemon became leader (0: never).
  int64_t term = 0;
};

class LeaderElection {
 public:
  // InvalidArgument for bad options (see ValidateLeaderElectionOptions);
  // Unavailable when the client cannot start. Starts connecting and
  // returns: it does not wait for a connection nor for leadership. Creates
  // <path>/election (persistent, with its parents) as needed.
  static absl::StatusOr<std::unique_ptr<LeaderElection>> Create(
      LeaderElectionOptions options);

  // Close().
  ~LeaderElection();

  // Leaves the election: closes the session (once a Save under way is done
  // with it), so its node goes at once and a standby takes over without
  // waiting for the session to expire. From
  // then on View() shows this daemon neither leading nor connected, the
  // state store refuses, and no callback runs. Idempotent.
  void Close();

  LeaderElection(const LeaderElection&) = delete;
  LeaderElection& operator=(const LeaderElection&) = delete;

  // True only while this daemon's node is the lowest and its session is
  // connected: false from the moment the client is disconnected, before
  // the server can expire the session. After an expiry it joins again with
  // a new session and a new node, at the back of the queue.
  bool IsLeader() const;

  // The current view; WaitForChange waits for a change from it.
  LeadershipView View() const;

  // Blocks until the view differs from the one the last View() returned
  // (before any View(), from the initial one), or `timeout` passes; true on
  // a change.
  bool WaitForChange(absl::Duration timeout);

  // The state store in <path>/state, as the checkpoint's proto JSON. Load
  // works for every daemon (waiting up to the session timeout for a
  // connection); Save only for the leader, and only while its session
  // holds: otherwise FailedPrecondition "not the leader ...". The store may
  // outlive the election; it then refuses both.
  std::unique_ptr<StateStore> NewStateStore();

  // Runs between a Save's leadership check and its write, so that tests
  // can depose the leader there. Not for production use.
  void SetBeforeSaveWriteForTesting(std::function<void()> hook);

  // Internals shared with the ZooKeeper client's threads and the store.
  struct Core;

 private:
  explicit LeaderElection(std::shared_ptr<Core> core);

  // The worker: opens sessions, joins the election, follows its changes.
  void Run();
  void CloseOnce();

  const std::shared_ptr<Core> core_;
  std::thread worker_;
  std::once_flag close_once_;
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_LEADER_ELECTION_H_
