// The decision log's queue, writer thread, rotation and crash recovery.
#include "sidecar/decision_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/json_util.h"
#include "sidecar/durable_file.h"
#include "sidecar/event_log.h"
#include "sidecar/json_line.h"
#include "spotburst/internal/state_proto.h"

namespace spotburst::sidecar {
namespace {

constexpr absl::Duration kReportInterval = absl::Seconds(1);
constexpr char kLockFileName[] = "spotburst-decision-log.lock";
// A torn tail is read whole only to check whether it is a whole decision
// missing its newline; a longer one is ended rather than read.
constexpr int64_t kMaxTailCheckBytes = int64_t{256} << 20;
constexpr size_t kMaxErrorBytes = 200;
// The writer's line buffer is kept between lines up to this size; one
// larger decision does not hold on to its memory.
constexpr size_t kMaxKeptLineBytes = 1 << 20;

std::string Rotated(const std::string& path, int index) {
  return absl::StrCat(path, ".", index);
}

// The memory a queued decision holds; its policy is shared with the
// policy store, not counted.
int64_t EntryMemory(const DecisionEntry& entry) {
  return static_cast<int64_t>(
      sizeof(DecisionEntry) + entry.state.SpaceUsedLong() +
      entry.plan.SpaceUsedLong() + entry.decision_id.capacity() +
      entry.policy_name.capacity() + entry.policy_revision.capacity() +
      entry.made_by.capacity());
}

std::string ErrnoMessage(int error_number) {
  return std::generic_category().message(error_number);
}

// 0, or the errno; a short read is EIO.
int ReadAt(int fd, char* data, size_t size, int64_t offset) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, data + done, size - done,
                              static_cast<off_t>(offset + done));
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return n < 0 ? errno : EIO;
    }
  }
  return 0;
}

}  // namespace

absl::Status DecisionLogOptions::Validate() const {
  if (path.empty()) {
    return absl::InvalidArgumentError("decision_log.path: required");
  }
  if (max_file_bytes < 4096) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "decision_log.max_file_bytes: %d is out of range [4096, inf)",
        max_file_bytes));
  }
  if (max_files < 1 || max_files > 1000) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "decision_log.max_files: %d is out of range [1, 1000]", max_files));
  }
  if (queue_capacity < 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "decision_log.queue_capacity: %d is out of range [1, inf)",
        queue_capacity));
  }
  if (queue_max_bytes < 65536) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "decision_log.queue_max_bytes: %d is out of range [65536, inf)",
        queue_max_bytes));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<DecisionLog>> DecisionLog::Open(
    DecisionLogOptions options) {
  return OpenForTest(std::move(options), {});
}

absl::StatusOr<std::unique_ptr<DecisionLog>> DecisionLog::OpenForTest(
    DecisionLogOptions options, TestHooks hooks) {
  if (absl::Status valid = options.Validate(); !valid.ok()) return valid;
  std::unique_ptr<DecisionLog> log(new DecisionLog(std::move(options)));
  log->clock_ = std::move(hooks.clock);
  {
    absl::MutexLock lock(&log->mu_);
    log->hold_ = hooks.hold_writer;
  }
  // On failure the destructor closes what was opened.
  if (absl::Status opened = log->OpenFile(); !opened.ok()) return opened;
  if (absl::Status recovered = log->RecoverTornTail(); !recovered.ok()) {
    return recovered;
  }
  log->writer_ = std::thread([raw = log.get()] { raw->WriterLoop(); });
  return log;
}

