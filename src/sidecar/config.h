// spotburstd's configuration file: YAML (or JSON) read into
// spotburst.v1.SidecarConfig (proto/spotburst/v1/sidecar_config.proto, which
// documents every key) with the policy loader's strict rules, then applied
// to SidecarOptions. Keys the file leaves out keep the options' values, so
// the caller can apply defaults first and command-line flags after.
//
// Relative paths in the file (policies, TLS files, the decision log) are
// taken relative to the file's own directory.
//
//   SidecarOptions options;
//   SPOTBURST_RETURN_IF_ERROR(ApplyConfigFile("/etc/spotburstd.yaml",
//   options));
#ifndef SPOTBURST_SIDECAR_CONFIG_H_
#define SPOTBURST_SIDECAR_CONFIG_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "sidecar/server.h"

namespace spotburst::sidecar {

// NotFound when the file cannot be read; InvalidArgument naming the line and
// key of a bad value ("spotburstd.yaml:4: tls.cert_file: ...").
absl::Status ApplyConfigFile(const std::string& path, SidecarOptions& options);

// The same for text already read; `source` names it in errors, `base_dir`
// is where relative paths start.
absl::Status ApplyConfigText(std::string_view text, std::string_view source,
                             const std::string& base_dir,
                             SidecarOptions& options);

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_CONFIG_H_
