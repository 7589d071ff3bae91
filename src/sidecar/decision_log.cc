// The decision log's queue, writer thread and rotation.
#include "sidecar/decision_log.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/json_util.h"
#include "sidecar/event_log.h"
#include "state_proto.h"

namespace spotburst::sidecar {
namespace {

constexpr absl::Duration kDropReportInterval = absl::Seconds(1);

std::string Rotated(const std::string& path, int index) {
  return absl::StrCat(path, ".", index);
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
  if (absl::Status valid = options.Validate(); !valid.ok()) return valid;
  std::unique_ptr<DecisionLog> log(new DecisionLog(std::move(options)));
  const std::string& path = log->options_.path;
  log->file_ = std::fopen(path.c_str(), "a");
  if (log->file_ == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "decision log: cannot open ", path, ": ", std::strerror(errno)));
  }
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  log->file_bytes_ = error ? 0 : static_cast<int64_t>(size);
  log->writer_ = std::thread([raw = log.get()] { raw->WriterLoop(); });
  return log;
}

DecisionLog::~DecisionLog() { Close(); }

bool DecisionLog::Record(DecisionEntry entry) {
  // The encoded size stands for the memory the entry holds.
  const int64_t bytes = static_cast<int64_t>(entry.state.ByteSizeLong() +
                                             entry.plan.ByteSizeLong()) +
                        256;
  absl::MutexLock lock(&mu_);
  if (stopping_ || pending_count_ >= options_.queue_capacity ||
      pending_bytes_ + bytes > options_.queue_max_bytes) {
    ++stats_.dropped;
    return false;
  }
  queue_.emplace_back(std::move(entry), bytes);
  ++pending_count_;
  pending_bytes_ += bytes;
  ++stats_.recorded;
  return true;
}

void DecisionLog::Close() {
  std::call_once(close_once_, [this] {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    if (writer_.joinable()) writer_.join();
  });
}

DecisionLog::Stats DecisionLog::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void DecisionLog::WaitUntilWrittenForTest() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &DecisionLog::AllWritten));
}

void DecisionLog::WriterLoop() {
  int64_t reported_dropped = 0;
  absl::Time last_report = absl::InfinitePast();
  while (true) {
    std::deque<std::pair<DecisionEntry, int64_t>> batch;
    bool stopping = false;
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(
          absl::Condition(this, &DecisionLog::HasWorkOrStopping),
          kDropReportInterval);
      batch.swap(queue_);
      stopping = stopping_;
    }
    int64_t written = 0, failed = 0, bytes = 0;
    const int64_t rotations_before = rotations_;
    for (auto& [entry, entry_bytes] : batch) {
      (Write(entry) ? written : failed) += 1;
      bytes += entry_bytes;
    }
    // Lines lost in a failed flush were counted as written; the event below
    // says so.
    const bool flush_failed = file_ != nullptr && std::fflush(file_) != 0;
    int64_t dropped = 0;
    {
      absl::MutexLock lock(&mu_);
      stats_.written += written;
      stats_.write_errors += failed;
      stats_.rotations += rotations_ - rotations_before;
      pending_count_ -= static_cast<int64_t>(batch.size());
      pending_bytes_ -= bytes;
      dropped = stats_.dropped;
    }
    if (failed > 0 || flush_failed) {
      LogEvent("decision_log_write_failed",
               {{"path", options_.path},
                {"lines", absl::StrCat(failed)},
                {"flush", flush_failed ? "failed" : "ok"}});
    }
    const absl::Time now = absl::Now();
    if (dropped > reported_dropped &&
        (stopping || now - last_report >= kDropReportInterval)) {
      LogEvent("decision_log_dropped",
               {{"dropped", absl::StrCat(dropped - reported_dropped)},
                {"dropped_total", absl::StrCat(dropped)},
                {"reason", "queue full"}});
      reported_dropped = dropped;
      last_report = now;
    }
    if (stopping && batch.empty()) break;
  }
  if (file_ != nullptr) std::fclose(file_);
  file_ = nullptr;
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
  return decision;
}

bool DecisionLog::Write(DecisionEntry& entry) {
  const v1::Decision decision = ToDecisionProto(entry);

  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string line;
  if (!google::protobuf::util::MessageToJsonString(decision, &line, options)
           .ok()) {
    return false;
  }
  line.push_back('\n');
  const auto size = static_cast<int64_t>(line.size());
  if (file_bytes_ > 0 && file_bytes_ + size > options_.max_file_bytes) {
    Rotate();
  }
  if (file_ == nullptr) {  // a failed rotation: try again
    file_ = std::fopen(options_.path.c_str(), "a");
    if (file_ == nullptr) return false;
  }
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) {
    return false;
  }
  file_bytes_ += size;
  return true;
}

void DecisionLog::Rotate() {
  std::fclose(file_);
  file_ = nullptr;
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
  file_ = std::fopen(path.c_str(), "a");
  file_bytes_ = 0;
  ++rotations_;
}

}  // namespace spotburst::sidecar