absl::Status DecisionLog::OpenFile() {
  const std::string& path = options_.path;
  const std::string dir = DirectoryOf(path);
  const std::string lock_path = absl::StrCat(dir, "/", kLockFileName);
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) {
    const int error = errno;
    return absl::UnavailableError(
        absl::StrCat("decision log: cannot create the lock file ", lock_path,
                     ": ", ErrnoMessage(error)));
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    if (error != EWOULDBLOCK) {
      return absl::UnavailableError(absl::StrCat(
          "decision log: cannot lock ", lock_path, ": ", ErrnoMessage(error)));
    }
    char holder[32] = {};
    const ssize_t n = ::pread(lock_fd_, holder, sizeof(holder) - 1, 0);
    const std::string pid(absl::StripAsciiWhitespace(
        absl::string_view(holder, n > 0 ? static_cast<size_t>(n) : 0)));
    return absl::FailedPreconditionError(absl::StrCat(
        "decision log: the directory ", dir, " is in use by another process",
        pid.empty() || !std::all_of(pid.begin(), pid.end(), absl::ascii_isdigit)
            ? ""
            : absl::StrCat(" (pid ", pid, ")"),
        ", which holds its lock ", lock_path,
        "; give each daemon a decision log directory of its own"));
  }
  // The pid only makes a second daemon's error clearer: failing to write it
  // is not an error.
  const std::string pid = absl::StrCat(::getpid(), "\n");
  if (::ftruncate(lock_fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t n =
        ::pwrite(lock_fd_, pid.data(), pid.size(), 0);
  }

  const bool existed = std::filesystem::exists(path);
  // O_NONBLOCK: a FIFO must not block the open before it is refused.
  fd_ = ::open(path.c_str(),
               O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0644);
  if (fd_ < 0) {
    const int error = errno;
    return absl::UnavailableError(absl::StrCat(
        "decision log: cannot open ", path, ": ", ErrnoMessage(error)));
  }
  struct stat st;
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("decision log: ", path, " is not a regular file"));
  }
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
  file_bytes_ = static_cast<int64_t>(st.st_size);
  if (!existed) SyncDirectory(dir);
  return absl::OkStatus();
}

absl::Status DecisionLog::RecoverTornTail() {
  const std::string& path = options_.path;
  const int64_t size = file_bytes_;
  if (size == 0) return absl::OkStatus();
  auto read_failed = [&](int error) {
    return absl::UnavailableError(
        absl::StrCat("decision log: cannot read the end of ", path, ": ",
                     ErrnoMessage(error), "; nothing was changed"));
  };
  char last = 0;
  if (int error = ReadAt(fd_, &last, 1, size - 1); error != 0) {
    return read_failed(error);
  }
  if (last == '\n') return absl::OkStatus();

  // The torn line starts after the last newline.
  int64_t start = 0;
  std::string chunk(size_t{1} << 16, '\0');
  for (int64_t end = size; end > 0;) {
    const int64_t n = std::min<int64_t>(end, chunk.size());
    if (int error = ReadAt(fd_, chunk.data(), n, end - n); error != 0) {
      return read_failed(error);
    }
    const void* newline = ::memrchr(chunk.data(), '\n', n);
    if (newline != nullptr) {
      start = end - n + (static_cast<const char*>(newline) - chunk.data()) + 1;
      break;
    }
    end -= n;
  }
  const int64_t tail = size - start;
  char first = 0;
  if (int error = ReadAt(fd_, &first, 1, start); error != 0) {
    return read_failed(error);
  }
  if (first != '{') {
    return absl::FailedPreconditionError(absl::StrFormat(
        "decision log: %s ends with %d bytes without a newline that do not "
        "start a decision: not a decision log? It was left as it is",
        path, tail));
  }

  // A whole decision that only misses its newline is kept.
  bool whole = last == '}' && tail > kMaxTailCheckBytes;
  if (last == '}' && !whole) {
    std::string text(static_cast<size_t>(tail), '\0');
    if (int error = ReadAt(fd_, text.data(), text.size(), start); error != 0) {
      return read_failed(error);
    }
    v1::Decision decision;
    whole = google::protobuf::util::JsonStringToMessage(text, &decision).ok();
  }
  if (whole) {
    size_t done = 0;
    if (int error = WriteFully(fd_, "\n", 1, done); error != 0) {
      return absl::UnavailableError(
          absl::StrCat("decision log: cannot end the last line of ", path, ": ",
                       ErrnoMessage(error)));
    }
    file_bytes_ += 1;
    LogEvent("decision_log_tail_ended",
             {{"path", path}, {"bytes", absl::StrCat(tail)}});
    return absl::OkStatus();
  }
  if (::ftruncate(fd_, start) != 0) {
    const int error = errno;
    return absl::UnavailableError(
        absl::StrCat("decision log: cannot cut the torn last line of ", path,
                     ": ", ErrnoMessage(error)));
  }
  ::fdatasync(fd_);
  file_bytes_ = start;
  LogEvent("decision_log_torn_tail_cut", {{"path", path},
                                          {"offset", absl::StrCat(start)},
                                          {"bytes", absl::StrCat(tail)}});
  return absl::OkStatus();
}

DecisionLog::~DecisionLog() { Close(); }

