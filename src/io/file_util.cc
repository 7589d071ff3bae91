// Whole-file reads: one allocation of the file's size, then one read loop.
#include "spotburst/internal/file_util.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_format.h"

namespace spotburst::internal {

absl::StatusOr<std::string> ReadFileToString(const std::string& path,
                                             std::string_view what,
                                             size_t max_bytes) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::is_regular_file(status)) {
    return absl::NotFoundError(
        absl::StrFormat("%s: cannot read %s: %s", what, path,
                        error ? error.message() : "not a regular file"));
  }
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (!error && size > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %s: %d bytes is more than the limit of %d", what,
                        path, size, max_bytes));
  }
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrFormat("%s: cannot read %s: %s", what,
                                               path, std::strerror(errno)));
  }
  std::string text;
  if (!error) text.reserve(size);
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    text.append(buffer, n);
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) {
    return absl::UnavailableError(
        absl::StrFormat("%s: reading %s failed", what, path));
  }
  return text;
}

absl::Status WriteStringToFile(const std::string& path, std::string_view text,
                               std::string_view what) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "%s: cannot write %s: %s", what, path, std::strerror(errno)));
  }
  const bool written =
      std::fwrite(text.data(), 1, text.size(), file) == text.size();
  if (std::fclose(file) != 0 || !written) {
    return absl::UnavailableError(
        absl::StrFormat("%s: writing %s failed", what, path));
  }
  return absl::OkStatus();
}

}  // namespace spotburst::internal
