// The few POSIX steps that make a file's contents survive a crash, shared
// by the decision log and the state file. Each returns 0 or the errno of
// the step that failed.
#ifndef SPOTBURST_SIDECAR_DURABLE_FILE_H_
#define SPOTBURST_SIDECAR_DURABLE_FILE_H_

#include <cstddef>
#include <string>

namespace spotburst::sidecar {

// Writes all of `data` (retrying short writes and EINTR); `done` says how
// much was written either way.
int WriteFully(int fd, const char* data, size_t size, size_t& done);

// A new or renamed file lasts a crash only once its directory is synced.
int SyncDirectory(const std::string& dir);

// The directory `path` is in: "." for a bare file name.
std::string DirectoryOf(const std::string& path);

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_DURABLE_FILE_H_
