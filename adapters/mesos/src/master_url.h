// Master addresses as users write them and as masters report them.
#ifndef SPOTBURST_ADAPTERS_MESOS_SRC_MASTER_URL_H_
#define SPOTBURST_ADAPTERS_MESOS_SRC_MASTER_URL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace spotburst::mesos {

// A configured master: "http://m1:5050", "https://m1:5050/" or "m1:5050"
// (http assumed; 5050 when no port is given) -> "http://m1:5050".
// InvalidArgument naming `field` for anything else (another scheme, a path,
// user info: credentials go in their own settings, never in a URL).
absl::StatusOr<std::string> NormalizeMasterUrl(std::string_view text,
                                               std::string_view field);

// The Location of a master's 307 from /master/redirect: "//host:port"
// (protocol-relative), completed with `scheme` ("http" or "https").
// A full "http://host:port" is accepted as it is. InvalidArgument otherwise.
absl::StatusOr<std::string> LeaderUrlFromLocation(std::string_view location,
                                                  std::string_view scheme);

// "host", "host:port", "[v6]" or "[v6]:port" -> "host:port", with
// `default_port` when none is given; empty when `authority` is none of
// these (bad characters, a port outside 1-65535).
std::string NormalizeHostPort(std::string_view authority, int default_port);

// `text` in double quotes for an error message, cut after 80 characters so
// that a message never carries unbounded input.
std::string QuoteForMessage(std::string_view text);

}  // namespace spotburst::mesos

#endif  // SPOTBURST_ADAPTERS_MESOS_SRC_MASTER_URL_H_
