// MesosCluster: leader, metrics, agents and Marathon's queue per Snapshot;
// DRAIN_AGENT (or DEACTIVATE_AGENT) per Drain.
#include "spotburst/mesos/mesos_cluster.h"

#include <cstdlib>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "agent_tracker.h"
#include "leader_detector.h"
#include "marathon_queue.h"
#include "master_json.h"
#include "master_url.h"
#include "mesos_credentials.h"
#include "mesos_http.h"
#include "redirect_leader_detector.h"
#include "spotburst/internal/strict_json.h"
#include "spotburst/status_macros.h"
#include "unmet_demand.h"
#include "zookeeper_leader_detector.h"
#include "zookeeper_url.h"

namespace spotburst::mesos {
namespace {

// How a master from before draining (1.9) answers a call type it lacks.
bool UnknownCallType(const http::HttpResponse& answer) {
  return answer.status == 400 &&
         (absl::StrContains(answer.body, "Failed to convert JSON into Call") ||
          absl::StrContains(answer.body, "Failed to find enum"));
}

absl::Status Prefixed(const absl::Status& status, std::string_view prefix) {
  return absl::Status(status.code(),
                      std::string(prefix) + std::string(status.message()));
}

// A non-200 answer where one was needed.
absl::Status Unexpected(std::string_view what, const std::string& url,
                        const http::HttpResponse& answer) {
  if (answer.status == 307) {
    return absl::UnavailableError(absl::StrFormat(
        "%s %s: redirected to %s: the leading master changed; the next tick "
        "asks the new one",
        what, url, HeaderValue(answer, "Location").value_or("(no Location)")));
  }
  return absl::Status(answer.status == 503
                          ? absl::StatusCode::kUnavailable
                          : absl::StatusCode::kFailedPrecondition,
                      absl::StrFormat("%s %s: HTTP %d: %s", what, url,
                                      answer.status, BodyExcerpt(answer.body)));
}

}  // namespace

absl::Status ValidateMesosOptions(const MesosOptions& o) {
  if (o.masters.empty() == o.zookeeper.empty()) {
    return absl::InvalidArgumentError(
        "mesos: give exactly one of masters (a list of master URLs) and "
        "zookeeper (zk://host:port,.../path)");
  }
  for (size_t i = 0; i < o.masters.size(); ++i) {
    absl::StatusOr<std::string> url = NormalizeMasterUrl(
        o.masters[i], absl::StrFormat("mesos.masters[%d]", i));
    if (!url.ok()) return url.status();
  }
  if (!o.zookeeper.empty()) {
    absl::StatusOr<ZooKeeperUrl> zk =
        ParseZooKeeperUrl(o.zookeeper, "mesos.zookeeper");
    if (!zk.ok()) return zk.status();
  }
  if (o.master_scheme != "http" && o.master_scheme != "https") {
    return absl::InvalidArgumentError(
        "mesos.master_scheme: must be \"http\" or \"https\"");
  }
  if (!o.marathon.empty()) {
    absl::StatusOr<std::string> url =
        NormalizeMasterUrl(o.marathon, "mesos.marathon");
    if (!url.ok()) return url.status();
  }
  if (o.instance_id_attribute.empty()) {
    return absl::InvalidArgumentError(
        "mesos.instance_id_attribute: required (the agent attribute that "
        "holds the burst instance's id)");
  }
  if (o.private_selector.contains(o.instance_id_attribute)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "mesos.private_selector: must not name %s, which marks burst agents",
        o.instance_id_attribute));
  }
  for (const auto& [name, value] : o.burst_attributes) {
    if (o.private_selector.contains(name) &&
        o.private_selector.at(name) == value) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "mesos.burst_attributes: %s:%s would also select burst agents as "
          "private (mesos.private_selector)",
          name, value));
    }
  }
  if (o.missing_polls_to_drop < 0 || o.missing_polls_to_drop > 1000) {
    return absl::InvalidArgumentError(
        "mesos.missing_polls_to_drop: must be in [0, 1000]");
  }
  if (o.max_attempts < 1 || o.max_attempts > 10) {
    return absl::InvalidArgumentError("mesos.max_attempts: must be in [1, 10]");
  }
  if (o.connect_timeout <= absl::ZeroDuration() ||
      o.request_timeout <= absl::ZeroDuration() ||
      o.request_timeout > absl::Minutes(5)) {
    return absl::InvalidArgumentError(
        "mesos.connect_timeout_s and mesos.request_timeout_s: must be above "
        "0 (and the request timeout at most 300 s)");
  }
  return absl::OkStatus();
}

