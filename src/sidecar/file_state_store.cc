// The state file: flock, write-fsync-rename-fsync, strict load.
#include "sidecar/file_state_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "sidecar/durable_file.h"
#include "sidecar/event_log.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/internal/strict_json.h"
#include "spotburst/status_macros.h"

namespace spotburst::sidecar {
namespace {

constexpr char kOption[] = "managed.state_file";
// Protobuf's parse errors may quote the file; errors quote this much.
constexpr size_t kMaxErrorBytes = 512;

std::string TmpPrefix(const std::string& path) {
  return absl::StrCat(std::filesystem::path(path).filename().string(), ".tmp-");
}

// Removes the "<name>.tmp-*" files a save cut short left in the directory.
// Called with the lock held, so no other process is writing one.
void RemoveLeftovers(const std::string& path) {
  const std::string dir = DirectoryOf(path);
  const std::string prefix = TmpPrefix(path);
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (const dirent* entry = ::readdir(d)) {
    const absl::string_view name = entry->d_name;
    if (!absl::StartsWith(name, prefix)) continue;
    const std::string leftover = absl::StrCat(dir, "/", name);
    if (::unlinkat(::dirfd(d), entry->d_name, 0) == 0) {
      LogEvent("state_file_leftover_removed", {{"path", leftover}});
    } else {
      const int error = errno;
      LogEvent("state_file_leftover_not_removed",
               {{"path", leftover}, {"error", ErrnoText(error)}});
    }
  }
  ::closedir(d);
}

// Protobuf's status has its own type in 3.21.
std::string ProtobufMessage(const google::protobuf::util::Status& status) {
  const auto message = status.message();
  return std::string(message.data(), message.size());
}

// The checks a restart depends on, with the checkpoint's field path in the
// error. The state's value checks take an EvaluationState and name its
// fields "engine.*"; here they are "engine_state.*".
absl::Status CheckCheckpoint(const v1::ControllerCheckpoint& checkpoint) {
  if (checkpoint.has_saved_at()) {
    SPOTBURST_RETURN_IF_ERROR(
        internal::CheckTimestamp(checkpoint.saved_at(), "saved_at"));
  }
  v1::EvaluationState state;
  state.mutable_now()->set_seconds(0);
  *state.mutable_engine() = checkpoint.engine_state();
  if (absl::Status valid = internal::ValidateEvaluationState(state);
      !valid.ok()) {
    absl::string_view message = valid.message();
    if (absl::ConsumePrefix(&message, "engine.")) {
      return absl::InvalidArgumentError(absl::StrCat("engine_state.", message));
    }
    return valid;
  }
  if (absl::StatusOr<EngineState> engine =
          internal::FromProto(checkpoint.engine_state());
      !engine.ok()) {
    return internal::Prefixed(engine.status(), "engine_state.");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<FileStateStore>> FileStateStore::Open(
    std::string path) {
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(kOption, ": required"));
  }
  const std::string dir = DirectoryOf(path);
  struct stat dir_stat;
  if (::stat(dir.c_str(), &dir_stat) != 0 || !S_ISDIR(dir_stat.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat(kOption, ": ", path, ": the directory ", dir,
                     " does not exist or is not a directory"));
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    const int error = errno;
    return absl::InvalidArgumentError(
        absl::StrCat(kOption, ": ", path, ": the directory ", dir,
                     " is not writable: ", ErrnoText(error)));
  }
  struct stat file_stat;
  if (::lstat(path.c_str(), &file_stat) == 0 && !S_ISREG(file_stat.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat(kOption, ": ", path, " is not a regular file"));
  }

  const std::string lock_path = absl::StrCat(path, ".lock");
  const int lock_fd =
      ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) {
    const int error = errno;
    return absl::InvalidArgumentError(
        absl::StrCat(kOption, ": cannot create the lock file ", lock_path, ": ",
                     ErrnoText(error)));
  }
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    char holder[32] = {};
    const ssize_t n = ::pread(lock_fd, holder, sizeof(holder) - 1, 0);
    ::close(lock_fd);
    if (error != EWOULDBLOCK) {
      return absl::UnavailableError(absl::StrCat(
          kOption, ": cannot lock ", lock_path, ": ", ErrnoText(error)));
    }
    std::string pid(holder, n > 0 ? static_cast<size_t>(n) : 0);
    while (!pid.empty() && pid.back() == '\n') pid.pop_back();
    const bool digits = !pid.empty() && pid.size() <= 10 &&
                        pid.find_first_not_of("0123456789") == pid.npos;
    return absl::FailedPreconditionError(absl::StrCat(
        kOption, ": ", path, " is locked by another process",
        digits ? absl::StrCat(" (pid ", pid, ")") : "", " through ", lock_path,
        "; give each daemon a state file of its own"));
  }
  // The pid only makes a second daemon's error clearer.
  const std::string pid = absl::StrCat(::getpid(), "\n");
  if (::ftruncate(lock_fd, 0) == 0) {
    [[maybe_unused]] const ssize_t n =
        ::pwrite(lock_fd, pid.data(), pid.size(), 0);
  }
  RemoveLeftovers(path);
  return std::unique_ptr<FileStateStore>(
      new FileStateStore(std::move(path), lock_fd));
}