bool DecisionLog::Record(DecisionEntry entry) {
  Queued queued{.entry = std::move(entry), .bytes = 0};
  queued.bytes = EntryMemory(queued.entry);
  absl::MutexLock lock(&mu_);
  if (stopping_ || pending_count_ >= options_.queue_capacity ||
      pending_bytes_ + queued.bytes > options_.queue_max_bytes) {
    ++stats_.dropped;
    return false;
  }
  pending_bytes_ += queued.bytes;
  ++pending_count_;
  ++stats_.recorded;
  queue_.push_back(std::move(queued));
  return true;
}

bool DecisionLog::FormatLine(DecisionEntry& entry) {
  // Decisions share a handful of policies: each is printed once, when it
  // first comes, and its text reused while it lasts.
  if (entry.policy != printed_policy_) {
    printed_policy_ = entry.policy;
    printed_policy_json_.clear();
    if (printed_policy_ != nullptr) {
      // A policy has no times to fail on.
      (void)AppendJson(*printed_policy_, printed_policy_json_);
    }
  }
  entry.policy.reset();
  v1::Decision decision = ToDecisionProto(entry);
  line_.clear();
  const absl::Status formatted =
      AppendJson(decision, line_,
                 {.field = printed_policy_ != nullptr
                               ? v1::Decision::descriptor()->FindFieldByNumber(
                                     v1::Decision::kPolicyFieldNumber)
                               : nullptr,
                  .json = printed_policy_json_});
  if (!formatted.ok()) {
    absl::MutexLock lock(&mu_);
    ++stats_.serialize_errors;
    last_serialize_error_ =
        std::string(formatted.message().substr(0, kMaxErrorBytes));
    return false;
  }
  line_.push_back('\n');
  return true;
}

void DecisionLog::Close(absl::Time deadline) {
  std::call_once(close_once_, [this, deadline] {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      deadline_ = deadline;
    }
    if (writer_.joinable()) writer_.join();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
    lock_fd_ = -1;
  });
}

DecisionLog::Stats DecisionLog::stats() const {
  absl::MutexLock lock(&mu_);
  Stats stats = stats_;
  stats.queued = pending_count_;
  return stats;
}

void DecisionLog::WaitUntilWrittenForTest() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &DecisionLog::AllWritten));
}

void DecisionLog::WriterLoop() {
  while (true) {
    std::deque<Queued> batch;
    bool stopping = false;
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(
          absl::Condition(this, &DecisionLog::HasWorkOrStopping),
          kReportInterval);
      if (!hold_ || stopping_) batch.swap(queue_);
      stopping = stopping_;
    }
    int64_t written = 0, failed = 0, unwritten = 0, bytes = 0;
    for (Queued& queued : batch) {
      bytes += queued.bytes;
      // Close may come while a batch is being written: look each time.
      absl::Time deadline = absl::InfiniteFuture();
      {
        absl::MutexLock lock(&mu_);
        if (stopping_) deadline = deadline_;
      }
      if (deadline != absl::InfiniteFuture() && Now() >= deadline) {
        ++unwritten;
        continue;
      }
      if (FormatLine(queued.entry)) {
        if (const int error = WriteLine(line_); error != 0) {
          ++failed;
          last_errno_ = error;
        } else {
          ++written;
        }
      }
      queued.entry = DecisionEntry();  // its memory back as soon as written
    }
    if (line_.capacity() > kMaxKeptLineBytes) std::string().swap(line_);
    if (written > 0) Sync();
    {
      absl::MutexLock lock(&mu_);
      stats_.written += written;
      stats_.write_errors += failed;
      stats_.unwritten_at_close += unwritten;
      pending_count_ -= static_cast<int64_t>(batch.size());
      pending_bytes_ -= bytes;
    }
    const bool done = stopping && batch.empty();
    Report(done);
    if (done) break;
  }
}

