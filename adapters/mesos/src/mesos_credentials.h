// HTTP basic auth for masters and Marathon, from a file or the environment.
#ifndef SPOTBURST_ADAPTERS_MESOS_SRC_MESOS_CREDENTIALS_H_
#define SPOTBURST_ADAPTERS_MESOS_SRC_MESOS_CREDENTIALS_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "mesos_http.h"

namespace spotburst::mesos {

// From `file` when given: its first non-empty line, "principal secret"
// (whitespace between, as the masters' --credentials text form; a secret
// may not contain whitespace). Otherwise from the environment variables
// `user_var` and `password_var` when both are set; nullopt when neither
// source has any. Errors name the file or variable and `what`, never what
// they hold.
absl::StatusOr<std::optional<BasicAuth>> LoadBasicAuth(
    const std::string& file, const std::string& user_var,
    const std::string& password_var, const std::string& what,
    const std::function<std::string(const std::string&)>& env);

}  // namespace spotburst::mesos

#endif  // SPOTBURST_ADAPTERS_MESOS_SRC_MESOS_CREDENTIALS_H_
