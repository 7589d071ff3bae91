// Finding the files an installation ships (see installed_files.h).
#include "spotburst/internal/installed_files.h"

#include <filesystem>
#include <system_error>

#ifndef SPOTBURST_BIN_TO_SHARE_DIR
#error \
    "SPOTBURST_BIN_TO_SHARE_DIR must be defined by the build (src/CMakeLists.txt)"
#endif

namespace spotburst::internal {

std::string InstalledShareDir() {
  std::error_code error;
  const std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", error);
  if (error || exe.empty()) return "";
  const std::filesystem::path share =
      (exe.parent_path() / SPOTBURST_BIN_TO_SHARE_DIR).lexically_normal();
  if (!std::filesystem::is_directory(share, error)) return "";
  return share.string();
}

std::string FindInstalledFile(const std::string& path) {
  const std::filesystem::path p(path);
  std::error_code error;
  if (p.empty() || p.is_absolute() || std::filesystem::exists(p, error)) {
    return path;
  }
  const std::string share = InstalledShareDir();
  if (share.empty()) return path;
  const std::filesystem::path installed = std::filesystem::path(share) / p;
  return std::filesystem::exists(installed, error) ? installed.string() : path;
}

}  // namespace spotburst::internal