void DecisionLog::Report(bool closing) {
  Stats stats;
  std::string serialize_error;
  {
    absl::MutexLock lock(&mu_);
    stats = stats_;
    serialize_error = last_serialize_error_;
  }
  const absl::Time now = Now();
  if (!closing && now - last_report_ < kReportInterval) return;
  bool reported = false;
  if (stats.write_errors > reported_.write_errors) {
    LogEvent(
        "decision_log_write_failed",
        {{"path", options_.path},
         {"failed", absl::StrCat(stats.write_errors - reported_.write_errors)},
         {"failed_total", absl::StrCat(stats.write_errors)},
         {"error", ErrnoText(last_errno_)},
         {"errno", absl::StrCat(last_errno_)}});
    reported = true;
  }
  if (stats.dropped > reported_.dropped) {
    LogEvent("decision_log_dropped",
             {{"dropped", absl::StrCat(stats.dropped - reported_.dropped)},
              {"dropped_total", absl::StrCat(stats.dropped)},
              {"reason", "queue full"},
              {"queue_capacity", absl::StrCat(options_.queue_capacity)},
              {"queue_max_bytes", absl::StrCat(options_.queue_max_bytes)}});
    reported = true;
  }
  if (stats.serialize_errors > reported_.serialize_errors) {
    LogEvent("decision_log_serialize_failed",
             {{"failed", absl::StrCat(stats.serialize_errors -
                                      reported_.serialize_errors)},
              {"failed_total", absl::StrCat(stats.serialize_errors)},
              {"error", serialize_error}});
    reported = true;
  }
  if (closing && stats.unwritten_at_close > 0) {
    LogEvent("decision_log_close_deadline",
             {{"path", options_.path},
              {"written", absl::StrCat(stats.written)},
              {"unwritten", absl::StrCat(stats.unwritten_at_close)}});
  }
  if (reported) {
    reported_ = stats;
    last_report_ = now;
  }
}

v1::Decision ToDecisionProto(DecisionEntry& entry) {
  v1::Decision decision;
  decision.set_decision_id(std::move(entry.decision_id));
  if (auto time = internal::TimeToProto(entry.time)) {
    *decision.mutable_time() = *time;
  }
  decision.set_policy_name(std::move(entry.policy_name));
  decision.set_policy_revision(std::move(entry.policy_revision));
  if (entry.policy != nullptr) *decision.mutable_policy() = *entry.policy;
  decision.mutable_state()->Swap(&entry.state);
  decision.mutable_plan()->Swap(&entry.plan);
  decision.set_source(entry.source);
  decision.set_dry_run(entry.dry_run);
  decision.set_applied(entry.applied);
  decision.set_paused(entry.paused);
  decision.set_standby(entry.standby);
  decision.set_made_by(entry.made_by);
  decision.set_on_notice(entry.on_notice);
  return decision;
}

int DecisionLog::WriteLine(const std::string& line) {
  const auto size = static_cast<int64_t>(line.size());
  if (file_bytes_ > 0 && file_bytes_ + size > options_.max_file_bytes) {
    if (const int error = Rotate(); error != 0) return error;
  }
  if (fd_ < 0) {  // a failed rotation: try again
    fd_ = ::open(options_.path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC,
                 0644);
    if (fd_ < 0) return errno;
    struct stat st;
    file_bytes_ = ::fstat(fd_, &st) == 0 ? st.st_size : 0;
  }
  size_t done = 0;
  if (needs_newline_) {
    if (const int error = WriteFully(fd_, "\n", 1, done); error != 0) {
      return error;
    }
    file_bytes_ += 1;
    needs_newline_ = false;
  }
  const int error = WriteFully(fd_, line.data(), line.size(), done);
  if (error == 0) {
    file_bytes_ += size;
    return 0;
  }
  // Cut the part that was written, so that the next line starts on its
  // own; if that fails too, the next line ends it first.
  if (done > 0 && ::ftruncate(fd_, file_bytes_) != 0) {
    file_bytes_ += static_cast<int64_t>(done);
    needs_newline_ = true;
  }
  return error;
}

void DecisionLog::Sync() {
  if (fd_ >= 0 && ::fdatasync(fd_) != 0 && errno != EINVAL) {
    last_errno_ = errno;
    absl::MutexLock lock(&mu_);
    ++stats_.write_errors;
  }
}

int DecisionLog::Rotate() {
  Sync();
  ::close(fd_);
  fd_ = -1;
  const std::string& path = options_.path;
  std::error_code ignored;  // missing older files are normal
  if (options_.max_files == 1) {
    std::filesystem::remove(path, ignored);
  } else {
    std::filesystem::remove(Rotated(path, options_.max_files - 1), ignored);
    for (int i = options_.max_files - 2; i >= 1; --i) {
      std::filesystem::rename(Rotated(path, i), Rotated(path, i + 1), ignored);
    }
    std::filesystem::rename(path, Rotated(path, 1), ignored);
  }
  // Whatever happens next, the files have moved on: a failed open is
  // retried by the next write, not by another rotation.
  file_bytes_ = 0;
  needs_newline_ = false;
  fd_ = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return errno;
  SyncDirectory(DirectoryOf(path));
  absl::MutexLock lock(&mu_);
  ++stats_.rotations;
  return 0;
}

}  // namespace spotburst::sidecar
