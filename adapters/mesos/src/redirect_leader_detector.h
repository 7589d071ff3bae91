// RedirectLeaderDetector: the leading master, from a static list of
// masters asked in turn for /master/redirect.
//
// Any master answers 307 with the leader's address (a protocol-relative
// "//host:port"; the leader points at itself), or 503 while no leader is
// elected. The master that answered last is asked first next time, so a
// dead master costs one timeout at most once per change.
#ifndef SPOTBURST_ADAPTERS_MESOS_SRC_REDIRECT_LEADER_DETECTOR_H_
#define SPOTBURST_ADAPTERS_MESOS_SRC_REDIRECT_LEADER_DETECTOR_H_

#include <string>
#include <vector>

#include "leader_detector.h"
#include "mesos_http.h"

namespace spotburst::mesos {

class RedirectLeaderDetector final : public LeaderDetector {
 public:
  // `masters` are normalized base URLs (NormalizeMasterUrl); `http` is
  // borrowed and must outlive this.
  RedirectLeaderDetector(std::vector<std::string> masters, MesosHttp& http);

  // Unavailable naming each master's answer when none knows a leader.
  absl::StatusOr<std::string> LeaderUrl() override;

 private:
  std::vector<std::string> masters_;
  MesosHttp& http_;
  size_t first_ = 0;
};

}  // namespace spotburst::mesos

#endif  // SPOTBURST_ADAPTERS_MESOS_SRC_REDIRECT_LEADER_DETECTOR_H_
