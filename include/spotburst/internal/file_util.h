// Internal to spotburst (target spotburst::internal): shared by its programs
// and adapters, not installed, no compatibility promise. Implemented in
// src/io/file_util.cc.
//
// Reading a whole file into memory, with errors that name the file.
#ifndef SPOTBURST_INTERNAL_FILE_UTIL_H_
#define SPOTBURST_INTERNAL_FILE_UTIL_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace spotburst::internal {

// `what` starts the error message ("policy", "trace"). NotFound when the
// path does not name a readable regular file; InvalidArgument when it holds
// more than `max_bytes`; Unavailable when reading fails midway.
absl::StatusOr<std::string> ReadFileToString(const std::string& path,
                                             std::string_view what,
                                             size_t max_bytes);

// Writes `text` to `path`, replacing it. PermissionDenied when the file
// cannot be opened; Unavailable when writing fails midway. `what` starts
// the error message ("report").
absl::Status WriteStringToFile(const std::string& path, std::string_view text,
                               std::string_view what);

}  // namespace spotburst::internal

#endif  // SPOTBURST_INTERNAL_FILE_UTIL_H_
