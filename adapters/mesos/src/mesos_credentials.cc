// Reading basic-auth credentials without ever echoing them.
#include "mesos_credentials.h"

#include <sstream>

#include "absl/strings/str_format.h"
#include "spotburst/internal/file_util.h"

namespace spotburst::mesos {

absl::StatusOr<std::optional<BasicAuth>> LoadBasicAuth(
    const std::string& file, const std::string& user_var,
    const std::string& password_var, const std::string& what,
    const std::function<std::string(const std::string&)>& env) {
  if (!file.empty()) {
    absl::StatusOr<std::string> text = internal::ReadFileToString(
        file, what + " credentials file", /*max_bytes=*/64 << 10);
    if (!text.ok()) return text.status();
    std::istringstream lines(*text);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      std::istringstream words(line);
      std::string user, password, extra;
      if (!(words >> user)) continue;  // blank line
      if (!(words >> password) || (words >> extra)) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s credentials file %s:%d: expected \"principal secret\" (two "
            "words)",
            what, file, number));
      }
      return BasicAuth{.user = user, .password = password};
    }
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s credentials file %s: no \"principal secret\" line", what, file));
  }
  const std::string user = env(user_var);
  const std::string password = env(password_var);
  if (user.empty() && password.empty()) return std::nullopt;
  if (user.empty() || password.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s credentials: %s and %s must be set together", what,
                        user_var, password_var));
  }
  return BasicAuth{.user = user, .password = password};
}

}  // namespace spotburst::mesos
