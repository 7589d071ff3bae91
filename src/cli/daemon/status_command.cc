// `spotburst status`: what a running spotburstd sees and last did.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "cli/commands.h"
#include "cli/daemon/controller_text.h"
#include "cli/daemon/daemon_client.h"
#include "cli/flags.h"
#include "google/protobuf/util/json_util.h"
#include "spotburst/v1/controller_service.grpc.pb.h"

namespace spotburst::cli {

int RunStatus(const std::vector<std::string>& args) {
  if (!CheckDaemonUsage("status", args)) return 2;
  const std::string format = absl::GetFlag(FLAGS_format);
  if (!format.empty() && format != "text" && format != "json") {
    std::cerr << "spotburst status: --format must be text or json\n";
    return 2;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = DaemonChannel();
  if (!channel.ok()) {
    std::cerr << "spotburst status: " << channel.status().message() << "\n";
    return 1;
  }
  auto stub = v1::ControllerService::NewStub(*channel);
  grpc::ClientContext context;
  SetUnaryDeadline(context);
  v1::ControllerStatus status;
  const grpc::Status call = stub->GetStatus(&context, {}, &status);
  if (!call.ok()) {
    std::cerr << "spotburst status: " << CallError(call) << "\n";
    return 1;
  }
  if (format == "json") {
    google::protobuf::util::JsonPrintOptions print;
    print.preserve_proto_field_names = true;
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(status, &json, print)
             .ok()) {
      std::cerr << "spotburst status: cannot print the status as JSON\n";
      return 1;
    }
    std::cout << json << "\n";
    return 0;
  }
  std::cout << StatusText(TargetForMessages(), status);
  return 0;
}

}  // namespace spotburst::cli
