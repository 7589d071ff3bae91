// `spotburst cluster`: one read of a Mesos cluster, as the adapter sees it.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/mesos_config.h"
#include "google/protobuf/util/json_util.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/mesos/mesos_cluster.h"

namespace spotburst::cli {
namespace {

std::string ResourcesText(const Resources& r) {
  return absl::StrFormat("cpus %g, mem %g MiB, disk %g MiB, gpus %g", r.cpus,
                         r.mem_mib, r.disk_mib, r.gpus);
}

void PrintText(const ClusterState& state,
               const std::vector<std::string>& warnings) {
  std::cout << "private capacity: " << ResourcesText(state.baseline) << "\n"
            << "used: " << ResourcesText(state.used) << "\n"
            << "queued for resources (may burst): "
            << ResourcesText(state.queued) << "\n";
  for (const HeldBackDemand& d : state.held_back) {
    std::cout << absl::StrFormat("held back: %s x%d (%s) by %s%s\n", d.workload,
                                 d.instances, ResourcesText(d.resources),
                                 HoldReasonName(d.reason),
                                 d.detail.empty() ? "" : ": " + d.detail);
  }
  std::cout << "burst agents: " << state.burst_agents.size() << "\n";
  for (const BurstAgent& a : state.burst_agents) {
    std::cout << absl::StrFormat(
        "  %s: agent %s, %s, has %s, uses %s\n", a.instance_id, a.agent_id,
        AgentStateName(a.state), ResourcesText(a.total), ResourcesText(a.used));
  }
  for (const std::string& w : warnings) std::cout << "warning: " << w << "\n";
}

}  // namespace

int RunCluster(const std::vector<std::string>& args) {
  const std::string path = absl::GetFlag(FLAGS_mesos);
  const std::string format = absl::GetFlag(FLAGS_format);
  if (path.empty() || !args.empty()) {
    std::cerr << "spotburst cluster: --mesos FILE is required (and takes no "
                 "arguments)\n";
    return 2;
  }
  if (!format.empty() && format != "text" && format != "json") {
    std::cerr << "spotburst cluster: --format must be text or json\n";
    return 2;
  }
  absl::StatusOr<mesos::MesosOptions> options = LoadMesosConfig(path);
  if (!options.ok()) {
    std::cerr << "spotburst cluster: " << options.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<std::unique_ptr<mesos::MesosCluster>> cluster =
      mesos::MesosCluster::Create(*std::move(options));
  if (!cluster.ok()) {
    std::cerr << "spotburst cluster: " << cluster.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<ClusterState> state = (*cluster)->Snapshot();
  if (!state.ok()) {
    std::cerr << "spotburst cluster: " << state.status().message() << "\n";
    return 1;
  }
  if (format == "json") {
    google::protobuf::util::JsonPrintOptions print;
    print.preserve_proto_field_names = true;
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(internal::ToProto(*state),
                                                     &json, print)
             .ok()) {
      std::cerr << "spotburst cluster: cannot print the state as JSON\n";
      return 1;
    }
    std::cout << json << "\n";
  } else {
    PrintText(*state, (*cluster)->warnings());
  }
  return 0;
}

}  // namespace spotburst::cli