FileStateStore::~FileStateStore() { ::close(lock_fd_); }

std::string FileStateStore::Describe() const {
  return absl::StrCat("state file ", path_);
}

absl::StatusOr<std::optional<v1::ControllerCheckpoint>> FileStateStore::Load() {
  const std::string what = Describe();
  struct stat file_stat;
  if (::stat(path_.c_str(), &file_stat) != 0 && errno == ENOENT) {
    return std::nullopt;
  }
  SPOTBURST_ASSIGN_OR_RETURN(
      const std::string text,
      internal::ReadFileToString(path_, what, kMaxFileBytes));
  SPOTBURST_RETURN_IF_ERROR(internal::CheckStrictJson(text, what));
  v1::ControllerCheckpoint checkpoint;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  if (const auto status = google::protobuf::util::JsonStringToMessage(
          google::protobuf::StringPiece(text.data(), text.size()), &checkpoint,
          options);
      !status.ok()) {
    return absl::InvalidArgumentError(internal::Excerpt(
        absl::StrCat(what, ": ", ProtobufMessage(status)), kMaxErrorBytes));
  }
  if (absl::Status valid = CheckCheckpoint(checkpoint); !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": ", valid.message()));
  }
  return checkpoint;
}

absl::Status FileStateStore::Save(const v1::ControllerCheckpoint& checkpoint) {
  // What Load would refuse is not written: it would stop the next start.
  if (absl::Status valid = CheckCheckpoint(checkpoint); !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Describe(), ": not saved: ", valid.message()));
  }
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;  // read by people too
  print.preserve_proto_field_names = true;
  std::string text;
  if (const auto status =
          google::protobuf::util::MessageToJsonString(checkpoint, &text, print);
      !status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Describe(), ": not saved: ", ProtobufMessage(status)));
  }

  const std::string tmp = absl::StrCat(path_, ".tmp-", ::getpid());
  // A file of that name is a leftover of this pid: start afresh, with the
  // mode below rather than its own.
  ::unlink(tmp.c_str());
  const int fd = ::open(
      tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    const int error = errno;
    return absl::UnavailableError(absl::StrCat(Describe(), ": cannot create ",
                                               tmp, ": ", ErrnoText(error)));
  }
  // "cannot write /x/state.json.tmp-42": the temporary file goes.
  auto fail = [&](absl::string_view step, int error) {
    ::unlink(tmp.c_str());
    return absl::UnavailableError(
        absl::StrCat(Describe(), ": ", step, ": ", ErrnoText(error)));
  };
  size_t written = 0;
  if (const int error = WriteFully(fd, text.data(), text.size(), written);
      error != 0) {
    ::close(fd);
    return fail(absl::StrCat("cannot write ", tmp), error);
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    return fail(absl::StrCat("cannot sync ", tmp), error);
  }
  if (::close(fd) != 0) {
    const int error = errno;
    return fail(absl::StrCat("cannot close ", tmp), error);
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    return fail(absl::StrCat("cannot rename ", tmp, " to ", path_), error);
  }
  if (const int error = SyncDirectory(DirectoryOf(path_)); error != 0) {
    return absl::UnavailableError(
        absl::StrCat(Describe(), ": saved, but cannot sync its directory ",
                     DirectoryOf(path_), ": ", ErrnoText(error)));
  }
  return absl::OkStatus();
}

}  // namespace spotburst::sidecar
