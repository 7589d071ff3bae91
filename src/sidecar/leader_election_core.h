// What the election (leader_election.cc), its ZooKeeper client's threads
// and its state store (zookeeper_state_store.cc) share. Private to them.
#ifndef SPOTBURST_SIDECAR_LEADER_ELECTION_CORE_H_
#define SPOTBURST_SIDECAR_LEADER_ELECTION_CORE_H_

// libzookeeper_mt declares its synchronous calls only with THREADED.
#ifndef THREADED
#define THREADED
#endif
#include <zookeeper/zookeeper.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "sidecar/leader_election.h"

namespace spotburst::sidecar {

// One ZooKeeper handle. Its destructor closes it, which joins the client's
// threads: no watcher runs after it returns. Whoever holds one also holds
// the Core it points to.
class ZooKeeperConnection {
 public:
  // A new handle for `core`'s servers; its events reach `core` as long as
  // core->generation equals `generation`.
  static absl::StatusOr<std::shared_ptr<ZooKeeperConnection>> Open(
      LeaderElection::Core* core, uint64_t generation);
  ~ZooKeeperConnection();
  ZooKeeperConnection(const ZooKeeperConnection&) = delete;
  ZooKeeperConnection& operator=(const ZooKeeperConnection&) = delete;

  zhandle_t* handle() const { return handle_; }
  LeaderElection::Core* core() const { return core_; }
  uint64_t generation() const { return generation_; }

 private:
  ZooKeeperConnection(LeaderElection::Core* core, uint64_t generation)
      : core_(core), generation_(generation) {}

  LeaderElection::Core* const core_;
  const uint64_t generation_;
  zhandle_t* handle_ = nullptr;
};

// The watcher of the session and of the election's children; only records
// (no ZooKeeper call may be made on the client's thread).
void OnZooKeeperEvent(zhandle_t* handle, int type, int state, const char* path,
                      void* context);

struct LeaderElection::Core {
  explicit Core(LeaderElectionOptions options);

  const LeaderElectionOptions options;
  const std::string election_path;  // <path>/election
  const std::string state_path;     // <path>/state

  // Recomputes the view from the fields below; logs and counts a change.
  // `reason` says why leadership would be lost.
  void UpdateView(absl::string_view reason) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  mutable absl::Mutex mu;
  // The current handle; null before the first and once closed.
  std::shared_ptr<ZooKeeperConnection> connection ABSL_GUARDED_BY(mu);
  // Which handle's events count; bumped when one is replaced.
  uint64_t generation ABSL_GUARDED_BY(mu) = 0;
  // The state of the current handle's last session event; 0 before one.
  int session_state ABSL_GUARDED_BY(mu) = 0;
  // Counts the current handle's events, for the worker.
  uint64_t events ABSL_GUARDED_BY(mu) = 0;
  // The election's destructor has begun.
  bool closed ABSL_GUARDED_BY(mu) = false;
  // This session's election node ("" none yet) and what the last listing
  // of the election found.
  std::string node ABSL_GUARDED_BY(mu);
  bool lowest ABSL_GUARDED_BY(mu) = false;
  std::string leader_identity ABSL_GUARDED_BY(mu);

  LeadershipView view ABSL_GUARDED_BY(mu);
  // Bumped on every change of `view`; the version the last View() saw.
  uint64_t view_version ABSL_GUARDED_BY(mu) = 0;
  uint64_t viewed_version ABSL_GUARDED_BY(mu) = 0;

  std::function<void()> before_save_write ABSL_GUARDED_BY(mu);
};

// A ZooKeeper error as a status, "<what>: <ZooKeeper's message>":
// Unavailable for the session's troubles (connection loss, expiry),
// PermissionDenied for ACLs, FailedPrecondition for the rest.
absl::Status ZooKeeperError(int rc, absl::string_view what);

// The data of `node`, at most `max_bytes`: ZNONODE and the others as the
// return code, the data in `*data`.
int GetNodeData(zhandle_t* handle, const std::string& node, size_t max_bytes,
                std::string* data);

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_LEADER_ELECTION_CORE_H_