class MesosCluster::Impl {
 public:
  Impl(MesosOptions options, std::unique_ptr<http::HttpClient> client)
      : options_(std::move(options)),
        client_(std::move(client)),
        http_(*client_, options_.max_attempts, options_.request_timeout),
        tracker_({.private_selector = options_.private_selector,
                  .instance_id_attribute = options_.instance_id_attribute,
                  .missing_polls_to_drop = options_.missing_polls_to_drop}) {
    profile_.attributes = options_.burst_attributes;
    profile_.unique_attributes = {options_.instance_id_attribute};
  }

  absl::Status Init(const MesosCluster::Environment& env) {
    SPOTBURST_ASSIGN_OR_RETURN(
        auth_,
        LoadBasicAuth(options_.credentials_file, "SPOTBURST_MESOS_PRINCIPAL",
                      "SPOTBURST_MESOS_SECRET", "mesos", env));
    SPOTBURST_ASSIGN_OR_RETURN(
        marathon_auth_,
        LoadBasicAuth(options_.marathon_credentials_file,
                      "SPOTBURST_MARATHON_USER", "SPOTBURST_MARATHON_PASSWORD",
                      "marathon", env));
    if (!options_.marathon.empty()) {
      marathon_ = *NormalizeMasterUrl(options_.marathon, "mesos.marathon");
    }
    if (!options_.masters.empty()) {
      std::vector<std::string> masters;
      for (const std::string& m : options_.masters) {
        masters.push_back(*NormalizeMasterUrl(m, "mesos.masters"));
      }
      detector_ =
          std::make_unique<RedirectLeaderDetector>(std::move(masters), http_);
      return absl::OkStatus();
    }
    absl::StatusOr<std::unique_ptr<ZooKeeperLeaderDetector>> zk =
        ZooKeeperLeaderDetector::Create(
            {.zookeeper =
                 *ParseZooKeeperUrl(options_.zookeeper, "mesos.zookeeper"),
             .connect_timeout = options_.connect_timeout,
             .scheme = options_.master_scheme});
    if (!zk.ok()) return zk.status();
    detector_ = *std::move(zk);
    return absl::OkStatus();
  }

