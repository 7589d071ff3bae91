// The ZooKeeper ensemble and group path where Mesos masters elect their
// leader, as given to the masters' --zk flag.
#ifndef SPOTBURST_ADAPTERS_MESOS_SRC_ZOOKEEPER_URL_H_
#define SPOTBURST_ADAPTERS_MESOS_SRC_ZOOKEEPER_URL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace spotburst::mesos {

struct ZooKeeperUrl {
  // "host1:2181,host2:2181", as ZooKeeper's client takes it.
  std::string servers;
  // The group znode, e.g. "/mesos" (no trailing slash).
  std::string path;
  // "user:password" for ZooKeeper's digest authentication; empty for none.
  // A secret: never put it in a message or a log.
  std::string credentials;
};

// "zk://host1:2181,host2:2181/mesos" or "zk://user:pass@host1:2181/mesos"
// (2181 when a host has no port). InvalidArgument naming `field` for
// anything else; the credentials are never quoted.
absl::StatusOr<ZooKeeperUrl> ParseZooKeeperUrl(std::string_view text,
                                               std::string_view field);

}  // namespace spotburst::mesos

#endif  // SPOTBURST_ADAPTERS_MESOS_SRC_ZOOKEEPER_URL_H_
