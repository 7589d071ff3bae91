// Asking the configured masters where the leader is.
#include "redirect_leader_detector.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "master_url.h"

namespace spotburst::mesos {

RedirectLeaderDetector::RedirectLeaderDetector(std::vector<std::string> masters,
                                               MesosHttp& http)
    : masters_(std::move(masters)), http_(http) {}

absl::StatusOr<std::string> RedirectLeaderDetector::LeaderUrl() {
  std::vector<std::string> answers;
  for (size_t i = 0; i < masters_.size(); ++i) {
    const size_t index = (first_ + i) % masters_.size();
    const std::string& master = masters_[index];
    // /master/redirect needs no credentials.
    absl::StatusOr<http::HttpResponse> answer =
        http_.Get(master, "/master/redirect", std::nullopt, "mesos master");
    if (!answer.ok()) {
      answers.push_back(std::string(answer.status().message()));
      continue;
    }
    if (answer->status == 307) {
      const std::optional<std::string> location =
          HeaderValue(*answer, "Location");
      const std::string scheme = master.substr(0, master.find(':'));
      absl::StatusOr<std::string> leader =
          LeaderUrlFromLocation(location.value_or(""), scheme);
      if (leader.ok()) {
        first_ = index;
        return leader;
      }
      answers.push_back(
          absl::StrFormat("%s: %s", master, leader.status().message()));
      continue;
    }
    answers.push_back(absl::StrFormat("%s: HTTP %d%s", master, answer->status,
                                      answer->status == 503
                                          ? " (no leader elected)"
                                          : ": " + BodyExcerpt(answer->body)));
  }
  return absl::UnavailableError(absl::StrFormat(
      "mesos: no leading master known: %s", absl::StrJoin(answers, "; ")));
}

}  // namespace spotburst::mesos
