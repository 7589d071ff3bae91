// DecisionLog: every decision spotburstd makes, one JSON line each, in a
// file that rotates, written by one background thread.
//
// Each line is a spotburst.v1.Decision in the proto JSON mapping (field
// names as in proto/spotburst/v1/decision.proto): decision id, time, policy
// name and revision, the effective policy, the state and the plan. That is
// everything `spotburst replay` needs to make the decision again.
//
// Bounded in memory and on disk, whatever the load:
// - Record only queues the decision for the writer thread, which turns it
//   into its line (AppendJson) and writes it; the caller's thread neither
//   formats nor waits for the disk. The queue holds at most queue_capacity
//   decisions and queue_max_bytes bytes of them (the memory their messages
//   take); past either, the new decision is dropped and counted (dropped in
//   stats(), spotburst_decision_log_dropped_total in the metrics, and an
//   event from the writer once a second at most). Decisions already queued
//   are never dropped, and lines are written in the order Record accepted
//   them.
// - The file is rotated before a line would take it past max_file_bytes:
//   path -> path.1 -> path.2 ..., keeping max_files files in all. A single
//   line larger than max_file_bytes gets a file of its own.
//
// Durable and recoverable:
// - One process at a time: Open takes an exclusive lock on a lock file in
//   the log's directory (spotburst-decision-log.lock, holding the owner's
//   pid) and refuses to start while another process holds it.
// - A line is written whole or not at all: a write that fails midway (a
//   full disk, EFBIG past a file size limit) is cut off again, so the next
//   line starts on a line of its own. Each batch of lines is fdatasync'ed.
// - A crash can still leave the last line unfinished. Open cuts such a tail
//   (bytes after the last newline that are not a whole decision) and logs
//   how many bytes it cut; a whole decision that only lacks its newline
//   gets one.
// - Failed writes are counted and logged once a second at most, with the
//   system's error. (SIGXFSZ must be ignored for writes past RLIMIT_FSIZE
//   to fail with EFBIG rather than kill the process; spotburstd does.)
// - Close(deadline) writes what is queued until the deadline, then drops
//   the rest and says how many it dropped.
// Thread-safe.
//
//   SPOTBURST_ASSIGN_OR_RETURN(auto log, DecisionLog::Open({.path = p}));
//   log->Record(std::move(entry));  // from any request thread
//   log->Close(deadline);           // writes what is queued, then stops
#ifndef SPOTBURST_SIDECAR_DECISION_LOG_H_
#define SPOTBURST_SIDECAR_DECISION_LOG_H_

#include <cstdint>
#include <deque>
#include <functional>
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
  // Memory the lines waiting for the writer take, bytes, at most. >= 65536.
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
  bool standby = false;
  std::string made_by;
  bool on_notice = false;
};

// The log line's message, as WatchDecisions streams it too. Moves the state
// and plan out of `entry`.
v1::Decision ToDecisionProto(DecisionEntry& entry);

class DecisionLog {
 public:
  // Locks the directory, opens (appends to) the file, cuts a torn last line
  // and starts the writer. InvalidArgument for bad options;
  // FailedPrecondition when another process holds the directory's lock or
  // the file is not a decision log (a tail that is not one is never cut);
  // Unavailable when the file cannot be opened or read.
  static absl::StatusOr<std::unique_ptr<DecisionLog>> Open(
      DecisionLogOptions options);

  // For tests: a writer that waits for Close before writing anything, and
  // the clock the writer reads deadlines and report intervals on.
  struct TestHooks {
    bool hold_writer = false;
    std::function<absl::Time()> clock;
  };
  static absl::StatusOr<std::unique_ptr<DecisionLog>> OpenForTest(
      DecisionLogOptions options, TestHooks hooks);

  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;
  ~DecisionLog();  // Close()

  // Queues `entry` for writing. True when it was accepted: it is then
  // written unless it has no JSON form (a timestamp past year 9999, which no
  // state Evaluate accepts can hold), a write fails, or Close's deadline
  // passes first (each counted and logged). False when the queue is full
  // or the log is closed (counted in dropped), or the decision's own time
  // has no JSON form (counted in serialize_errors). Never formats, never
  // blocks on disk: a short lock and a size estimate of the messages.
  bool Record(DecisionEntry entry);

  // Writes what is queued until `deadline`, drops the rest (counted in
  // unwritten_at_close and logged), closes the file and the lock and stops
  // the writer; later Records are dropped. Idempotent.
  void Close(absl::Time deadline = absl::InfiniteFuture());

  struct Stats {
    int64_t recorded = 0;            // accepted by Record
    int64_t dropped = 0;             // refused by Record: queue full or closed
    int64_t serialize_errors = 0;    // not written: no JSON form
    int64_t written = 0;             // lines written
    int64_t write_errors = 0;        // lines that failed to be written
    int64_t unwritten_at_close = 0;  // accepted, not written by the deadline
    int64_t rotations = 0;
    int64_t queued = 0;  // accepted, not yet written (or failed); now
  };
  Stats stats() const;

  // Blocks until every decision Record accepted so far is written (or
  // failed to be, or dropped at Close).
  void WaitUntilWrittenForTest();

 private:
  explicit DecisionLog(DecisionLogOptions options)
      : options_(std::move(options)) {}

  absl::Status OpenFile();         // before the writer starts
  absl::Status RecoverTornTail();  // before the writer starts
  void WriterLoop();
  // A queued decision and the memory it was counted for.
  struct Queued {
    DecisionEntry entry;
    int64_t bytes = 0;
  };

  int WriteLine(const std::string& line);  // writer thread; 0 or an errno
  // The entry's line into line_ (writer thread); false when it has no JSON
  // form (counted and remembered for the report).
  bool FormatLine(DecisionEntry& entry);
  int Rotate();               // writer thread; 0 or an errno
  void Sync();                // writer thread
  void Report(bool closing);  // writer thread
  absl::Time Now() const { return clock_ ? clock_() : absl::Now(); }

  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return (!queue_.empty() && !hold_) || stopping_;
  }
  bool AllWritten() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return pending_count_ == 0;
  }

  const DecisionLogOptions options_;
  std::function<absl::Time()> clock_;

  mutable absl::Mutex mu_;
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mu_);
  // Lines (and their memory) accepted and not yet written: the queue plus
  // the batch the writer holds.
  int64_t pending_count_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t pending_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool hold_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time deadline_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  Stats stats_ ABSL_GUARDED_BY(mu_);
  std::string last_serialize_error_ ABSL_GUARDED_BY(mu_);

  // Owned by the writer thread once it runs.
  int lock_fd_ = -1;
  int fd_ = -1;
  int64_t file_bytes_ = 0;
  bool needs_newline_ = false;  // a torn line could not be cut
  int last_errno_ = 0;
  std::string line_;  // reused for every line
  // The last policy printed and its JSON.
  std::shared_ptr<const v1::Policy> printed_policy_;
  std::string printed_policy_json_;
  // What the last report said, to report only what is new.
  Stats reported_;
  absl::Time last_report_ = absl::InfinitePast();
  std::thread writer_;
  std::once_flag close_once_;
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_DECISION_LOG_H_
