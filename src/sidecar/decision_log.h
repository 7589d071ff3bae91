// DecisionLog: every decision spotburstd makes, one JSON line each, in a
// file that rotates, written by one background thread.
//
// Each line is a spotburst.v1.Decision in the proto JSON mapping (field
// names as in proto/spotburst/v1/decision.proto): decision id, time, policy
// name and revision, the effective policy, the state and the plan. That is
// everything `spotburst replay` needs to make the decision again.
//
// Bounded in memory and on disk, whatever the load:
// - Record never blocks on disk: it queues the decision for the writer
//   thread. When the queue holds queue_capacity decisions or
//   queue_max_bytes bytes, the decision is dropped and counted instead
//   (the writer reports the count in the daemon's log, once a second at
//   most).
// - The file is rotated before a line would take it past max_file_bytes:
//   path -> path.1 -> path.2 ..., keeping max_files files in all. A single
//   line larger than max_file_bytes gets a file of its own.
// Thread-safe.
//
//   SPOTBURST_ASSIGN_OR_RETURN(auto log, DecisionLog::Open({.path = p}));
//   log->Record(std::move(entry));  // from any request thread
//   log->Close();                   // writes what is queued, then stops
#ifndef SPOTBURST_SIDECAR_DECISION_LOG_H_
#define SPOTBURST_SIDECAR_DECISION_LOG_H_

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "spotburst/v1/decision.pb.h"
#include "spotburst/v1/plan.pb.h"
#include "spotburst/v1/policy.pb.h"
#include "spotburst/v1/state.pb.h"

namespace spotburst::sidecar {

struct DecisionLogOptions {
  // The file to write; rotated files get ".1" (newest) to ".<max_files-1>".
  std::string path;
  // Rotate before the file would pass this many bytes. >= 4096.
  int64_t max_file_bytes = int64_t{64} << 20;
  // Files kept, the one being written included. 1..1000.
  int max_files = 5;
  // Decisions waiting for the writer, at most. >= 1.
  int queue_capacity = 1024;
  // Encoded bytes of the decisions waiting for the writer, at most. >= 65536.
  int64_t queue_max_bytes = int64_t{64} << 20;

  // InvalidArgument naming the field, the value and the accepted range.
  absl::Status Validate() const;
};

// What a request thread hands to the log. The policy is shared with the
// policy store's cache rather than copied.
struct DecisionEntry {
  std::string decision_id;
  absl::Time time;
  std::string policy_name;
  std::string policy_revision;
  std::shared_ptr<const v1::Policy> policy;
  v1::EvaluationState state;
  v1::Plan plan;
  v1::DecisionSource source = v1::DECISION_SOURCE_EVALUATE;
  bool dry_run = false;
  bool applied = false;
  bool paused = false;
};

// The log line's message, as WatchDecisions streams it too. Moves the state
// and plan out of `entry`.
v1::Decision ToDecisionProto(DecisionEntry& entry);

class DecisionLog {
 public:
  // Opens (appends to) the file and starts the writer. InvalidArgument for
  // bad options; Unavailable when the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<DecisionLog>> Open(
      DecisionLogOptions options);

  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;
  ~DecisionLog();  // Close()

  // Queues `entry` for writing. False when it was dropped: the queue is
  // full, or the log is closed. Never blocks on disk.
  bool Record(DecisionEntry entry);

  // Writes everything queued, closes the file and stops the writer; later
  // Records are dropped. Idempotent.
  void Close();

  struct Stats {
    int64_t recorded = 0;  // accepted by Record
    int64_t dropped = 0;   // refused by Record
    int64_t written = 0;   // lines written
    int64_t write_errors = 0;
    int64_t rotations = 0;
  };
  Stats stats() const;

  // Blocks until every decision Record accepted so far is written (or
  // failed to be).
  void WaitUntilWrittenForTest();

 private:
  explicit DecisionLog(DecisionLogOptions options)
      : options_(std::move(options)) {}

  void WriterLoop();
  bool Write(DecisionEntry& entry);  // writer thread only
  void Rotate();                     // writer thread only
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !queue_.empty() || stopping_;
  }
  bool AllWritten() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return pending_count_ == 0;
  }

  const DecisionLogOptions options_;

  mutable absl::Mutex mu_;
  std::deque<std::pair<DecisionEntry, int64_t>> queue_ ABSL_GUARDED_BY(mu_);
  // Decisions (and their bytes) accepted and not yet written: the queue
  // plus the batch the writer holds.
  int64_t pending_count_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t pending_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  Stats stats_ ABSL_GUARDED_BY(mu_);

  // Owned by the writer thread once it runs.
  std::FILE* file_ = nullptr;
  int64_t file_bytes_ = 0;
  int64_t rotations_ = 0;
  std::thread writer_;
  std::once_flag close_once_;
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_DECISION_LOG_H_
