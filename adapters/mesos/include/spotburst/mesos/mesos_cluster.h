// MesosCluster: a real Mesos cluster as spotburst's MetricsSource and
// Drainer.
//
// Each Snapshot() finds the leading master (a static list of masters asked
// through /master/redirect, or ZooKeeper), refuses a master whose
// /metrics/snapshot says it is not elected, reads the agents
// (/master/slaves, or GET_AGENTS of the v1 operator API) and, when a
// Marathon is configured, its launch queue. From them:
//   - baseline: the total resources of the private agents (those whose
//     attributes match `private_selector`; every agent that is not a burst
//     agent when the selector is empty);
//   - used: what tasks hold on private and burst agents (other agents are
//     another pool's and are left out);
//   - burst agents: agents carrying `instance_id_attribute` (set by the
//     burst instance's boot script), active, draining or drained, so an
//     instance counts as joined only once its agent is there;
//   - queued and held-back demand from Marathon's queue: only demand that
//     waits for resources and that a new burst agent (with
//     `burst_attributes`) could take is queued.
// An agent that stops appearing is kept (with what it last had) for
// `missing_polls_to_drop` polls before it is dropped; one that appears
// counts at once. Any failed or malformed read fails the Snapshot (the
// Controller then acts on nothing), naming the endpoint.
//
// Drain() asks the leader to DRAIN_AGENT each instance's agent with the
// grace period as max_grace_period; a master from before draining (it
// refuses the call type) gets DEACTIVATE_AGENT instead, so nothing new
// lands on the agent, and the agent counts as drained once its tasks hold
// nothing.
//
// Credentials (HTTP basic auth for masters and Marathon) come from files or
// the environment, never from the options' URLs, and appear in no error.
// Calls block (bounded by the timeouts and attempts); one thread at a time.
//
//   SPOTBURST_ASSIGN_OR_RETURN(
//       std::unique_ptr<spotburst::mesos::MesosCluster> cluster,
//       spotburst::mesos::MesosCluster::Create(
//           {.zookeeper = "zk://zk1:2181,zk2:2181/mesos",
//            .marathon = "http://marathon.internal:8080",
//            .private_selector = {{"cloud_type", "private"}},
//            .burst_attributes = {{"cloud_type", "burst"}}}));
//   spotburst::Controller controller(engine, *cluster, prices, instances,
//                                    clock, {.drainer = cluster.get()});
#ifndef SPOTBURST_MESOS_MESOS_CLUSTER_H_
#define SPOTBURST_MESOS_MESOS_CLUSTER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/cluster_state.h"
#include "spotburst/drainer.h"
#include "spotburst/http/http_client.h"
#include "spotburst/metrics_source.h"

namespace spotburst::mesos {

struct MesosOptions {
  // Where the masters are: exactly one of these.
  // "http://m1:5050", "https://m2:5050", "m3" (http, port 5050).
  std::vector<std::string> masters;
  // "zk://host:port,host:port/mesos" (optionally "zk://user:pass@..."), as
  // the masters' --zk flag.
  std::string zookeeper;
  // "http" or "https": how masters found in ZooKeeper are reached.
  std::string master_scheme = "http";
  // Marathon's base URL, e.g. "http://marathon.internal:8080". Empty: no
  // queue is read, and nothing is queued (only usage bursts).
  std::string marathon;

  // The private agents: all of these attributes, with these values (as
  // Mesos prints them: "private", "12"). Empty: every non-burst agent.
  std::map<std::string, std::string> private_selector;
  // The attribute whose value is the burst instance's id.
  std::string instance_id_attribute = "instance_id";
  // Attributes every burst agent carries besides its instance id (the boot
  // script sets them): what Marathon's constraints are checked against.
  std::map<std::string, std::string> burst_attributes;
  // Polls an agent may be missing before it is dropped.
  int missing_polls_to_drop = 3;
  // Read agents with the v1 operator API's GET_AGENTS instead of
  // /master/slaves.
  bool use_operator_api = false;

  absl::Duration connect_timeout = absl::Seconds(3);
  // Each HTTP exchange, connecting included.
  absl::Duration request_timeout = absl::Seconds(10);
  // Attempts per request when a master cannot be reached, times out or
  // answers 5xx (never for 4xx or redirects).
  int max_attempts = 3;
  // PEM file of the CA that signed the masters' and Marathon's
  // certificates; empty: the system's.
  std::string ca_file;
  // HTTP basic auth: a file whose first line is "principal secret" (the
  // masters' --credentials text form). When empty, the environment's
  // SPOTBURST_MESOS_PRINCIPAL and SPOTBURST_MESOS_SECRET, if set.
  std::string credentials_file;
  // The same for Marathon ("user password"; environment
  // SPOTBURST_MARATHON_USER and SPOTBURST_MARATHON_PASSWORD).
  std::string marathon_credentials_file;
};

// InvalidArgument naming the option for anything out of range or
// malformed.
absl::Status ValidateMesosOptions(const MesosOptions& options);

class MesosCluster final : public MetricsSource, public Drainer {
 public:
  // Looks an environment variable up; empty when unset.
  using Environment = std::function<std::string(const std::string&)>;

  // Validates the options and reads the credentials (errors name the file,
  // never its content). `http`: the transport (default: libcurl with the
  // options' timeouts and CA file). `env`: default getenv.
  static absl::StatusOr<std::unique_ptr<MesosCluster>> Create(
      MesosOptions options, std::unique_ptr<http::HttpClient> http = nullptr,
      Environment env = nullptr);
  ~MesosCluster() override;

  // Unavailable when no leader is known or reachable, or the master asked
  // is not elected (a failover under way); InvalidArgument when an answer
  // cannot be understood; PermissionDenied when credentials are refused.
  absl::StatusOr<ClusterState> Snapshot() override;
  absl::Status Drain(const std::vector<std::string>& instance_ids,
                     absl::Duration grace) override;

  // What the last Snapshot could not see fully, for people (e.g. a master
  // that reports no usage per agent).
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  class Impl;
  explicit MesosCluster(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  std::vector<std::string> warnings_;
};

}  // namespace spotburst::mesos

#endif  // SPOTBURST_MESOS_MESOS_CLUSTER_H_
