// FileStateStore: the managed loop's checkpoint in a local file
// (managed.state_file), as proto JSON (spotburst.v1.ControllerCheckpoint).
//
// - One daemon per file: Open takes an exclusive flock on "<path>.lock"
//   (which holds the owner's pid) for the store's life, and fails naming
//   the path while another process holds it. The lock file stays behind:
//   removing it would let two processes lock two different files.
// - Save writes "<path>.tmp-<pid>" (mode 0600), fsyncs it, renames it over
//   the path and fsyncs the directory: after a crash at any point the path
//   holds the old checkpoint or the new one, whole. Open removes the
//   temporary files a crash left behind; Load never reads them.
// - Load checks what it reads as a restart would use it (strict JSON, at
//   most 16 MiB, every engine_state field convertible and in range), so a
//   bad file stops the daemon at startup with the path and the field.
//
//   SPOTBURST_ASSIGN_OR_RETURN(auto store, FileStateStore::Open(path));
//   SPOTBURST_ASSIGN_OR_RETURN(auto checkpoint, store->Load());
//   SPOTBURST_RETURN_IF_ERROR(store->Save(next));
//
// Not thread-safe: the control loop is its only user.
#ifndef SPOTBURST_SIDECAR_FILE_STATE_STORE_H_
#define SPOTBURST_SIDECAR_FILE_STATE_STORE_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sidecar/state_store.h"
#include "spotburst/v1/controller_service.pb.h"

namespace spotburst::sidecar {

class FileStateStore : public StateStore {
 public:
  // Largest state file Load reads, bytes.
  static constexpr size_t kMaxFileBytes = size_t{16} << 20;

  // InvalidArgument "managed.state_file: ..." naming the path when its
  // directory is missing or not writable; FailedPrecondition when another
  // process holds the lock.
  static absl::StatusOr<std::unique_ptr<FileStateStore>> Open(std::string path);

  FileStateStore(const FileStateStore&) = delete;
  FileStateStore& operator=(const FileStateStore&) = delete;
  ~FileStateStore() override;  // releases the lock

  absl::StatusOr<std::optional<v1::ControllerCheckpoint>> Load() override;
  absl::Status Save(const v1::ControllerCheckpoint& checkpoint) override;
  std::string Describe() const override;

 private:
  FileStateStore(std::string path, int lock_fd)
      : path_(std::move(path)), lock_fd_(lock_fd) {}

  const std::string path_;
  const int lock_fd_;
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_FILE_STATE_STORE_H_