  absl::StatusOr<ClusterState> Snapshot(std::vector<std::string>& warnings) {
    warnings.clear();
    SPOTBURST_ASSIGN_OR_RETURN(const std::string leader, Leader());
    const std::string metrics_url = leader + "/metrics/snapshot";
    SPOTBURST_ASSIGN_OR_RETURN(
        http::HttpResponse metrics_answer,
        http_.Get(leader, "/metrics/snapshot", auth_, "mesos master"));
    if (metrics_answer.status != 200) {
      return Unexpected("mesos master GET", metrics_url, metrics_answer);
    }
    absl::StatusOr<MetricsSnapshot> metrics =
        ParseMetricsSnapshot(metrics_answer.body);
    if (!metrics.ok()) return Prefixed(metrics.status(), leader + ": ");
    if (!metrics->elected) {
      return absl::UnavailableError(absl::StrFormat(
          "mesos master %s is not the leader (master/elected = 0): a "
          "failover may be under way; the next tick asks again",
          leader));
    }
    SPOTBURST_ASSIGN_OR_RETURN(AgentList agents, ReadAgents(leader));
    const ClusterAgents cluster = tracker_.Update(agents, undrainable_);

    ClusterState state{.baseline = cluster.baseline,
                       .reports_agents = true,
                       .burst_agents = cluster.burst,
                       .read_at = absl::Now()};
    if (agents.reports_used) {
      state.used = cluster.used;
    } else {
      // Masters before 1.0 say nothing of usage per agent: the master's
      // own gauges are the nearest thing (every agent's, this pool's or
      // not).
      state.used = metrics->used;
      warnings.push_back(absl::StrFormat(
          "mesos master %s reports no used_resources per agent (Mesos before "
          "1.0): usage is the whole cluster's master/*_used",
          leader));
    }
    if (cluster.kept_missing > 0) {
      warnings.push_back(absl::StrFormat(
          "%d agent(s) missing from the master's list are still counted "
          "(dropped after %d polls)",
          cluster.kept_missing, options_.missing_polls_to_drop));
    }
    for (const std::string& id : undrainable_) {
      warnings.push_back(absl::StrFormat(
          "the master cannot drain or deactivate agents (Mesos before 1.9): "
          "%s ends without a drain",
          id));
    }
    if (!marathon_.empty()) {
      SPOTBURST_ASSIGN_OR_RETURN(
          http::HttpResponse queue_answer,
          http_.Get(marathon_, "/v2/queue", marathon_auth_, "marathon"));
      if (queue_answer.status != 200) {
        return Unexpected("marathon GET", marathon_ + "/v2/queue",
                          queue_answer);
      }
      absl::StatusOr<std::vector<MarathonQueueItem>> queue =
          ParseMarathonQueue(queue_answer.body);
      if (!queue.ok()) return Prefixed(queue.status(), marathon_ + ": ");
      UnmetDemand demand = SplitUnmetDemand(*queue, profile_);
      state.queued = demand.queued;
      state.held_back = std::move(demand.held_back);
    }
    return state;
  }

