// The leading master's address from its ZooKeeper election node.
//
// Each master contending for leadership holds an ephemeral sequential
// znode under the group path; since Mesos 0.24 it is named
// "json.info_<sequence>" and holds the master's MasterInfo as JSON:
//   {"address": {"hostname": "m1", "ip": "10.20.0.11", "port": 5050},
//    "hostname": "m1", "ip": 184554506, "port": 5050,
//    "pid": "master@10.20.0.11:5050", ...}
#ifndef SPOTBURST_ADAPTERS_MESOS_SRC_MASTER_INFO_H_
#define SPOTBURST_ADAPTERS_MESOS_SRC_MASTER_INFO_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace spotburst::mesos {

// The base URL ("<scheme>://host:port") of the master described by `data`,
// the JSON MasterInfo read from the znode named `node`. In order of
// preference: `address.ip` (else `address.hostname`) with `address.port`;
// the deprecated `ip` (an IPv4 address packed into a uint32 in network
// byte order, printed in decimal; else `hostname`) with `port`; the
// libprocess `pid` "master@IP:PORT". IP addresses come first since a
// master's hostname may be a name that only resolves inside its network.
// `scheme` is "http" or "https" (for masters that serve TLS).
// InvalidArgument naming `node` and the field when the data holds no
// usable address; the data itself is never quoted whole.
absl::StatusOr<std::string> ParseMasterInfo(std::string_view data,
                                            std::string_view node,
                                            std::string_view scheme = "http");

}  // namespace spotburst::mesos

#endif  // SPOTBURST_ADAPTERS_MESOS_SRC_MASTER_INFO_H_
