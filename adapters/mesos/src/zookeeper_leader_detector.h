// The leading Mesos master found through ZooKeeper, where the masters run
// their election (the masters' --zk=zk://hosts/path).
//
// Each contending master holds an ephemeral sequential child of the group
// path, "json.info_<sequence>" with its JSON MasterInfo; the lowest
// sequence is the leader. The detector lists the children with a watch,
// reads the leader's node and keeps its URL until ZooKeeper reports a
// change of the children or of the session; then the next LeaderUrl()
// reads again. Other children (the registry's "log_replicas", anything
// whose last '_'-token is not a number, the binary "info_" nodes of Mesos
// before 0.24) are skipped.
//
// The session: LeaderUrl() answers Unavailable while it is not connected
// (never a leader it cannot confirm); an expired session is replaced by a
// new one on the next call. ZooKeeper's client log is dropped: it would
// go to stderr, and failures are reported in the statuses returned.
#ifndef SPOTBURST_ADAPTERS_MESOS_SRC_ZOOKEEPER_LEADER_DETECTOR_H_
#define SPOTBURST_ADAPTERS_MESOS_SRC_ZOOKEEPER_LEADER_DETECTOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "leader_detector.h"
#include "zookeeper_url.h"

namespace spotburst::mesos {

struct ZooKeeperLeaderDetectorOptions {
  // Where the masters elect their leader (see ParseZooKeeperUrl).
  ZooKeeperUrl zookeeper;
  // Asked of ZooKeeper for the session; the server may clamp it (by
  // default to 2-20 of its ticks).
  absl::Duration session_timeout = absl::Seconds(10);
  // How long LeaderUrl() waits for a connection before Unavailable.
  absl::Duration connect_timeout = absl::Seconds(5);
  // "http", or "https" for masters that serve TLS.
  std::string scheme = "http";
};

class ZooKeeperLeaderDetector : public LeaderDetector {
 public:
  // InvalidArgument for options out of range. Connects on the first
  // LeaderUrl(), not here.
  static absl::StatusOr<std::unique_ptr<ZooKeeperLeaderDetector>> Create(
      ZooKeeperLeaderDetectorOptions options);

  // Closes the session; no callback runs after it returns.
  ~ZooKeeperLeaderDetector() override;

  // The leader's base URL, "http://host:port". Unavailable while not
  // connected or when no master takes part in the election;
  // FailedPrecondition when only binary "info_" nodes (Mesos before 0.24)
  // are there; PermissionDenied when the group may not be read with the
  // credentials given; InvalidArgument when the leader's node holds no
  // usable address. Blocks at most about connect_timeout plus
  // session_timeout.
  absl::StatusOr<std::string> LeaderUrl() override;

  // Blocks until what the last LeaderUrl() read may have changed (the
  // group's children, the session's state), or `timeout`; true if it
  // may have. Immediately true before any read in the current session.
  bool WaitForChange(absl::Duration timeout);

  // The current ZooKeeper session, once connected: tests expire it the
  // standard way (another client joins it, then closes it).
  struct SessionId {
    int64_t id = 0;
    std::string password;
  };
  std::optional<SessionId> SessionForTesting();

  struct Session;  // one ZooKeeper handle and what its watcher saw

 private:
  explicit ZooKeeperLeaderDetector(ZooKeeperLeaderDetectorOptions options);

  // A new handle in place of the current one (closed first).
  absl::Status OpenSession() ABSL_EXCLUSIVE_LOCKS_REQUIRED(call_mu_);
  void CloseSession() ABSL_EXCLUSIVE_LOCKS_REQUIRED(call_mu_);
  // The session connected, opening a new one if it expired; its change
  // count at that moment in `*changes`.
  absl::Status Connected(uint64_t* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(call_mu_);
  // Lists the group, setting the watch (then `*listed`), and reads the
  // leader's node.
  absl::StatusOr<std::string> ReadLeader(bool* listed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(call_mu_);

  const ZooKeeperLeaderDetectorOptions options_;
  // Serializes the callers; never taken by ZooKeeper's threads.
  absl::Mutex call_mu_;
  std::shared_ptr<Session> session_ ABSL_GUARDED_BY(call_mu_);
  // The session's change count when the group was last listed; the
  // leader then found, if any.
  std::optional<uint64_t> read_changes_ ABSL_GUARDED_BY(call_mu_);
  std::optional<std::string> leader_ ABSL_GUARDED_BY(call_mu_);
};

}  // namespace spotburst::mesos

#endif  // SPOTBURST_ADAPTERS_MESOS_SRC_ZOOKEEPER_LEADER_DETECTOR_H_