  absl::Status Drain(const std::vector<std::string>& instance_ids,
                     absl::Duration grace) {
    SPOTBURST_ASSIGN_OR_RETURN(const std::string leader, Leader());
    // A fresh list: an agent that joined or started draining since the
    // last Snapshot is seen as it is now. It is not a poll: the tracker's
    // missing-agent counts move with Snapshot alone.
    SPOTBURST_ASSIGN_OR_RETURN(const AgentList agents, ReadAgents(leader));
    std::vector<std::string> errors;
    for (const std::string& instance_id : instance_ids) {
      const Agent* agent = FindAgentOfInstance(
          agents, options_.instance_id_attribute, instance_id);
      if (agent == nullptr) continue;  // never joined, or gone: nothing to do
      if (agent->deactivated || agent->drain != DrainPhase::kNone) continue;
      absl::Status drained = DrainAgent(leader, instance_id, agent->id, grace);
      if (!drained.ok()) errors.push_back(std::string(drained.message()));
    }
    if (!errors.empty()) {
      return absl::UnavailableError(absl::StrJoin(errors, "; "));
    }
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<std::string> Leader() {
    absl::StatusOr<std::string> leader = detector_->LeaderUrl();
    if (!leader.ok()) {
      return Prefixed(leader.status(), "mesos: finding the leading master: ");
    }
    return leader;
  }

  absl::StatusOr<AgentList> ReadAgents(const std::string& leader) {
    if (options_.use_operator_api) {
      SPOTBURST_ASSIGN_OR_RETURN(
          http::HttpResponse answer,
          http_.PostJson(leader, "/api/v1", R"({"type":"GET_AGENTS"})", auth_,
                         "mesos master"));
      if (answer.status != 200) {
        return Unexpected("mesos master POST GET_AGENTS", leader + "/api/v1",
                          answer);
      }
      absl::StatusOr<AgentList> list = ParseGetAgents(answer.body);
      if (!list.ok()) return Prefixed(list.status(), leader + ": ");
      return list;
    }
    SPOTBURST_ASSIGN_OR_RETURN(
        http::HttpResponse answer,
        http_.Get(leader, "/master/slaves", auth_, "mesos master"));
    if (answer.status != 200) {
      return Unexpected("mesos master GET", leader + "/master/slaves", answer);
    }
    absl::StatusOr<AgentList> list = ParseAgents(answer.body);
    if (!list.ok()) return Prefixed(list.status(), leader + ": ");
    return list;
  }

  absl::Status DrainAgent(const std::string& leader,
                          const std::string& instance_id,
                          const std::string& agent_id, absl::Duration grace) {
    const std::string agent = internal::JsonQuote(agent_id);
    if (drain_supported_) {
      const std::string body = absl::StrFormat(
          R"({"type":"DRAIN_AGENT","drain_agent":{"agent_id":{"value":%s},)"
          R"("max_grace_period":{"nanoseconds":%d}}})",
          agent, absl::ToInt64Nanoseconds(grace));
      SPOTBURST_ASSIGN_OR_RETURN(
          http::HttpResponse answer,
          http_.PostJson(leader, "/api/v1", body, auth_, "mesos master"));
      if (answer.status == 200) return absl::OkStatus();
      if (!UnknownCallType(answer)) {
        return Unexpected(absl::StrFormat("mesos master DRAIN_AGENT %s (%s)",
                                          agent_id, instance_id),
                          leader + "/api/v1", answer);
      }
      drain_supported_ = false;  // a master from before draining
    }
    if (deactivate_supported_) {
      const std::string body = absl::StrFormat(
          R"({"type":"DEACTIVATE_AGENT","deactivate_agent":{"agent_id":{"value":%s}}})",
          agent);
      SPOTBURST_ASSIGN_OR_RETURN(
          http::HttpResponse answer,
          http_.PostJson(leader, "/api/v1", body, auth_, "mesos master"));
      if (answer.status == 200) return absl::OkStatus();
      if (!UnknownCallType(answer)) {
        return Unexpected(
            absl::StrFormat("mesos master DEACTIVATE_AGENT %s (%s)", agent_id,
                            instance_id),
            leader + "/api/v1", answer);
      }
      deactivate_supported_ = false;
    }
    // Nothing to ask this master: the instance ends as it would without
    // draining, and the Snapshot's warnings say so.
    undrainable_.insert(instance_id);
    return absl::OkStatus();
  }

  MesosOptions options_;
  std::unique_ptr<http::HttpClient> client_;
  MesosHttp http_;
  std::unique_ptr<LeaderDetector> detector_;
  AgentTracker tracker_;
  BurstAgentProfile profile_;
  std::optional<BasicAuth> auth_, marathon_auth_;
  std::string marathon_;
  bool drain_supported_ = true;
  bool deactivate_supported_ = true;
  std::set<std::string> undrainable_;
};

absl::StatusOr<std::unique_ptr<MesosCluster>> MesosCluster::Create(
    MesosOptions options, std::unique_ptr<http::HttpClient> http,
    Environment env) {
  SPOTBURST_RETURN_IF_ERROR(ValidateMesosOptions(options));
  if (http == nullptr) {
    http = http::NewCurlHttpClient({.connect_timeout = options.connect_timeout,
                                    .timeout = options.request_timeout,
                                    .ca_file = options.ca_file});
  }
  if (env == nullptr) {
    env = [](const std::string& name) {
      const char* value = std::getenv(name.c_str());
      return std::string(value == nullptr ? "" : value);
    };
  }
  auto impl = std::make_unique<Impl>(std::move(options), std::move(http));
  SPOTBURST_RETURN_IF_ERROR(impl->Init(env));
  return std::unique_ptr<MesosCluster>(new MesosCluster(std::move(impl)));
}

MesosCluster::MesosCluster(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
MesosCluster::~MesosCluster() = default;

absl::StatusOr<ClusterState> MesosCluster::Snapshot() {
  return impl_->Snapshot(warnings_);
}

absl::Status MesosCluster::Drain(const std::vector<std::string>& instance_ids,
                                 absl::Duration grace) {
  return impl_->Drain(instance_ids, grace);
}

}  // namespace spotburst::mesos
